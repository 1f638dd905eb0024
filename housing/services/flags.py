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
from housing.models import FlagDecision, LongTenureFlag, Tenancy
from housing.selectors import expiry_horizon, rule_of, tenure_cutoff
from housing.services.tenancies import tenancy_renew
from housing.timeline import HousingKind

Reason = LongTenureFlag.Reason
Status = LongTenureFlag.Status
Decision = LongTenureFlag.Decision


def flags_raise_due_in(*, municipalities: QuerySet[Municipality], as_of: date) -> int:
    """Raise one flag for every tenancy of `municipalities` that is due on `as_of`; return how many.

    One statement per pair of thresholds does the work, however many municipalities share it: INSERT
    ... SELECT over the due tenancies, ON CONFLICT DO NOTHING against the partial unique constraint
    `flag_one_unresolved_per_tenancy`, which is what keeps a tenancy to one unresolved flag even under
    concurrent runs. A run first takes the row locks of its municipalities (in pk order, so runs
    cannot deadlock), so overlapping runs queue instead of waiting on each other's rows; the
    thresholds are read under that lock."""
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
        for municipality_id in raised:
            data_changed(municipality_id)
        return raised.total()


def flags_raise_due(*, municipality: Municipality, as_of: date) -> int:
    """Raise the due flags of one municipality on `as_of`; return how many."""
    return flags_raise_due_in(municipalities=Municipality.objects.filter(pk=municipality.pk), as_of=as_of)


# `flags_due` in one pass, so that no plan can go quadratic: each tenancy's flags are summarised by one
# GROUP BY over the due tenancies and the flags, instead of NOT EXISTS probes into the table the same
# statement writes to. When that table's statistics say it is empty, PostgreSQL ran such probes once
# per tenancy as scans that grew with every row written (docs/performance.md, "The flag job").
DUE_FLAGS_INSERT = """\
INSERT INTO {flags} (municipality_id, tenancy_id, raised_on, reasons, contract_end_date, status)
SELECT municipality_id, tenancy_id, %(as_of)s,
  CASE WHEN tenure_due = 1 AND expiry_due = 1 THEN %(both)s WHEN tenure_due = 1 THEN %(tenure)s
       ELSE %(expiry)s END,
  CASE WHEN expiry_due = 1 THEN contract_end_date END, %(status)s
FROM (
  SELECT tenancy_id, MAX(municipality_id) AS municipality_id, MAX(contract_end_date) AS contract_end_date,
    MAX(tenure_due) AS tenure_due, MAX(expiry_due) AS expiry_due, MAX(unresolved) AS unresolved,
    MAX(tenure_decided) AS tenure_decided, MAX(same_end) AS same_end
  FROM (
    SELECT t.id AS tenancy_id, t.municipality_id, t.contract_end_date,
      CASE WHEN t.start_date <= %(cutoff)s THEN 1 ELSE 0 END AS tenure_due,
      CASE WHEN t.contract_end_date <= %(horizon)s THEN 1 ELSE 0 END AS expiry_due,
      0 AS unresolved, 0 AS tenure_decided, 0 AS same_end
    FROM {tenancies} t
    WHERE t.municipality_id IN ({ids}) AND t.start_date <= %(as_of)s AND t.moved_out_on IS NULL
      AND (t.start_date <= %(cutoff)s OR t.contract_end_date <= %(horizon)s)
    UNION ALL
    SELECT f.tenancy_id, NULL, NULL, 0, 0,
      CASE WHEN f.resolved_on IS NULL THEN 1 ELSE 0 END,
      CASE WHEN f.resolved_on > %(cutoff)s AND CAST(f.reasons AS TEXT) LIKE %(tenure_text)s THEN 1 ELSE 0 END,
      CASE WHEN f.contract_end_date = ft.contract_end_date THEN 1 ELSE 0 END
    FROM {flags} f JOIN {tenancies} ft ON ft.id = f.tenancy_id
    WHERE ft.municipality_id IN ({ids}) AND ft.moved_out_on IS NULL
      AND (f.resolved_on IS NULL OR f.resolved_on > %(cutoff)s OR f.contract_end_date = ft.contract_end_date)
  ) one_row_per_due_tenancy_or_flag_that_counts
  GROUP BY tenancy_id
) summary
WHERE municipality_id IS NOT NULL AND unresolved = 0
  AND ((tenure_due = 1 AND tenure_decided = 0) OR (expiry_due = 1 AND same_end = 0))
ON CONFLICT DO NOTHING
RETURNING municipality_id
"""


def _insert_flags(*, municipalities: Sequence[Municipality], as_of: date) -> Counter:
    """INSERT one open flag per tenancy of `municipalities` (which share one pair of thresholds) due
    on `as_of` by `flags_due`'s rule, for the tenancy's own municipality; return how many went in,
    by municipality id."""
    rule = municipalities[0]
    reasons = LongTenureFlag._meta.get_field("reasons")
    params = {
        "as_of": as_of,
        "cutoff": tenure_cutoff(municipality=rule, as_of=as_of),
        "horizon": expiry_horizon(municipality=rule, as_of=as_of),
        "both": reasons.get_db_prep_value([Reason.TENURE, Reason.CONTRACT_EXPIRY], connection),
        "tenure": reasons.get_db_prep_value([Reason.TENURE], connection),
        "expiry": reasons.get_db_prep_value([Reason.CONTRACT_EXPIRY], connection),
        "tenure_text": f'%"{Reason.TENURE}"%',
        "status": Status.OPEN.value,
    }
    insert = DUE_FLAGS_INSERT.format(
        flags=LongTenureFlag._meta.db_table,
        tenancies=Tenancy._meta.db_table,
        ids=", ".join(str(int(m.pk)) for m in municipalities),
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return Counter(municipality_id for (municipality_id,) in cursor.fetchall())


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
