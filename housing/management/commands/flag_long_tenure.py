"""Raise the due long-tenure flags now, as the nightly job does."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from boveileder.models import Municipality
from housing.services.flags import flags_raise_due_in


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of takes a date as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Raise long-tenure flags for tenancies due on a date (default today), and print how many."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=iso_date, default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--municipality", metavar="SLUG", help="only this municipality")

    def handle(self, *args, as_of=None, municipality=None, **options):
        today = timezone.localdate()
        day = as_of or today
        if day > today:
            # Flags are raised on the day they fall due; one raised «on» a future day would sit in
            # the queue and the figures with a date that has not come.
            raise CommandError(f"--as-of cannot be after today ({today:%Y-%m-%d}): {day:%Y-%m-%d}")
        municipalities = Municipality.objects.all()
        if municipality:
            municipalities = municipalities.filter(slug=municipality)
            if not municipalities.exists():
                raise CommandError(f"No municipality with the short name {municipality!r}.")
        raised = flags_raise_due_in(municipalities=municipalities, as_of=day)
        self.stdout.write(f"Raised {raised} long-tenure flag(s) as of {day:%Y-%m-%d}.")
        return None
