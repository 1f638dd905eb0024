"""Funding grants and the archive of generated funder reports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from boveileder.constraints import ConstraintMessages
from boveileder.models import Municipality
from cases.models import MunicipalityQuerySet


class Funder(models.TextChoices):
    HUSBANKEN = "husbanken", _("Husbanken")
    STATSFORVALTEREN = "statsforvalteren", _("Statsforvalteren")


class FundingGrant(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="grants")
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    amount_nok = models.PositiveIntegerField(_("amount (kr)"))
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    purpose = models.CharField(_("purpose"), max_length=300)
    reference = models.CharField(_("reference"), max_length=60, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["-period_from"]
        verbose_name = _("funding grant")
        verbose_name_plural = _("funding grants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")), name="grant_period_ordered"
            )
        ]

    def __str__(self):
        return f"{self.get_funder_display()} {self.period_from:%Y}: {self.amount_nok} kr"


class ReportNarrative(models.Model):
    """The manager's words for one funder's report for one period."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    funder = models.CharField(max_length=20, choices=Funder.choices)
    period_from = models.DateField()
    period_to = models.DateField()
    goal_attainment = models.TextField(_("goal attainment"), blank=True)
    deviations = models.TextField(_("deviations"), blank=True)
    methods = models.TextField(_("methods"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    next_quarter = models.TextField(_("next quarter"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "funder", "period_from", "period_to"], name="narrative_unique_period"
            )
        ]

    def __str__(self):
        return f"{self.get_funder_display()} {self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y}"


class FunderReport(models.Model):
    """One generated report, kept as it was: the figures and the file do not change afterwards."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="reports")
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # When its task was last sent (asked for, tried again, or sent again by the recovery task).
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    narrative = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("funder report")
        verbose_name_plural = _("funder reports")

    def __str__(self):
        return f"{self.get_funder_display()} {self.period_from:%d.%m.%Y}–{self.period_to:%d.%m.%Y}"


class FigureSharingQuerySet(models.QuerySet):
    def municipalities_sharing_with(self, funder: str):
        """The municipalities whose manager shares their figures with `funder`."""
        return Municipality.objects.filter(
            pk__in=self.filter(funder=funder, shared=True).values("municipality_id")
        )


class FigureSharing(ConstraintMessages, models.Model):
    """A manager's choice whether the municipality's figures (never anything personal) leave it for one
    funder; every change is kept (`history`)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="figure_sharing")
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    shared = models.BooleanField(_("figures shared"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    history = HistoricalRecords()
    objects = FigureSharingQuerySet.as_manager()
    constraint_messages = {
        "figure_sharing_unique_funder": ("funder", _("The choice for this funder is made already.")),
    }

    class Meta:
        verbose_name = _("sharing of figures")
        verbose_name_plural = _("sharing of figures")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "funder"], name="figure_sharing_unique_funder")
        ]

    def __str__(self):
        return f"{self.municipality}: {self.get_funder_display()} {'yes' if self.shared else 'no'}"


class FunderObserver(models.Model):
    """An account of a funder's regional office (Husbanken's, a Statsforvalteren's): tied to no
    municipality but to a county's or a chosen group's, of which it sees those sharing their figures
    with its funder, and only figures."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funder_observer"
    )
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    name = models.CharField(_("office"), max_length=120, help_text=_("For example «Husbanken Midt»."))
    county = models.CharField(
        _("county number"),
        max_length=2,
        blank=True,
        help_text=_("The first two digits of the kommunenummer."),
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("or a chosen group of municipalities"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("funder observer")
        verbose_name_plural = _("funder observers")

    def __str__(self):
        return self.name

    def municipalities_in_view(self):
        """Its county's or group's municipalities that share their figures with its funder."""
        sharing = FigureSharing.objects.municipalities_sharing_with(self.funder)
        if self.county:
            return sharing.in_county(self.county)
        return sharing.filter(pk__in=self.municipalities.values("pk"))
