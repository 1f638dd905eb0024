"""The core every app leans on: municipalities and their staff."""

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

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name

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

    # Issue 21: how often the staff member wants the e-mail of what is due (chosen on their own page).
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
            # unique, so two managers creating them at once make one account (issue 15.9).
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


class SavedView(ConstraintMessages, models.Model):
    """A list page's filter saved under a name by one staff member (issue 21); see `saved_views`."""

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
