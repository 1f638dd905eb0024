"""Households and the help they get: persons, follow-ups, consents, partner agencies, start-up loan
applications, individual decisions, and the household's timeline."""

import functools
import operator
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from boveileder.aggregates import JSONList
from boveileder.constraints import ConstraintMessages
from boveileder.dates import date_shift, years_later
from boveileder.extensions import hooks
from boveileder.models import Municipality, validate_postcode
from boveileder.national_id import validate_national_id
from boveileder.text import without_control_characters
from boveileder.validators import validate_no_control_characters
from cases.extensions import FACT_DEFAULTS, HOUSEHOLD_FACTS, REFERRED, SEARCH


class MunicipalityQuerySet(models.QuerySet):
    municipality_path = "municipality"

    def for_municipality(self, municipality):
        return self.filter(**{self.municipality_path: municipality})


# --- partner agencies -------------------------------------------------------------------------


class PartnerAgency(ConstraintMessages, models.Model):
    class Kind(models.TextChoices):
        NAV = "nav", _("NAV")
        REFUGEE_OFFICE = "refugee_office", _("Refugee office")
        BANK = "bank", _("Bank")
        HEALTH = "health", _("Health services")
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        SCHOOL = "school", _("School or kindergarten")
        OTHER = "other", _("Other")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="partner_agencies")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    objects = MunicipalityQuerySet.as_manager()
    constraint_messages = {
        "agency_unique_name": ("name", _("The municipality already has a partner agency with this name.")),
    }

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="agency_unique_name")]

    def __str__(self):
        return self.name


# --- households and persons -------------------------------------------------------------------


class HouseholdQuerySet(MunicipalityQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def with_agencies_involved(self):
        """`agencies_involved`: the names of the partner agencies linked to the household's follow-ups
        or holding one of its consents, as one JSON list (None for none), read with the household.
        Two id sets, not an OR across two joins: that one took a minute on national data."""
        household = models.OuterRef(models.OuterRef("pk"))
        linked = FollowUp.partner_agencies.through.objects.filter(followup__household=household)
        consented = Consent.objects.filter(household=household)
        names = (
            PartnerAgency.objects.filter(
                Q(pk__in=linked.values("partneragency_id")) | Q(pk__in=consented.values("agency_id"))
            )
            .order_by()
            .annotate(every_row=models.Value(1))
            .values("every_row")
            .annotate(names=JSONList("name"))
            .values("names")
        )
        return self.annotate(agencies_involved=models.Subquery(names))

    def counselled_by(self, user):
        """The open households of `user`'s municipality that `user` follows as counsellor."""
        return self.filter(municipality_id=user.municipality_id, counsellor=user).open()

    def visible_to(self, user):
        """The user's municipality; a restricted (sperret) household only to managers and its counsellor."""
        qs = self.filter(municipality_id=user.municipality_id)
        if not user.is_manager:
            qs = qs.filter(Q(restricted=False) | Q(counsellor=user))
        return qs

    def referred_to(self, user):
        """Households referred to `user` for follow-up by an app above cases (`extensions.REFERRED`:
        housing's long-tenure flags)."""
        found = [provider(user) for provider in hooks(REFERRED)]
        if not found:
            return self.none()
        return self.filter(functools.reduce(operator.or_, (Q(pk__in=ids) for ids in found)))

    def caseload_of(self, user):
        """Open households `user` follows as counsellor, and those referred to them from the flag queue.

        The two sets are a UNION of index lookups: `counsellor = user OR EXISTS (referred)` made
        PostgreSQL scan every household of the municipality (9 ms for Oslo, in every deadline source's
        subquery); this takes 1 ms."""
        own = self.model.objects.filter(counsellor=user).order_by().values("pk")
        referred = self.model.objects.referred_to(user).order_by().values("pk")
        return self.visible_to(user).open().filter(pk__in=own.union(referred))

    # --- the caseload's facts, one correlated subquery each, so a list costs one query

    def with_contact_facts(self):
        """Last contact, and the next step as planned at the latest follow-up (blank: none planned)."""
        latest = FollowUp.objects.filter(household=models.OuterRef("pk")).order_by(
            "-date", "-created_at", "-id"
        )
        return self.annotate(
            last_contact=models.Subquery(latest.values("date")[:1]),
            next_step=models.Subquery(latest.values("next_step")[:1]),
            next_step_due=models.Subquery(latest.values("next_step_due")[:1]),
        )

    def with_housing_facts(self, user):
        """Where the household lives and its flags, as the apps above cases give them
        (`extensions.HOUSEHOLD_FACTS`: housing's current unit, move-in date and long-tenure flags);
        blank where none does."""
        facts = dict(FACT_DEFAULTS)
        today = timezone.localdate()
        for provider in hooks(HOUSEHOLD_FACTS):
            facts.update(provider(user, today))
        return self.annotate(**facts)

    def with_startloan_status(self):
        """The status of the household's latest start-up loan application, if any."""
        latest = StartLoanApplication.objects.filter(household=models.OuterRef("pk")).order_by(
            "-received_on", "-created_at", "-id"
        )
        return self.annotate(startloan_status=models.Subquery(latest.values("status")[:1]))

    def with_caseload_facts(self, user):
        return self.with_contact_facts().with_housing_facts(user).with_startloan_status()

    def search(self, text: str):
        """Every word must match a reference, a current or former member's name, or what an app above
        cases matches it with (`extensions.SEARCH`: a unit's address)."""
        qs = self
        for word in without_control_characters(text).split()[:5]:
            named = Person.objects.filter(household=models.OuterRef("pk")).filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
            matches = [Q(reference__icontains=word), Q(models.Exists(named))]
            matches += [provider(word) for provider in hooks(SEARCH)]
            qs = qs.filter(functools.reduce(operator.or_, matches))
        return qs

    def with_national_id(self, national_id: str):
        return self.filter(members__national_id=national_id).distinct()


class Household(ConstraintMessages, models.Model):
    class HousingAtStart(models.TextChoices):
        MUNICIPAL_RENTAL = "municipal_rental", _("Municipal rental housing")
        PRIVATE_RENTAL = "private_rental", _("Private rental")
        TEMPORARY = "temporary", _("Temporary accommodation")
        HOMELESS = "homeless", _("Without a home")
        INSTITUTION = "institution", _("Institution")
        OTHER = "other", _("Other")

    class CloseReason(models.TextChoices):
        GOAL_REACHED = "goal_reached", _("Goal reached")
        MOVED_AWAY = "moved_away", _("Moved away")
        DECLINED = "declined", _("Declined further help")
        OTHER = "other", _("Other")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="households")
    reference = models.CharField(_("reference"), max_length=40, validators=[validate_no_control_characters])
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
    )
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    housing_at_start = models.CharField(
        _("where the household lived at the start"),
        max_length=20,
        choices=HousingAtStart.choices,
        default=HousingAtStart.MUNICIPAL_RENTAL,
    )
    notes = models.TextField(_("notes"), blank=True)
    # Where letters to the household go (decisions, forvaltningsloven § 27); typed, as the household
    # may live outside a municipal unit, and cases does not read housing's units.
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True, validators=[validate_postcode])
    post_town = models.CharField(_("place"), max_length=80, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    restricted = models.BooleanField(
        _("restricted (sperret)"),
        default=False,
        help_text=_("Only managers and the household's own counsellor can open a restricted household."),
    )
    anonymised_at = models.DateTimeField(_("working notes anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = HouseholdQuerySet.as_manager()
    constraint_messages = {
        "household_unique_reference": (
            "reference",
            _("Another household in the municipality already has this reference."),
        ),
    }

    class Meta:
        ordering = ["reference"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "reference"], name="household_unique_reference"),
            # The target of the follow-ups' (household, municipality) foreign key (PostgreSQL).
            models.UniqueConstraint(fields=["id", "municipality"], name="household_id_municipality"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(close_reason=""), name="household_closed_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "counsellor"], name="household_caseload_idx")]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def has_postal_address(self) -> bool:
        """Whether a letter to the household can be posted: street, postcode and place."""
        return bool(self.postal_address.strip() and self.postcode and self.post_town.strip())


class PersonQuerySet(MunicipalityQuerySet):
    def members(self):
        """Current members: not removed from their household."""
        return self.filter(left_on__isnull=True)


class Person(ConstraintMessages, models.Model):
    class HouseholdRole(models.TextChoices):
        APPLICANT = "applicant", _("Main person")
        PARTNER = "partner", _("Spouse or partner")
        CHILD = "child", _("Child")
        OTHER = "other", _("Other member")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="persons")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Its own field: never derived from the national ID.
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    national_id = models.CharField(
        _("national ID number"),
        max_length=11,
        blank=True,
        validators=[validate_national_id],
        help_text=_("Fødselsnummer or D-number, 11 digits. Only where secure identification is needed."),
    )
    household_role = models.CharField(
        _("role in the household"), max_length=20, choices=HouseholdRole.choices, default=HouseholdRole.OTHER
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    left_on = models.DateField(_("left the household on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["national_id"])
    objects = PersonQuerySet.as_manager()
    constraint_messages = {
        "person_unique_national_id": (
            "national_id",
            _("Another person in the municipality already has this national ID number."),
        ),
    }

    class Meta:
        ordering = ["household", "birth_date", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "national_id"],
                condition=~Q(national_id=""),
                name="person_unique_national_id",
            )
        ]
        indexes = [models.Index(fields=["municipality", "last_name", "first_name"], name="person_name_idx")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def is_child_on(self, on: date) -> bool:
        """A child on a date: the 18th birthday is after that date. No birth date: an adult."""
        if self.birth_date is None:
            return False
        # Born 29 February: 18 on 1 March in a common year; born near 9999, a child for ever.
        return years_later(self.birth_date, 18) > on


# --- follow-ups -------------------------------------------------------------------------------


class FollowUpQuerySet(MunicipalityQuerySet):
    municipality_path = "municipality"

    def in_period(self, first, last):
        return self.filter(date__gte=first, date__lte=last)


class FollowUp(models.Model):
    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        OFFICE_MEETING = "office_meeting", _("Office meeting")
        PHONE = "phone", _("Phone")
        ACCOMPANIMENT = "accompaniment", _("Accompaniment (bank, viewing, NAV)")
        DIGITAL = "digital", _("Digital")
        OTHER = "other", _("Other")

    class Topic(models.TextChoices):
        ECONOMY = "economy", _("Economy")
        HOUSING = "housing", _("Housing")
        STARTLOAN = "startloan", _("Start-up loan")
        MOVING = "moving", _("Moving")
        CHILDREN = "children", _("Children and school")
        NAV = "nav", _("NAV")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="followups")
    # The household's municipality, kept on the row so a municipality's follow-ups of a period are one
    # index range (the reports read them by the hundred thousand). Set from the household on save;
    # on PostgreSQL a foreign key on (household, municipality) holds it equal to the household's.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    partner_agencies = models.ManyToManyField(
        PartnerAgency, verbose_name=_("partner agencies that took part"), blank=True, related_name="followups"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partner_agencies])
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_due__isnull=True) | Q(next_step_due__gte=models.F("date")),
                name="followup_next_step_not_before_visit",
            )
        ]
        indexes = [
            models.Index(fields=["household", "-date"], name="followup_household_date_idx"),
            models.Index(fields=["date"], name="followup_date_idx"),
            # A municipality's period, read from the index alone (PostgreSQL) for every follow-up figure.
            models.Index(
                fields=["municipality", "date"],
                include=["household", "minutes", "id"],
                name="followup_municipality_date_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        if self.municipality_id is None and self.household_id is not None:
            self.municipality_id = self.household.municipality_id
        super().save(*args, **kwargs)


class HeldFollowUp(models.Model):
    """A visit logged offline that reached the server after its counsellor lost access to the
    household: kept aside for the municipality's manager, never shown to the counsellor."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUp.Kind.choices)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    partner_agency_ids = models.JSONField(default=list, blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("follow-up kept aside")
        verbose_name_plural = _("follow-ups kept aside")

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"


# --- consents ---------------------------------------------------------------------------------


class ConsentQuerySet(MunicipalityQuerySet):
    municipality_path = "household__municipality"

    @staticmethod
    def in_force_condition(on) -> Q:
        """Given by `on`, not lapsed before it, not withdrawn on or before it."""
        return (
            Q(given_on__lte=on)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        )

    def in_force_on(self, on):
        return self.filter(self.in_force_condition(on))

    def with_in_force(self, on):
        """Every consent, each with `in_force` on `on`: one list for both sections of the household page."""
        return self.annotate(
            in_force=models.ExpressionWrapper(self.in_force_condition(on), output_field=models.BooleanField())
        )

    def lapsing_within(self, on, days: int):
        """In force on `on` and ending within `days` after it."""
        from datetime import timedelta

        return self.in_force_on(on).filter(valid_until__lte=date_shift(on, timedelta(days=days)))


class Consent(models.Model):
    """Samtykke: what may be shared with which partner agency, and on what basis."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(
        Person,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
    )
    agency = models.ForeignKey(PartnerAgency, verbose_name=_("partner agency"), on_delete=models.PROTECT)
    purpose = models.CharField(_("what may be shared, and why"), max_length=300)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.agency}: {self.purpose}"


# --- start-up loan applications (startlån) ----------------------------------------------------


class StartLoanQuerySet(MunicipalityQuerySet):
    municipality_path = "household__municipality"


class StartLoanApplication(models.Model):
    """Follows an application decided in Husbanken's Startskudd; we record, we do not decide."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPEALED = "appealed", _("Appealed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DISBURSED = "disbursed", _("Disbursed")

    class Purpose(models.TextChoices):
        PURCHASE = "purchase", _("Buying a home")
        REFINANCE = "refinance", _("Refinancing to keep a home")

    class ApprovalKind(models.TextChoices):
        CERTIFICATE = "certificate", _("Financing certificate (finansieringsbevis)")
        COMMITMENT = "commitment", _("Loan commitment for a given home")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="startloans")
    # The household's municipality, kept on the row as follow-ups keep it, so the reports read a
    # municipality's applications of a period as one index range. Set from the household on save; on
    # PostgreSQL a foreign key on (household, municipality) holds it equal to the household's.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    startskudd_ref = models.CharField(
        _("Startskudd case number"), max_length=40, blank=True, validators=[validate_no_control_characters]
    )
    received_on = models.DateField(_("received on"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.PURCHASE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    loan_amount_nok = models.PositiveIntegerField(_("loan amount (kr)"), null=True, blank=True)
    grant_amount_nok = models.PositiveIntegerField(_("grant amount (kr)"), null=True, blank=True)
    purchase_price_nok = models.PositiveIntegerField(_("purchase price (kr)"), null=True, blank=True)
    income_after_tax_nok = models.PositiveIntegerField(
        _("yearly income after tax (kr)"), null=True, blank=True
    )
    debts_nok = models.PositiveIntegerField(_("debts (kr)"), null=True, blank=True)
    equity_nok = models.PositiveIntegerField(_("equity (kr)"), null=True, blank=True)
    documents_received = models.JSONField(_("documents received"), default=list, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    approval_kind = models.CharField(
        _("approved as"), max_length=20, choices=ApprovalKind.choices, blank=True
    )
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    appealed_on = models.DateField(_("appealed on"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    purchased_address = models.CharField(_("address of the home bought"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = StartLoanQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on"]
        verbose_name = _("start-up loan application")
        verbose_name_plural = _("start-up loan applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("received_on")),
                name="startloan_decided_after_received",
            )
        ]
        indexes = [
            models.Index(fields=["received_on"], name="startloan_received_idx"),
            models.Index(fields=["decided_on"], name="startloan_decided_idx"),
            # A municipality's applications received, or decided, in a period: the reports' ranges.
            models.Index(fields=["municipality", "received_on"], name="startloan_muni_received_idx"),
            models.Index(
                fields=["municipality", "decided_on"],
                include=["status", "loan_amount_nok"],
                name="startloan_muni_decided_idx",
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.received_on:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        if self.municipality_id is None and self.household_id is not None:
            self.municipality_id = self.household.municipality_id
        super().save(*args, **kwargs)


class StartLoanStatusChange(models.Model):
    application = models.ForeignKey(
        StartLoanApplication, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=StartLoanApplication.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=StartLoanApplication.Status.choices)
    on = models.DateField(_("date"))
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.from_status or '–'} → {self.to_status}"


# --- individual decisions (enkeltvedtak, boligsosial lov § 6) ---------------------------------


class DecisionQuerySet(MunicipalityQuerySet):
    municipality_path = "household__municipality"

    def for_attention_of(self, user):
        """What waits for `user` on their landing page, in one query: decisions submitted for their
        approval (while they may approve), and their own drafts an approver sent back (status draft)."""
        sent_back = DecisionStatusChange.objects.filter(
            decision=models.OuterRef("pk"),
            from_status=Decision.Status.SUBMITTED,
            to_status=Decision.Status.DRAFT,
        )
        mine = Q(models.Exists(sent_back), status=Decision.Status.DRAFT, drafted_by=user)
        if user.is_manager or user.can_approve_decisions:
            mine |= Q(status=Decision.Status.SUBMITTED, approver=user)
        return (
            self.filter(household__in=Household.objects.visible_to(user))
            .filter(mine)
            .select_related("household", "drafted_by")
            .order_by("-status", "created_at", "id")  # awaiting approval ("submitted") first
        )


class Decision(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Help granted")
        REFUSED = "refused", _("Refused")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="decisions")
    person = models.ForeignKey(
        Person, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="decisions"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.GRANTED)
    assessment = models.TextField(_("assessment of the situation, wishes and goals"), blank=True)
    main_content = models.TextField(_("main content of the help"), blank=True)
    period_from = models.DateField(_("period from"), null=True, blank=True)
    period_to = models.DateField(_("period to"), null=True, blank=True)
    participation = models.TextField(_("how the household took part, and what it said"), blank=True)
    legal_basis = models.TextField(_("rules the decision rests on"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    replaces = models.ForeignKey(
        "self", verbose_name=_("replaces"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(_("decided on"), null=True, blank=True)
    # The day the letter reached the party, where the sending channel says so (docs/svarut.md): the
    # appeal deadline runs from it.
    delivered_on = models.DateField(_("letter delivered on"), null=True, blank=True)
    # Whom the drafter asked to approve it: told on their landing page. Another approver may step in.
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to be approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("individual decision")
        verbose_name_plural = _("individual decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("drafted_by")),
                name="decision_not_approved_by_drafter",
            ),
            models.CheckConstraint(
                condition=Q(period_to__isnull=True)
                | Q(period_from__isnull=True)
                | Q(period_to__gte=models.F("period_from")),
                name="decision_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.get_outcome_display()}"


class DecisionStatusChange(models.Model):
    """The decision's own history of its steps: submitted to whom, sent back with what comment,
    approved; who did each and when."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Decision.Status.choices)
    to_status = models.CharField(max_length=20, choices=Decision.Status.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # On a submission: whom it was sent to.
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status="submitted", to_status="draft") | ~Q(comment=""),
                name="decision_sent_back_has_comment",
            )
        ]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class DecisionLetter(models.Model):
    """The rendered letter; kept as it was sent. Made in the background, as a job (boveileder.leases)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="letters")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    # When its task was last sent (on approval, tried again, or sent again by the recovery task).
    queued_at = models.DateTimeField(default=timezone.now)
    pdf = models.FileField(upload_to="letters/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    archived_on = models.DateField(_("filed in the archive on"), null=True, blank=True)
    archive_ref = models.CharField(
        _("archive reference"), max_length=60, blank=True, validators=[validate_no_control_characters]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.decision} ({self.created_at:%d.%m.%Y})"


class Appeal(models.Model):
    class SecondLook(models.TextChoices):
        CHANGED = "changed", _("Decision changed by the municipality")
        KEPT = "kept", _("Decision kept, forwarded to Statsforvalteren")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Decision upheld")
        REVERSED = "reversed", _("Decision reversed")
        RETURNED = "returned", _("Returned for new consideration")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="appeals")
    received_on = models.DateField(_("received on"))
    within_deadline = models.BooleanField(_("received within the deadline"))
    second_look = models.CharField(
        _("the municipality's second look"), max_length=20, choices=SecondLook.choices, blank=True
    )
    second_look_on = models.DateField(null=True, blank=True)
    forwarded_on = models.DateField(_("forwarded to Statsforvalteren on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome at Statsforvalteren"), max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_on = models.DateField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on"]

    def __str__(self):
        return f"{self.decision} – {self.received_on:%d.%m.%Y}"


# --- documents on a household -----------------------------------------------------


def document_path(document, filename):
    """Where a document's file lies: under MEDIA_ROOT's private/ folder, which no URL serves (only
    `cases:document_download`, through the access check); a random name, never the uploader's."""
    import uuid

    return f"private/documents/{document.household.municipality_id}/{uuid.uuid4().hex}"


# The kinds of document accepted (read from the content), as users know them.
DOCUMENT_KINDS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
# The ending a downloaded document's name gets for its content type (a JPEG may also end .jpeg).
DOCUMENT_ENDINGS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}


class DocumentQuerySet(MunicipalityQuerySet):
    municipality_path = "household__municipality"

    def visible_to(self, user):
        """Documents of the households `user` may open (`Household.objects.visible_to`)."""
        return self.filter(household__in=Household.objects.visible_to(user))


class Document(models.Model):
    """A paper of the case (a signed consent, a payslip, a bank's answer): PDF, JPEG or PNG, the type
    read from the content. On the household, and on one of its start-up loans or decisions if chosen."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="documents")
    startloan = models.ForeignKey(
        StartLoanApplication,
        verbose_name=_("start-up loan application"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("name"), max_length=120, validators=[validate_no_control_characters])
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    content_type = models.CharField(_("file type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["household", "-uploaded_at"], name="document_household_idx")]

    def __str__(self):
        return self.title

    @property
    def kind_label(self) -> str:
        return DOCUMENT_KINDS.get(self.content_type, "")

    @property
    def download_name(self) -> str:
        """The name the file is saved under: its name, ending as its content type says."""
        endings = DOCUMENT_ENDINGS.get(self.content_type, ("",))
        return self.title if self.title.lower().endswith(endings) else f"{self.title}{endings[0]}"


# --- a staff member's calendar feed of their deadlines -------------------------------


class CalendarFeed(models.Model):
    """The secret address of a staff member's iCalendar feed: only the token's SHA-256 is kept, so the
    address is shown once, when made; renewing it replaces the hash and the old address stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    renewed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} ({self.renewed_at:%d.%m.%Y})"


# --- the household's timeline and the access log ----------------------------------------------


TIMELINE_FOLLOWUP_FIELDS = ("id", "topics", "note", "next_step", "next_step_due", "by_id")


class TimelineEventQuerySet(models.QuerySet):
    def with_followup(self):
        """A follow-up event's follow-up read in the same query, as `followup_<field>` for each of
        TIMELINE_FOLLOWUP_FIELDS (None on other events); only ever one of the event's own household."""
        followup = FollowUp.objects.filter(
            pk=models.OuterRef("object_id"), household=models.OuterRef("household")
        ).order_by()
        return self.annotate(
            **{
                f"followup_{name}": models.Case(
                    models.When(kind="followup", then=models.Subquery(followup.values(name)[:1]))
                )
                for name in TIMELINE_FOLLOWUP_FIELDS
            }
        )


class TimelineEvent(models.Model):
    """One row per thing that happened to a household, written by every app through
    `cases.services.timeline`, so the household page never imports another app. It keeps a kind
    (`cases.timeline`) and that kind's parameters, and is worded in the reader's language (`text`)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="events")
    occurred_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["household", "-occurred_on", "-recorded_at"], name="timeline_idx")]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        """What happened, in the active language (the reader's). Worded once per event and language:
        a timeline page shows it twice for the reader's own follow-ups."""
        worded = self.__dict__.setdefault("_worded", {})
        language = get_language()
        if language not in worded:
            worded[language] = self._word()
        return worded[language]

    def _word(self) -> str:
        from cases.timeline import timeline_text  # the kinds' list reads this module's choices

        return timeline_text(self.kind, self.params)


# What the innsynslogg says was opened (RecordView.what), in the reader's language.
RECORD_VIEW_LABELS = {
    "decision": _("Decision page"),
    "decision_letter": _("Decision letter (PDF)"),
    "decision_form": _("Form for a new decision"),
    "consent": _("Consent page"),
    "consent_form": _("Form for a new consent"),
    "followup": _("Follow-up, correction form"),
    "followup_form": _("Form for a new follow-up"),
    "close_form": _("Form for closing the case"),
    "privacy": _("Privacy page"),
    "member_form": _("Form for a new member"),
    "startloan": _("Start-up loan application page"),
    "startloan_form": _("Start-up loan application form"),
    "startloan_status_form": _("Start-up loan status change form"),
    "startloan_purchase": _("Move-out after a purchase, form"),
    "tenancy": _("Tenancy, renewal or move-out form"),
    "long_tenure_flag": _("Long-tenure flag page"),
    "innsyn export": _("Innsyn export"),
    "document": _("Document (download)"),
    "document_form": _("Form for a new document"),
}


class RecordView(models.Model):
    """Innsynslogg: who looked at a household or a person's record, and when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="record_views")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="record_views"
    )
    viewed_at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=60)

    class Meta:
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["household", "-viewed_at"], name="recordview_household_idx")]

    def __str__(self):
        return f"{self.user} {self.what} {self.viewed_at:%d.%m.%Y %H:%M}"

    @property
    def what_display(self) -> str:
        return str(RECORD_VIEW_LABELS.get(self.what, self.what))
