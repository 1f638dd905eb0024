"""Forms for individual decisions, their letters and appeals."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boveileder.validators import validate_no_control_characters
from cases.models import Appeal, Decision, Person

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=DATE_INPUT, **kwargs)


class DecisionForm(forms.ModelForm):
    """The draft: a draft may be saved incomplete; what is missing is named when it is submitted."""

    class Meta:
        model = Decision
        fields = [
            "person",
            "outcome",
            "assessment",
            "main_content",
            "period_from",
            "period_to",
            "participation",
            "legal_basis",
            "reasons",
        ]
        widgets = {
            "outcome": forms.RadioSelect,
            "assessment": forms.Textarea(attrs={"rows": 4}),
            "main_content": forms.Textarea(attrs={"rows": 4}),
            "participation": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "period_from": DATE_INPUT,
            "period_to": DATE_INPUT,
        }
        help_texts = {
            "main_content": _(
                "For example: follow-up visits twice a month, help applying for a start-up loan, "
                "help finding a private rental."
            ),
            "reasons": _(
                "The facts and the main considerations the decision rests on. Required for a refusal."
            ),
        }

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        members = Person.objects.filter(household=household).members()
        self.fields["person"].queryset = members
        self.fields["person"].empty_label = None
        self.fields["person"].label = _("Addressed to")
        if self.instance.pk is None and "person" not in self.initial:
            # Addressed to the household's main person unless the drafter chooses another member.
            main = members.filter(household_role=Person.HouseholdRole.APPLICANT).order_by("pk").first()
            if main is not None:
                self.initial["person"] = main.pk

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The period cannot end before it starts."))
        return cleaned


class DecisionSubmitForm(forms.Form):
    """The drafter names who is to approve the decision."""

    no_candidates = False  # set by the page when nobody may approve it

    approver = forms.ModelChoiceField(
        label=_("Who is to approve it"),
        queryset=None,
        help_text=_("A manager, or a counsellor a manager has authorised. Not yourself."),
        error_messages={"required": _("Choose who is to approve the decision.")},
    )

    def __init__(self, *args, approvers, initial_approver=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["approver"]
        field.queryset = approvers
        if initial_approver is not None:
            field.initial = initial_approver.pk


class DecisionSendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("What should be changed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The drafter sees the comment; it is kept in the decision's history."),
        error_messages={"required": _("Say what should be changed before it is approved.")},
    )


class LetterArchiveForm(forms.Form):
    archived_on = _date_field(_("Filed in the archive on"), initial=timezone.localdate)
    archive_ref = forms.CharField(
        label=_("Archive reference"), max_length=60, validators=[validate_no_control_characters]
    )


class AppealRegisterForm(forms.Form):
    received_on = _date_field(_("Appeal received on"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealSecondLookForm(forms.Form):
    second_look = forms.ChoiceField(
        label=_("The municipality's second look"), choices=Appeal.SecondLook.choices, widget=forms.RadioSelect
    )
    on = _date_field(_("Date"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForwardForm(forms.Form):
    on = _date_field(_("Forwarded to Statsforvalteren on"), initial=timezone.localdate)


class AppealOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome at Statsforvalteren"), choices=Appeal.Outcome.choices, widget=forms.RadioSelect
    )
    on = _date_field(_("Date"), initial=timezone.localdate)
