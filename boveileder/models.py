"""The core every app leans on: municipalities and their staff."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class User(AbstractUser):
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

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

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
