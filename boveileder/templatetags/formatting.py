"""Formatting the house way: amounts as «kr 1 234 567», national IDs masked."""

from datetime import date

from django import template

from boveileder import national_id

register = template.Library()
NBSP = "\xa0"


def format_nok(value) -> str:
    if value is None or value == "":
        return "–"
    amount = round(float(value))
    grouped = f"{abs(amount):,}".replace(",", NBSP)
    return f"{'−' if amount < 0 else ''}kr{NBSP}{grouped}"


@register.filter
def nok(value):
    return format_nok(value)


@register.filter
def masked_id(value):
    return national_id.mask(value)


@register.filter
def age_on(birth_date, on=None):
    if not birth_date:
        return ""
    on = on or date.today()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
