"""Start-up loan applications (startlån). The decisions are made in Husbanken's Startskudd; we keep
the Startskudd case number and record them here, with who recorded what, on the household's timeline.

Every status change goes through `startloan_transition`, which applies PIPELINE, the one table of
allowed transitions (django-oscar's order pipeline)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boveileder import dates
from boveileder.dates import date_shift
from boveileder.models import Role
from cases.models import StartLoanApplication, StartLoanStatusChange
from cases.services.timeline import timeline_record
from cases.timeline import TimelineKind

Status = StartLoanApplication.Status
ApprovalKind = StartLoanApplication.ApprovalKind

# Who may take a step: counsellors prepare; only tenancy officers and managers record decisions.
PREPARE = (Role.COUNSELLOR, Role.OFFICER, Role.MANAGER)
DECIDE = (Role.OFFICER, Role.MANAGER)

# The pipeline: from a status, the statuses it may go to and the roles that may take that step.
# An appealed application that is approved or rejected is "decided again".
PIPELINE: dict[str, dict[str, tuple]] = {
    Status.RECEIVED: {Status.IN_REVIEW: PREPARE, Status.WITHDRAWN: PREPARE},
    Status.IN_REVIEW: {Status.APPROVED: DECIDE, Status.REJECTED: DECIDE, Status.WITHDRAWN: PREPARE},
    Status.APPROVED: {Status.DISBURSED: DECIDE, Status.WITHDRAWN: PREPARE},
    Status.REJECTED: {Status.APPEALED: PREPARE},
    Status.APPEALED: {Status.APPROVED: DECIDE, Status.REJECTED: DECIDE, Status.WITHDRAWN: PREPARE},
    Status.WITHDRAWN: {},
    Status.DISBURSED: {},
}
OPEN_STATUSES = (Status.RECEIVED, Status.IN_REVIEW, Status.APPROVED, Status.APPEALED)
WAITING_STATUSES = (Status.RECEIVED, Status.IN_REVIEW, Status.APPEALED)
# Statuses whose recording is a decision, whatever the table says, so a refusal can answer 403 first.
DECISION_STATUSES = (Status.APPROVED, Status.REJECTED, Status.DISBURSED)
# The details each target status takes; the required ones are checked in `_apply_details`.
DETAILS: dict[str, set[str]] = {
    Status.RECEIVED: set(),
    Status.IN_REVIEW: set(),
    Status.WITHDRAWN: set(),
    Status.APPROVED: {"approval_kind", "certificate_valid_until", "loan_amount_nok", "grant_amount_nok"},
    Status.REJECTED: {"rejection_reason"},
    Status.APPEALED: set(),
    Status.DISBURSED: {"disbursed_on", "purchase_price_nok", "purchased_address"},
}

APPEAL_WINDOW = timedelta(weeks=3)  # forvaltningsloven § 29
DECISION_WAIT = timedelta(days=30)
CERTIFICATE_HORIZON = timedelta(days=60)
MAX_AMOUNT = 2_000_000_000  # fits the database column; no real loan comes near it


@dataclass(frozen=True)
class Document:
    key: str
    label: str
    purposes: tuple[str, ...]


# The documents checklist: what the household hands in, and for which purpose it is needed.
DOCUMENTS = (
    Document("tax_return", gettext_lazy("Tax return (skattemelding)"), tuple(StartLoanApplication.Purpose)),
    Document("payslips", gettext_lazy("Payslips, last three months"), tuple(StartLoanApplication.Purpose)),
    Document("bank_statements", gettext_lazy("Bank statements"), tuple(StartLoanApplication.Purpose)),
    Document(
        "debt_overview", gettext_lazy("Debt overview (gjeldsregisteret)"), tuple(StartLoanApplication.Purpose)
    ),
    Document("nav_benefits", gettext_lazy("Decisions on NAV benefits"), tuple(StartLoanApplication.Purpose)),
    Document(
        "purchase_contract",
        gettext_lazy("Purchase contract or the home's prospectus"),
        (StartLoanApplication.Purpose.PURCHASE,),
    ),
    Document(
        "current_loan_terms",
        gettext_lazy("Terms of the current mortgage"),
        (StartLoanApplication.Purpose.REFINANCE,),
    ),
)
DOCUMENT_KEYS = {d.key for d in DOCUMENTS}
EDITABLE_FIELDS = (
    "startskudd_ref",
    "received_on",
    "purpose",
    "loan_amount_nok",
    "grant_amount_nok",
    "purchase_price_nok",
    "income_after_tax_nok",
    "debts_nok",
    "equity_nok",
    "documents_received",
)
AMOUNT_FIELDS = (
    "loan_amount_nok",
    "grant_amount_nok",
    "purchase_price_nok",
    "income_after_tax_nok",
    "debts_nok",
    "equity_nok",
)


def documents_checklist(application: StartLoanApplication) -> list[tuple[Document, bool]]:
    """The documents needed for the application's purpose, each with whether it has come in."""
    received = set(application.documents_received or [])
    return [(d, d.key in received) for d in DOCUMENTS if application.purpose in d.purposes]


def documents_missing(application: StartLoanApplication) -> list[Document]:
    return [d for d, has in documents_checklist(application) if not has]


def allowed_next(application: StartLoanApplication, user) -> list[str]:
    """The statuses `user` may move the application to from where it is now."""
    return [to for to, roles in PIPELINE.get(application.status, {}).items() if user.has_role(*roles)]


def may_decide(user) -> bool:
    return user.has_role(*DECIDE)


def loan_above_price(application: StartLoanApplication) -> bool:
    loan, price = application.loan_amount_nok, application.purchase_price_nok
    return loan is not None and price is not None and loan > price


# --- writes -------------------------------------------------------------------------------------


def _check_actor(by, household, roles) -> None:
    if by is None or by.municipality_id != household.municipality_id or not by.has_role(*roles):
        raise PermissionDenied(_("You may not do this with start-up loan applications."))


def _check_amounts(application: StartLoanApplication, *, confirm_loan_above_price: bool, was_above) -> None:
    errors = {}
    for field in AMOUNT_FIELDS:
        value = getattr(application, field)
        if value is not None and value < 0:
            errors[field] = _("An amount cannot be negative.")
        elif value is not None and value > MAX_AMOUNT:
            errors[field] = _("This amount is too large.")
    if not errors and loan_above_price(application) and not confirm_loan_above_price and not was_above:
        errors["confirm_loan_above_price"] = ValidationError(
            _(
                "The loan applied for is above the purchase price. Check the amounts, or confirm "
                "that the loan is meant to be above the price."
            ),
            code="loan_above_price",
        )
    if errors:
        raise ValidationError(errors)


def _apply_fields(application, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(application, name, value)
    documents = application.documents_received or []
    if set(documents) - DOCUMENT_KEYS:
        raise ValidationError({"documents_received": _("Unknown document.")})
    application.documents_received = [d.key for d in DOCUMENTS if d.key in documents]
    if problem := dates.happened_problem(application.received_on):
        raise ValidationError({"received_on": problem})


@transaction.atomic
def startloan_create(*, household, by, received_on, confirm_loan_above_price=False, **fields):
    """Register a start-up loan application the household has sent in through Startskudd."""
    _check_actor(by, household, PREPARE)
    application = StartLoanApplication(household=household, received_on=received_on)
    _apply_fields(application, fields)
    _check_amounts(application, confirm_loan_above_price=confirm_loan_above_price, was_above=False)
    application.full_clean()
    application.save()
    StartLoanStatusChange.objects.create(
        application=application, from_status="", to_status=Status.RECEIVED, on=received_on, by=by
    )
    timeline_record(
        household=household,
        kind=TimelineKind.STARTLOAN_RECEIVED,
        on=received_on,
        by=by,
        subject=application,
    )
    return application


@transaction.atomic
def startloan_update(*, application, by, confirm_loan_above_price=False, **fields):
    """Change the application's facts: dates, amounts, the economy and the documents checklist."""
    application = (
        StartLoanApplication.objects.select_for_update().select_related("household").get(pk=application.pk)
    )
    _check_actor(by, application.household, PREPARE)
    if application.status not in OPEN_STATUSES:
        raise ValidationError(_("A closed application cannot be changed."))
    was_above = loan_above_price(application)
    before = (application.loan_amount_nok, application.purchase_price_nok)
    _apply_fields(application, fields)
    # Asked again whenever the loan or the price changes and the loan ends up above the price.
    changed = before != (application.loan_amount_nok, application.purchase_price_nok)
    _check_amounts(
        application, confirm_loan_above_price=confirm_loan_above_price, was_above=was_above and not changed
    )
    if application.decided_on and application.received_on > application.decided_on:
        raise ValidationError({"received_on": _("The application cannot be received after its decision.")})
    application.full_clean()
    application.save()
    return application


def _apply_details(application, from_status, to_status, on, details) -> None:
    """Check and apply what the target status needs; raise ValidationError naming the fields."""
    unknown = set(details) - DETAILS[to_status]
    if unknown:
        raise TypeError(f"{to_status} takes no {sorted(unknown)}")
    errors = {}
    if to_status == Status.APPROVED:
        kind = details.get("approval_kind") or ""
        valid_until = details.get("certificate_valid_until")
        if kind not in ApprovalKind.values:
            errors["approval_kind"] = _("Choose whether a financing certificate or a commitment was given.")
        elif kind == ApprovalKind.CERTIFICATE and not valid_until:
            errors["certificate_valid_until"] = _("Give the date the financing certificate is valid until.")
        elif kind == ApprovalKind.CERTIFICATE and valid_until < on:
            errors["certificate_valid_until"] = _("The certificate cannot expire before it was given.")
        application.approval_kind = kind
        application.certificate_valid_until = valid_until if kind == ApprovalKind.CERTIFICATE else None
        application.rejection_reason = ""
        for field in ("loan_amount_nok", "grant_amount_nok"):
            if details.get(field) is not None:
                setattr(application, field, details[field])
        application.decided_on = on
    elif to_status == Status.REJECTED:
        reason = (details.get("rejection_reason") or "").strip()
        if not reason:
            errors["rejection_reason"] = _("Give the reason for the rejection.")
        application.rejection_reason = reason
        application.approval_kind = ""
        application.certificate_valid_until = None
        application.decided_on = on
    elif to_status == Status.APPEALED:
        if application.appealed_on is not None:
            # The appeal body's decision is final (forvaltningsloven § 28).
            errors["on"] = _("This application has been appealed before; the new decision is final.")
        elif application.decided_on is None or on > date_shift(application.decided_on, APPEAL_WINDOW):
            errors["on"] = _("The appeal deadline (3 weeks after the rejection) has passed.")
        application.appealed_on = on
    elif to_status == Status.DISBURSED:
        disbursed_on = details.get("disbursed_on")
        if not disbursed_on:
            errors["disbursed_on"] = _("Give the date the loan was paid out.")
        elif application.decided_on and disbursed_on < application.decided_on:
            errors["disbursed_on"] = _("The loan cannot be paid out before it was approved.")
        application.disbursed_on = disbursed_on
        for field in ("purchase_price_nok", "purchased_address"):
            if details.get(field) not in (None, ""):
                setattr(application, field, details[field])
    if errors:
        raise ValidationError(errors)


def startloan_event_params(application, from_status, to_status) -> dict:
    """A step of `application` as the timeline keeps it (`cases.timeline` words it)."""
    approval = ""
    if to_status == Status.APPROVED:
        approval = (
            ApprovalKind.CERTIFICATE
            if application.approval_kind == ApprovalKind.CERTIFICATE
            else ApprovalKind.COMMITMENT
        )
    return {
        "status": to_status,
        "after_appeal": from_status == Status.APPEALED and to_status in (Status.APPROVED, Status.REJECTED),
        "approval": str(approval),
        "valid_until": application.certificate_valid_until if approval == ApprovalKind.CERTIFICATE else None,
        "ref": application.startskudd_ref,
    }


@transaction.atomic
def startloan_transition(*, application, to_status, by, on, note="", **details) -> StartLoanApplication:
    """Move the application along PIPELINE, recording who, when and a note, and the timeline event.

    Raises PermissionDenied when `by` may not take the step, ValidationError when it is not allowed
    or its details are missing."""
    application = (
        StartLoanApplication.objects.select_for_update().select_related("household").get(pk=application.pk)
    )
    household = application.household
    from_status = application.status
    if to_status not in Status.values:
        raise ValidationError(_("Unknown status."))
    roles = PIPELINE[from_status].get(to_status)
    _check_actor(by, household, roles or (DECIDE if to_status in DECISION_STATUSES else PREPARE))
    if roles is None:
        raise ValidationError(
            _("A start-up loan application cannot go from «%(from)s» to «%(to)s».")
            % {"from": Status(from_status).label, "to": Status(to_status).label},
            code="not_allowed",
        )
    if on is None:
        raise ValidationError({"on": _("Give the date.")})
    last = application.status_changes.order_by("-on").values_list("on", flat=True).first()
    if problem := dates.happened_problem(on):
        raise ValidationError({"on": problem})
    if on < application.received_on or (last and on < last):
        raise ValidationError({"on": _("The date cannot be before the application's last step.")})
    _apply_details(application, from_status, to_status, on, details)
    application.status = to_status
    application.full_clean()
    application.save()
    StartLoanStatusChange.objects.create(
        application=application, from_status=from_status, to_status=to_status, on=on, by=by, note=note
    )
    timeline_record(
        household=household,
        kind=TimelineKind.startloan(to_status),
        params=startloan_event_params(application, from_status, to_status),
        on=on,
        by=by,
        subject=application,
    )
    return application


# --- deadlines in sight -------------------------------------------------------------------------


def startloan_deadlines(*, households, today: date) -> list:
    """Appeal windows still open, certificates about to expire, and applications waiting for a
    decision longer than 30 days, for the applications of `households` (a queryset); the earliest first."""
    applications = (
        StartLoanApplication.objects.filter(household__in=households)
        .filter(status__in=(*WAITING_STATUSES, Status.REJECTED, Status.APPROVED))
        .select_related("household")
        .only(*DEADLINE_FIELDS, "household__reference")  # a caseload holds hundreds
        .order_by("pk")
    )
    found = [deadline for app in applications for deadline in application_deadlines(app, today=today)]
    return sorted(found, key=lambda d: (d.due, d.household_reference))


# What application_deadlines reads of an application.
DEADLINE_FIELDS = (
    "household",
    "status",
    "decided_on",
    "appealed_on",
    "certificate_valid_until",
    "received_on",
)


def application_deadlines(app: StartLoanApplication, *, today: date) -> list:
    """The deadline in sight for one application, if any (no query beyond its household)."""
    from cases.deadlines import Deadline

    due, text = None, ""
    if app.status == Status.REJECTED and app.appealed_on is None and app.decided_on:
        due = date_shift(app.decided_on, APPEAL_WINDOW)
        text = _("Start-up loan: the appeal deadline") if due >= today else ""
    elif app.status == Status.APPROVED and app.certificate_valid_until:
        due = app.certificate_valid_until
        if due < today:
            text = _("Start-up loan: the financing certificate expired on %(date)s") % {
                "date": date_format(due, "j. F Y")
            }
        elif due <= date_shift(today, CERTIFICATE_HORIZON):
            text = _("Start-up loan: the financing certificate expires")
    elif app.status in WAITING_STATUSES:
        waiting_since = app.appealed_on if app.status == Status.APPEALED else app.received_on
        if waiting_since:  # an appeal recorded without its date (an old import) has no deadline
            due = date_shift(waiting_since, DECISION_WAIT)
            text = _("Start-up loan: waiting for a decision for more than 30 days") if due < today else ""
    if not text:
        return []
    return [
        Deadline(
            due,
            app.household_id,
            app.household.reference,
            text,
            "cases:startloan_detail",
            app.pk,
            kind="startloan",
        )
    ]
