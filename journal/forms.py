"""The journal page's filter: a quarter or two dates, and the direction."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journal.models import JournalEntry
from journal.periods import Period, parse_quarter, quarter_of, quarters_back

MAX_DAYS = 366
SELECT = forms.Select(attrs={"class": "form-select"})


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class JournalFilterForm(forms.Form):
    """From the query string; an unusable filter says why and shows this quarter meanwhile."""

    quarter = forms.ChoiceField(label=_("Quarter"), required=False, widget=SELECT)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget())
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("Incoming and outgoing")), *JournalEntry.Direction.choices],
        widget=SELECT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["quarter"].choices = [("", _("Other dates"))] + [
            (q.slug, q.slug) for q in quarters_back(today, 8)
        ]
        self.default = quarter_of(today)
        self.fields["quarter"].initial = self.default.slug

    def clean_quarter(self):
        text = self.cleaned_data.get("quarter") or ""
        if not text:
            return None
        try:
            return parse_quarter(text)
        except ValueError:
            raise forms.ValidationError(
                _("Choose a quarter such as %(example)s."), params={"example": "2026Q1"}
            ) from None

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if cleaned.get("quarter") or self.errors:
            return cleaned
        if first is None and last is None:
            return cleaned
        if first is None or last is None:
            raise forms.ValidationError(_("Give both dates, or choose a quarter."))
        if last < first:
            raise forms.ValidationError(_("The last date comes before the first."))
        if last - first > timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("Choose at most a year at a time."))
        cleaned["period"] = Period(first, last)
        return cleaned

    def period(self) -> Period:
        """The period asked for, else this quarter."""
        if not self.is_valid():
            return self.default
        return self.cleaned_data.get("quarter") or self.cleaned_data.get("period") or self.default

    def chosen_direction(self) -> str:
        return self.cleaned_data.get("direction", "") if self.is_valid() else ""

    def query(self) -> str:
        """The period and direction as a query string, for the export links."""
        period = self.period()
        if period.slug in dict(self.fields["quarter"].choices):  # one of the quarters offered
            parts = [f"quarter={period.slug}"]
        else:
            parts = [f"date_from={period.first:%Y-%m-%d}", f"date_to={period.last:%Y-%m-%d}"]
        if self.chosen_direction():
            parts.append(f"direction={self.chosen_direction()}")
        return "&".join(parts)


class ExportForm(JournalFilterForm):
    """The period and direction, the file's format, and whether it is the public journal. The
    arkivmelding is the journal's alone: the archive keeps the names, screened."""

    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("csv", "CSV"), ("xml", "Noark 5 arkivmelding")])
    public = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("public") and cleaned.get("format") == "xml":
            raise forms.ValidationError(_("The archive gets the journal, not the public journal."))
        return cleaned
