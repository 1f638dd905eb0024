"""The municipality's housing stock: rental units, tenancies, renewals, move-outs, long-tenure flags."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from boveileder.constraints import ConstraintMessages
from boveileder.models import Municipality
from boveileder.validators import validate_no_control_characters
from cases.models import Household, MunicipalityQuerySet, StartLoanApplication


class RentalUnit(ConstraintMessages, models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    reference = models.CharField(
        _("unit reference"), max_length=40, validators=[validate_no_control_characters]
    )
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=6, decimal_places=1, null=True, blank=True)
    monthly_rent_nok = models.PositiveIntegerField(_("monthly rent (kr)"), null=True, blank=True)
    kobo_id = models.CharField(
        _("Kobo id"), max_length=40, blank=True, validators=[validate_no_control_characters]
    )
    bruksenhetsnummer = models.CharField(
        _("bruksenhetsnummer"), max_length=20, blank=True, validators=[validate_no_control_characters]
    )
    in_use = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()
    objects = MunicipalityQuerySet.as_manager()
    constraint_messages = {
        "unit_unique_reference": ("reference", _("Another unit already has this reference.")),
    }

    class Meta:
        ordering = ["address", "reference"]
        verbose_name = _("rental unit")
        verbose_name_plural = _("rental units")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "reference"], name="unit_unique_reference")
        ]
        # The unit list pages by (address, id) within a municipality: keyset, no OFFSET.
        indexes = [models.Index(fields=["municipality", "address", "id"], name="unit_muni_address_idx")]

    def __str__(self):
        return self.address


class MoveOutReason(models.TextChoices):
    BOUGHT = "bought", _("Bought own home")
    PRIVATE_RENTAL = "private_rental", _("Moved to private rental")
    TRANSFER = "transfer", _("Moved to another municipal unit")
    OTHER = "other", _("Other (moved away, institution, deceased, …)")


class TenancyQuerySet(MunicipalityQuerySet):
    """The dates are the state: a tenancy is planned before its start, running from its start to the
    day before its move-out, ended from the move-out day on. Nothing stored says "let" or "vacant"."""

    def running_on(self, on: date):
        """Let on `on` (docs/domain.md): started on or before it, and not moved out by it."""
        return self.filter(start_date__lte=on).filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=on))

    def running_today(self):
        return self.running_on(timezone.localdate())

    def starting_after(self, on: date):
        """Move-ins registered ahead: not yet begun on `on`."""
        return self.filter(start_date__gt=on)

    def active(self):
        """No move-out registered yet: running, or a move-in registered ahead. Not "let today": a
        tenancy with a planned move-out is let until its day (`running_on`)."""
        return self.filter(moved_out_on__isnull=True)


class Tenancy(ConstraintMessages, models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="tenancies")
    unit = models.ForeignKey(
        RentalUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tenancies"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="tenancies"
    )
    start_date = models.DateField(_("moved in on"))
    contract_end_date = models.DateField(_("contract ends on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)
    move_out_reason = models.CharField(
        _("reason for moving out"), max_length=20, choices=MoveOutReason.choices, blank=True
    )
    move_out_note = models.CharField(_("note on the move-out"), max_length=300, blank=True)
    startloan = models.ForeignKey(
        StartLoanApplication,
        verbose_name=_("start-up loan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ended_tenancies",
    )

    history = HistoricalRecords()
    objects = TenancyQuerySet.as_manager()
    constraint_messages = {
        "tenancy_one_running_per_unit": (
            "start_date",
            _("The unit is let to another household: register the move-out first."),
        ),
    }

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=models.F("start_date")),
                name="tenancy_moveout_not_before_start",
            ),
            models.CheckConstraint(
                condition=(Q(moved_out_on__isnull=True) & Q(move_out_reason=""))
                | (Q(moved_out_on__isnull=False) & ~Q(move_out_reason="")),
                name="tenancy_moveout_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(contract_end_date__isnull=True)
                | Q(contract_end_date__gte=models.F("start_date")),
                name="tenancy_contract_end_after_start",
            ),
            # No two running tenancies in one unit; overlap of date ranges is refused by an
            # exclusion constraint on PostgreSQL (migration 0002) and by `clean()` everywhere.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(moved_out_on__isnull=True), name="tenancy_one_running_per_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "moved_out_on"], name="tenancy_muni_moveout_idx"),
            models.Index(fields=["household"], name="tenancy_household_idx"),
        ]

    def __str__(self):
        return f"{self.household} – {self.unit}"

    def state_on(self, on: date) -> str:
        """ "planned" before the start, "running" until the move-out day, "ended" from it."""
        if self.start_date > on:
            return "planned"
        if self.moved_out_on is not None and self.moved_out_on <= on:
            return "ended"
        return "running"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())

    @property
    def move_out_planned(self) -> bool:
        """A move-out registered for a day still to come."""
        return self.moved_out_on is not None and self.moved_out_on > timezone.localdate()

    @property
    def tenure_days(self) -> int:
        """Days lived in the unit so far (to the move-out once it has happened)."""
        today = timezone.localdate()
        end = self.moved_out_on if self.moved_out_on and self.moved_out_on <= today else today
        return max((end - self.start_date).days, 0)

    def overlapping(self):
        """Other tenancies of the same unit whose dates overlap this one's (end day exclusive)."""
        qs = Tenancy.objects.filter(unit_id=self.unit_id).exclude(pk=self.pk)
        if self.moved_out_on:
            qs = qs.filter(start_date__lt=self.moved_out_on)
        return qs.filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=self.start_date))

    def clean(self):
        errors = {}
        if self.moved_out_on and self.start_date and self.moved_out_on < self.start_date:
            errors["moved_out_on"] = _("The move-out date cannot be before the move-in date.")
        if self.moved_out_on and not self.move_out_reason:
            errors["move_out_reason"] = _("Choose why the household moved out.")
        if self.move_out_reason and not self.moved_out_on:
            errors["moved_out_on"] = _("Give the move-out date.")
        if self.contract_end_date and self.start_date and self.contract_end_date < self.start_date:
            errors["contract_end_date"] = _("The contract cannot end before the move-in date.")
        if self.unit_id and self.start_date and not errors and self.overlapping().exists():
            errors["start_date"] = _("The unit is let to another household in this period.")
        if self.unit_id and self.household_id and self.unit.municipality_id != self.household.municipality_id:
            raise ValidationError(_("The unit and the household belong to different municipalities."))
        if errors:
            raise ValidationError(errors)


class TenancyRenewal(models.Model):
    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="renewals")
    renewed_on = models.DateField(_("renewed on"))
    previous_end_date = models.DateField(null=True, blank=True)
    new_end_date = models.DateField(_("new contract end date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-renewed_on"]

    def __str__(self):
        return f"{self.tenancy} → {self.new_end_date:%d.%m.%Y}"


class FlagQuerySet(MunicipalityQuerySet):
    def unresolved(self):
        return self.filter(resolved_on__isnull=True)


class LongTenureFlag(models.Model):
    """Invites a conversation about the household's next step; never pressure on the tenant."""

    class Reason(models.TextChoices):
        TENURE = "tenure", _("Long residence")
        CONTRACT_EXPIRY = "contract_expiry", _("Contract ends soon")

    class Status(models.TextChoices):
        OPEN = "open", _("New")
        REFERRED = "referred", _("Referred to a counsellor")
        STARTLOAN_ENCOURAGED = "startloan_encouraged", _("Start-up loan encouraged")
        SLEEPING = "sleeping", _("Look again later")
        RESOLVED = "resolved", _("Resolved")

    class Decision(models.TextChoices):
        """What an officer decides on a flag; each maps to the flag's next status (services.flags)."""

        REFERRED = "referred", _("Refer to a counsellor")
        STARTLOAN_ENCOURAGED = "startloan_encouraged", _("Start-up loan encouraged")
        CONTRACT_RENEWED = "contract_renewed", _("Contract renewed")
        SLEEPING = "sleeping", _("Not realistic now: look again later")
        RESOLVED = "resolved", _("Resolved")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="flags")
    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="flags")
    raised_on = models.DateField(_("raised on"))
    reasons = models.JSONField(_("reasons"), default=list)
    # The contract end the flag was raised for, so a resolved flag comes back only for a new one.
    contract_end_date = models.DateField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.OPEN)
    referred_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_flags",
    )
    sleep_until = models.DateField(_("look again on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["raised_on"]
        verbose_name = _("long-tenure flag")
        verbose_name_plural = _("long-tenure flags")
        constraints = [
            models.UniqueConstraint(
                fields=["tenancy"],
                condition=Q(resolved_on__isnull=True),
                name="flag_one_unresolved_per_tenancy",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "resolved_on"], name="flag_muni_resolved_idx"),
            models.Index(fields=["raised_on"], name="flag_raised_idx"),
        ]

    def __str__(self):
        return f"{self.tenancy} ({self.raised_on:%d.%m.%Y})"


class FlagDecision(models.Model):
    flag = models.ForeignKey(LongTenureFlag, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(_("decision"), max_length=30, choices=LongTenureFlag.Decision.choices)
    decided_on = models.DateField(_("decided on"))
    sleep_until = models.DateField(_("look again on"), null=True, blank=True)
    referred_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.flag}: {self.get_decision_display()}"
