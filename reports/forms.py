"""Forms of the reports pages; every message in the user's language."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import Funder, FundingGrant, ReportNarrative
from reports.periods import Quarter, Year, parse_period

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


def quarter_choices(count: int = 12) -> list[tuple[str, str]]:
    """The current quarter and the ones before it, newest first."""
    q, choices = Quarter.containing(timezone.localdate()), []
    for _step in range(count):
        choices.append((str(q), q.label))
        q = q.previous()
    return choices


def last_quarter() -> Quarter:
    return Quarter.containing(timezone.localdate()).previous()


FIRST_YEAR = 2000  # the dashboard's earliest year: before any municipality kept its records here


class DashboardPeriodForm(forms.Form):
    """The dashboard's period, from the query string: `?period=2025Q3`, `?period=2025` or
    `?year=2025`; this quarter when none is given or what is given is not a period."""

    period = forms.CharField(required=False)
    year = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        text, year = (cleaned.get("period") or "").strip(), (cleaned.get("year") or "").strip()
        if not text and not year:
            return cleaned
        try:
            chosen = parse_period(text or year)
            if not text and not isinstance(chosen, Year):
                raise ValueError(year)
        except ValueError:
            chosen = None
        this_year = timezone.localdate().year
        if chosen is None or not FIRST_YEAR <= chosen.year <= this_year:
            raise forms.ValidationError(
                _("Choose a quarter or a year between %(first)s and %(last)s, such as %(example)s."),
                params={"first": FIRST_YEAR, "last": this_year, "example": f"{this_year}Q1"},
            )
        cleaned["chosen"] = chosen
        return cleaned

    def chosen(self) -> Quarter | Year:
        """The period to show: the valid one asked for, else this quarter."""
        if self.is_valid() and self.cleaned_data.get("chosen"):
            return self.cleaned_data["chosen"]
        return Quarter.containing(timezone.localdate())

    @staticmethod
    def choices(chosen: Quarter | Year) -> list[tuple[str, list[tuple[str, str]]]]:
        """The select's options, grouped: the last twelve quarters and six years, and the chosen one."""
        this_year = timezone.localdate().year
        quarters = quarter_choices()
        years = [(str(year), str(year)) for year in range(this_year, this_year - 6, -1)]
        if str(chosen) not in {value for value, _label in quarters + years}:
            (quarters if isinstance(chosen, Quarter) else years).append((str(chosen), chosen.label))
        return [(_("Quarters"), quarters), (_("Years"), years)]


class ReportPeriodForm(forms.Form):
    """Funder and quarter: for generating a report and for choosing which narrative to write."""

    funder = forms.ChoiceField(label=_("Funder"), choices=Funder.choices)
    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices()
        self.fields["quarter"].initial = str(last_quarter())

    def clean_quarter(self) -> Quarter:
        try:
            return Quarter.parse(self.cleaned_data["quarter"])
        except ValueError as error:
            raise forms.ValidationError(_("Choose a quarter.")) from error


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = ReportNarrative
        fields = ["summary", "goal_attainment", "deviations", "methods", "challenges", "next_quarter"]
        widgets = {field: forms.Textarea(attrs={"rows": 4}) for field in fields}
        help_texts = {
            "summary": _("A short summary of the quarter (Husbanken)."),
            "goal_attainment": _(
                "How far the service reached its goals, in the municipality's own assessment."
            ),
            "deviations": _("What went differently from the plan, and why."),
            "methods": _("How the work was done: methods and cooperation."),
            "challenges": _("What made the work hard."),
            "next_quarter": _("What the service will do next quarter."),
        }


class GrantForm(forms.ModelForm):
    class Meta:
        model = FundingGrant
        fields = ["funder", "amount_nok", "period_from", "period_to", "purpose", "reference"]
        widgets = {
            "period_from": forms.DateInput(**DATE_WIDGET),
            "period_to": forms.DateInput(**DATE_WIDGET),
        }

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("period_from"), cleaned.get("period_to")
        if first and last and last < first:
            self.add_error("period_to", _("The grant period cannot end before it starts."))
        return cleaned

    def validate_constraints(self, exclude=None):
        pass  # the period order is said in clean(), in the user's language
