"""The long-tenure flag: raising the due flags of many municipalities in one set, and the officers'
decisions on them. A flag invites a conversation about the household's next step."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boveileder import states
from boveileder.changes import data_changed
from boveileder.models import Municipality, Role
from cases.services.timeline import timeline_record
from housing.models import FlagDecision, LongTenureFlag
from housing.selectors import flags_due, rule_of
from housing.services.tenancies import tenancy_renew
from housing.timeline import HousingKind

Reason = LongTenureFlag.Reason
Status = LongTenureFlag.Status
Decision = LongTenureFlag.Decision


def flags_raise_due_in(*, municipalities: QuerySet[Municipality], as_of: date) -> int:
    """Raise one flag for every tenancy of `municipalities` that is due on `as_of`; return how many.

    One read and one write per pair of thresholds do the work, however many municipalities share it:
    `flags_due` into a temporary table, then INSERT ... SELECT from it, ON CONFLICT DO NOTHING
    against the partial unique constraint `flag_one_unresolved_per_tenancy`, which is what keeps a
    tenancy to one unresolved flag even under concurrent runs. A run first takes the row locks of
    its municipalities (in pk order, so runs cannot deadlock), so overlapping runs queue instead of
    waiting on each other's rows; the thresholds are read under that lock."""
    with transaction.atomic():
        locked = (
            municipalities.select_for_update()
            .order_by("pk")
            .only("id", "tenure_threshold_years", "expiry_window_months")
        )
        by_rule = defaultdict(list)
        for m in locked:
            by_rule[rule_of(m)].append(m)
        raised = Counter()
        for group in by_rule.values():
            raised.update(_insert_flags(municipalities=group, as_of=as_of))
        # The raw INSERT sends no save signals: these municipalities' dashboard figures are out of date.
        data_changed(*raised)
        return raised.total()


def flags_raise_due(*, municipality: Municipality, as_of: date) -> int:
    """Raise the due flags of one municipality on `as_of`; return how many."""
    return flags_raise_due_in(municipalities=Municipality.objects.filter(pk=municipality.pk), as_of=as_of)


# The due tenancies are read first, whole, into a temporary table, and only then written: a statement
# that read the flag table while it wrote it went quadratic when that table's statistics said it was
# empty (a fresh install after VACUUM ANALYZE, or autovacuum after every flag was deleted): PostgreSQL
# then probed it once per tenancy with scans that grew with every row the same statement wrote
# (docs/performance.md, "The flag job"). A read on its own is planned on the table's size as it is
# (PostgreSQL counts its pages when planning), so no statistics state makes it quadratic. (The WHERE
# of the INSERT is for SQLite, which reads ON CONFLICT after a bare FROM as a join's ON.)
DUE_TABLE = "flags_due_tonight"
DUE_FLAGS_INSERT = """\
INSERT INTO {flags} (municipality_id, tenancy_id, raised_on, reasons, contract_end_date, status)
SELECT municipality_id, pk, %(as_of)s,
  CASE WHEN is_tenure_due AND is_expiry_due THEN %(both)s WHEN is_tenure_due THEN %(tenure)s
       ELSE %(expiry)s END,
  CASE WHEN is_expiry_due THEN contract_end_date END, %(status)s
FROM {due}
WHERE pk IS NOT NULL
ON CONFLICT DO NOTHING
RETURNING municipality_id
"""


def _insert_flags(*, municipalities: Sequence[Municipality], as_of: date) -> Counter:
    """INSERT one open flag per tenancy of `municipalities` (which share one pair of thresholds) that
    `flags_due` says is due on `as_of`; return how many went in, by municipality id."""
    due = flags_due(as_of=as_of, municipalities=municipalities).order_by()
    due_sql, due_params = due.values_list(
        "municipality_id", "pk", "is_tenure_due", "is_expiry_due", "contract_end_date"
    ).query.sql_with_params()
    reasons = LongTenureFlag._meta.get_field("reasons")
    params = {
        "as_of": as_of,
        "both": reasons.get_db_prep_value([Reason.TENURE, Reason.CONTRACT_EXPIRY], connection),
        "tenure": reasons.get_db_prep_value([Reason.TENURE], connection),
        "expiry": reasons.get_db_prep_value([Reason.CONTRACT_EXPIRY], connection),
        "status": Status.OPEN.value,
    }
    insert = DUE_FLAGS_INSERT.format(flags=LongTenureFlag._meta.db_table, due=DUE_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {DUE_TABLE} AS {due_sql}", due_params)
        cursor.execute(insert, params)
        raised = Counter(municipality_id for (municipality_id,) in cursor.fetchall())
        cursor.execute(f"DROP TABLE {DUE_TABLE}")
    return raised


def _decides(user, flag) -> bool:
    """Tenancy officers and managers of the flag's municipality decide on flags."""
    return (
        user is not None
        and user.municipality_id == flag.municipality_id
        and user.has_role(Role.OFFICER, Role.MANAGER)
    )


UNRESOLVED = (Status.OPEN, Status.REFERRED, Status.STARTLOAN_ENCOURAGED, Status.SLEEPING)
MOVED_OUT = "moved_out"
# The flag's steps: every decision is taken from any unresolved status; a renewed contract or a closed
# conversation resolves it, as the household's move-out does (a step the system takes, not a user).
# `resolved_on` is the date of the step into RESOLVED: set exactly then (the database checks it).
FLAG_MACHINE = states.Machine(
    transitions=states.table(
        [
            (UNRESOLVED, Decision.REFERRED, Status.REFERRED, _decides),
            (UNRESOLVED, Decision.STARTLOAN_ENCOURAGED, Status.STARTLOAN_ENCOURAGED, _decides),
            (UNRESOLVED, Decision.CONTRACT_RENEWED, Status.RESOLVED, _decides),
            (UNRESOLVED, Decision.SLEEPING, Status.SLEEPING, _decides),
            (UNRESOLVED, Decision.RESOLVED, Status.RESOLVED, _decides),
            (UNRESOLVED, MOVED_OUT, Status.RESOLVED, states.nobody),
        ]
    ),
    refused=gettext_lazy("You may not decide on this flag."),
    not_from=lambda flag, action: _("This flag has already been resolved."),
)


def _event_params(decision: str, *, referred_to=None, sleep_until=None, new_end_date=None) -> dict:
    """The decision as the timeline keeps it (`housing.timeline` words it)."""
    return {
        "decision": decision,
        "name": str(referred_to) if decision == Decision.REFERRED else "",
        "date": {Decision.CONTRACT_RENEWED: new_end_date, Decision.SLEEPING: sleep_until}.get(decision),
    }


def _sleeping_problems(*, note, sleep_until, today) -> dict:
    errors = {}
    if sleep_until is None:
        errors["sleep_until"] = _("Give the date to look at it again.")
    elif sleep_until <= today:
        errors["sleep_until"] = _("The date to look again must be after today.")
    if not note.strip():
        errors["note"] = _("Say briefly why it is not realistic now.")
    return errors


def _referred_problems(*, flag, referred_to) -> dict:
    if referred_to is None:
        return {"referred_to": _("Choose the counsellor.")}
    if not referred_to.is_counsellor or referred_to.municipality_id != flag.municipality_id:
        return {"referred_to": _("Choose a housing counsellor of your municipality.")}
    return {}


def _check_decision(flag, decision, *, by, note, sleep_until, referred_to, today):
    """The step `decision` takes the flag along, once its details are right."""
    if decision not in FLAG_MACHINE.actions or decision == MOVED_OUT:
        raise ValidationError({"decision": _("Choose a decision.")})
    step = FLAG_MACHINE.check(by, flag, decision)
    errors = {}
    if decision == Decision.SLEEPING:
        errors = _sleeping_problems(note=note, sleep_until=sleep_until, today=today)
    elif decision == Decision.REFERRED:
        errors = _referred_problems(flag=flag, referred_to=referred_to)
    if errors:
        raise ValidationError(errors)
    return step


@transaction.atomic
def flag_decide(
    *, flag: LongTenureFlag, decision: str, by, note="", sleep_until=None, referred_to=None, new_end_date=None
) -> FlagDecision:
    """Record an officer's decision on an unresolved flag, move the flag on along FLAG_MACHINE, and
    note it on the household's timeline. `contract_renewed` with `new_end_date` also renews the tenancy."""
    flag = LongTenureFlag.objects.select_for_update().select_related("tenancy__household").get(pk=flag.pk)
    today = timezone.localdate()
    step = _check_decision(
        flag, decision, by=by, note=note, sleep_until=sleep_until, referred_to=referred_to, today=today
    )
    if decision == Decision.CONTRACT_RENEWED and new_end_date:
        tenancy_renew(tenancy=flag.tenancy, new_end_date=new_end_date, renewed_on=today, by=by, note=note)

    flag.status = step.target
    flag.referred_to = referred_to if decision == Decision.REFERRED else None
    flag.sleep_until = sleep_until if decision == Decision.SLEEPING else None
    flag.resolved_on = today if step.target == Status.RESOLVED else None
    flag.save(update_fields=["status", "referred_to", "sleep_until", "resolved_on"])
    made = FlagDecision.objects.create(
        flag=flag,
        decision=decision,
        decided_on=today,
        by=by,
        note=note,
        sleep_until=flag.sleep_until,
        referred_to=flag.referred_to,
    )
    timeline_record(
        household=flag.tenancy.household,
        kind=HousingKind.FLAG_DECIDED,
        params=_event_params(
            decision, referred_to=referred_to, sleep_until=sleep_until, new_end_date=new_end_date
        ),
        on=today,
        by=by,
        subject=flag,
    )
    return made


@transaction.atomic
def flag_thresholds_set(
    *, municipality: Municipality, tenure_threshold_years: int, expiry_window_months: int, by
):
    """A manager sets the municipality's thresholds for the nightly job."""
    municipality.tenure_threshold_years = tenure_threshold_years
    municipality.expiry_window_months = expiry_window_months
    municipality.save(update_fields=["tenure_threshold_years", "expiry_window_months"])
    return municipality
