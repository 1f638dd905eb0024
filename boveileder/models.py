"""The core every app leans on: municipalities and their staff."""

import os
import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from boveileder.constraints import ConstraintMessages


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Housing counsellor")
    OFFICER = "officer", _("Tenancy officer")
    MANAGER = "manager", _("Manager")


# A Norwegian postcode: four digits (0001–9991).
validate_postcode = RegexValidator(r"^\d{4}$", _("A postcode has four digits."))


class MunicipalityQuerySet(models.QuerySet):
    def in_county(self, county: str):
        """The municipalities of a county: its number is the first two digits of their kommunenummer."""
        return self.filter(number__startswith=county) if len(county) == 2 else self.none()


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    number = models.CharField(_("municipality number"), max_length=4, blank=True)
    project_start = models.DateField(_("project start"), null=True, blank=True)
    # Thresholds for the long-tenure flag, set by a manager.
    tenure_threshold_years = models.PositiveSmallIntegerField(_("tenure threshold (years)"), default=3)
    expiry_window_months = models.PositiveSmallIntegerField(_("contract expiry window (months)"), default=6)
    # Working notes of households closed longer than this are anonymised.
    retention_years = models.PositiveSmallIntegerField(_("retention of working notes (years)"), default=5)
    # The sender of decision letters, so a citizen can answer them (forvaltningsloven § 27); set by a manager.
    service_unit = models.CharField(
        _("responsible unit"),
        max_length=120,
        blank=True,
        help_text=_("The unit that sends the decisions, for example «Boveiledertjenesten»."),
    )
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True, validators=[validate_postcode])
    post_town = models.CharField(_("place"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name

    @property
    def county(self) -> str:
        """The county (fylkesnummer): the first two digits of the kommunenummer ("15" for 1508)."""
        return self.number[:2] if len(self.number) == 4 else ""

    @property
    def has_sender_address(self) -> bool:
        """Whether a letter from the municipality says where to answer it."""
        return bool(self.postal_address.strip() and self.postcode and self.post_town.strip())


class UserQuerySet(models.QuerySet):
    def staff_of(self, municipality_id):
        """The staff a municipality's managers manage: its accounts, administrators left out.

        An administrator (superuser or `is_staff`) stands above every manager; a municipality set on
        one (to try the app as a counsellor, say) does not make it one of the staff, or its manager
        could set its password, reset its second factor and sign in to the admin as it."""
        if municipality_id is None:
            return self.none()
        return self.filter(municipality_id=municipality_id, is_staff=False, is_superuser=False)


class StaffManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(ConstraintMessages, AbstractUser):
    """A staff member of one municipality, with one or more roles. Superusers may have none."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    is_counsellor = models.BooleanField(_("housing counsellor"), default=False)
    is_officer = models.BooleanField(_("tenancy officer"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    # Staff other than managers whom a manager has authorised to approve individual decisions.
    can_approve_decisions = models.BooleanField(_("may approve individual decisions"), default=False)

    class Reminders(models.TextChoices):
        DAILY = "daily", _("Every morning")
        WEEKLY = "weekly", _("Monday mornings")
        NONE = "none", _("Never")

    # How often the staff member wants the e-mail of what is due (chosen on their own page).
    reminders = models.CharField(
        _("reminder e-mail"), max_length=10, choices=Reminders.choices, default=Reminders.DAILY
    )
    # The day the last reminder went out: the beat task run twice on a day sends it once.
    reminders_sent_on = models.DateField(null=True, blank=True, editable=False)

    objects = StaffManager()

    constraint_messages = {
        "user_username_unique_ignoring_case": ("username", _("That username is taken. Choose another.")),
    }

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            # «Kari@alesund» and «kari@alesund» are one name to a person: the database keeps them
            # unique, so two managers creating them at once make one account.
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        # `name@slug` is the namespace of the municipality `slug` (see `staff_create`): no account of
        # another municipality, nor one made in the admin, may take a name in it.
        if "@" in self.username:
            namespace = self.username.rsplit("@", 1)[1]
            taken = Municipality.objects.filter(slug=namespace).exclude(pk=self.municipality_id).exists()
            if taken:
                message = _("Names ending in @%(slug)s belong to that municipality.")
                raise ValidationError({"username": message % {"slug": namespace}})

    @property
    def roles(self) -> set[str]:
        return {
            role
            for role, held in (
                (Role.COUNSELLOR, self.is_counsellor),
                (Role.OFFICER, self.is_officer),
                (Role.MANAGER, self.is_manager),
            )
            if held
        }

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_administrator(self) -> bool:
        return self.is_staff or self.is_superuser


class FormSubmission(models.Model):
    """A form that creates a record, sent once: its one-time token, and where what it created is
    shown. A second sending of the same form lands there instead of creating it again."""

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    landing_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return str(self.token)


def _validate_env_name(value):
    if not re.fullmatch(r"[A-Z][A-Z0-9_]{1,99}", value):
        raise ValidationError(
            _("Give the name of an environment variable, in capitals, for example «SSO_SECRET_ALESUND».")
        )


class SingleSignOn(models.Model):
    """A municipality's own identity provider (Microsoft Entra ID, or any OpenID Connect provider).

    The client secret is never stored here: only the name of the environment variable that holds it,
    so neither the database, its backups nor Administrasjon can show it."""

    class SubjectClaim(models.TextChoices):
        OID = "oid", _("oid (Entra ID's object id, the same in every application)")
        SUB = "sub", _("sub (the subject, fixed per application)")

    class RolesClaim(models.TextChoices):
        ROLES = "roles", _("app roles (roles)")
        GROUPS = "groups", _("groups (groups)")

    municipality = models.OneToOneField(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="single_sign_on"
    )
    enabled = models.BooleanField(_("single sign-on is on"), default=False)
    issuer = models.URLField(
        _("issuer"), help_text=_("For Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0")
    )
    tenant_id = models.CharField(
        _("tenant id"),
        max_length=64,
        blank=True,
        help_text=_("Tokens whose «tid» claim differs are refused."),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret_env = models.CharField(
        _("environment variable holding the client secret"), max_length=100, validators=[_validate_env_name]
    )
    subject_claim = models.CharField(
        _("claim identifying a person"), max_length=10, choices=SubjectClaim.choices, default=SubjectClaim.OID
    )
    roles_claim = models.CharField(
        _("claim carrying the roles"), max_length=10, choices=RolesClaim.choices, default=RolesClaim.ROLES
    )
    counsellor_values = models.CharField(
        _("values giving the housing counsellor role"),
        max_length=500,
        blank=True,
        help_text=_("Separated by commas. Empty in all three: roles are kept here, by a manager."),
    )
    officer_values = models.CharField(_("values giving the tenancy officer role"), max_length=500, blank=True)
    manager_values = models.CharField(_("values giving the manager role"), max_length=500, blank=True)
    create_unknown_staff = models.BooleanField(
        _("create unknown staff, with no roles"),
        default=False,
        help_text=_("Otherwise only staff a manager has created may sign in."),
    )
    local_passwords_off = models.BooleanField(_("staff may not sign in with a password here"), default=False)

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-on")

    def __str__(self):
        return f"{self.municipality} ({self.issuer})"

    @staticmethod
    def _values(text: str) -> set[str]:
        return {value.strip() for value in text.split(",") if value.strip()}

    @property
    def role_values(self) -> dict[str, set[str]]:
        """Which claim values give which role here."""
        return {
            Role.COUNSELLOR: self._values(self.counsellor_values),
            Role.OFFICER: self._values(self.officer_values),
            Role.MANAGER: self._values(self.manager_values),
        }

    @property
    def maps_roles(self) -> bool:
        """Whether the provider decides the roles (any mapping set), or the managers here do."""
        return any(self.role_values.values())

    @property
    def secret_is_set(self) -> bool:
        return bool(os.environ.get(self.client_secret_env))

    @property
    def local_passwords_allowed(self) -> bool:
        return not (self.enabled and self.local_passwords_off)


class SingleSignOnLink(models.Model):
    """A staff member's account at the municipality's provider: the claim that identifies them
    (`oid` or `sub`, never the e-mail), made at the first sign-in."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="sso_link")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "subject"], name="sso_link_unique_subject"),
        ]

    def __str__(self):
        return f"{self.user} ↔ {self.subject}"


class SavedView(ConstraintMessages, models.Model):
    """A list page's filter saved under a name by one staff member; see `saved_views`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=60)
    url_name = models.CharField(max_length=60)
    query = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    constraint_messages = {
        "savedview_name_unique_per_user": ("name", _("You have a saved view by that name. Choose another.")),
    }

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "user", name="savedview_name_unique_per_user"),
        ]

    def __str__(self):
        return self.name

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")
