"""The core every app leans on: municipalities and their staff."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Housing counsellor")
    OFFICER = "officer", _("Tenancy officer")
    MANAGER = "manager", _("Manager")


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

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


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


class FormSubmission(models.Model):
    """A form that creates a record, sent once: its one-time token, and where what it created is
    shown. A second sending of the same form lands there instead of creating it again."""

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    landing_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return str(self.token)
