"""The follow-up form: short enough to fill in on a phone right after a home visit."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boveileder.fields import IdMultipleChoiceField
from cases.models import FollowUp, PartnerAgency

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=FollowUp.Kind.choices,
        initial=FollowUp.Kind.HOME_VISIT,
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        required=False,
        min_value=0,
        max_value=24 * 60,
        error_messages={
            "min_value": _("Minutes cannot be negative."),
            "max_value": _("A follow-up cannot last more than 24 hours (1440 minutes)."),
            "invalid": _("Write the minutes as a whole number."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=FollowUp.Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=pgettext_lazy("follow-up", "Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    partner_agencies = IdMultipleChoiceField(
        label=_("Partner agencies that took part"),
        queryset=PartnerAgency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=300)
    next_step_due = forms.DateField(label=_("Next step due"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = PartnerAgency.objects.for_municipality(municipality)
        self.fields["partner_agencies"].queryset = agencies
        if not self.is_bound and not agencies.exists():
            del self.fields["partner_agencies"]  # nothing to choose: keep the phone form short
        if not self.is_bound and "date" not in self.initial:
            self.initial["date"] = timezone.localdate()

    @classmethod
    def initial_from(cls, followup: FollowUp) -> dict:
        return {
            "date": followup.date,
            "kind": followup.kind,
            "minutes": followup.minutes,
            "topics": followup.topics,
            "note": followup.note,
            "partner_agencies": list(followup.partner_agencies.all()),
            "next_step": followup.next_step,
            "next_step_due": followup.next_step_due,
        }

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        visit, due = cleaned.get("date"), cleaned.get("next_step_due")
        if visit and due and due < visit:
            self.add_error("next_step_due", _("The next step cannot be due before the follow-up itself."))
        if due and not cleaned.get("next_step"):
            self.add_error("next_step", _("Say what the next step is when you give it a due date."))
        return cleaned
