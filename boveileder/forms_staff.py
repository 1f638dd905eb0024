"""Forms a manager uses to manage the staff of their municipality."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from boveileder.models import Role, User
from boveileder.services.staff import ROLE_FIELDS

# Django's own Norwegian catalogue leaves MinimumLengthValidator's message untranslated: this keeps
# its msgid in ours, so a manager reads why a password was refused.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    12,
)


class StaffForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )
    can_approve_decisions = forms.BooleanField(
        label=_("May approve individual decisions"),
        required=False,
        help_text=_("Managers may always approve. Nobody approves a decision they drafted."),
    )

    @classmethod
    def initial_for(cls, user) -> dict:
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "roles": [role for role, field in ROLE_FIELDS.items() if getattr(user, field)],
            "can_approve_decisions": user.can_approve_decisions,
        }


class StaffCreateForm(StaffForm):
    GENERATE, CHOOSE = "generate", "choose"

    username = forms.CharField(
        label=_("Username"),
        # The municipality's short name (up to 60) and "@" are added: at most 150 in all.
        max_length=89,
        validators=[
            RegexValidator(r"^[\w.+-]+\Z", _("Letters, digits and . + - _ only, for example kari.nordmann."))
        ],
    )
    password_choice = forms.ChoiceField(
        label=_("Initial password"),
        choices=[(GENERATE, _("Generate a password and show it once")), (CHOOSE, _("I choose the password"))],
        widget=forms.RadioSelect,
        initial=GENERATE,
    )
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "first_name", "last_name", "email", "roles", "can_approve_decisions"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["username"].help_text = _(
            "Letters, digits and . + - _ only, for example kari.nordmann. They sign in with "
            "@%(municipality)s added: kari.nordmann@%(municipality)s."
        ) % {"municipality": municipality.slug}

    def clean(self):
        data = super().clean()
        if data.get("password_choice") != self.CHOOSE:
            data["password"] = None
            return data
        password1, password2 = data.get("password1", ""), data.get("password2", "")
        if not password1:
            self.add_error("password1", _("Type the password, or let one be generated."))
        elif password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        else:
            candidate = User(
                username=data.get("username", ""),  # the name before the "@municipality"
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        data["password"] = password1
        return data


class PasswordResetForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", _("The two passwords differ."))
            else:
                try:
                    validate_password(password1, self.user)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return data
