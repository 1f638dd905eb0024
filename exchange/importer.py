"""The import: all or nothing, idempotent, writing through the models' own validation.

`cases_import` checks every row first (types, choices, references, duplicate keys, national IDs) and
writes nothing if anything is wrong; then it writes inside one transaction, where the models' own
`full_clean` (tenancy overlaps, move-out reasons, ...) may still find problems, and again rolls back
everything if so. Rows are matched by the keys in `schema.SHEETS`; a matched row whose values are the
same is left alone, so importing the same file twice changes nothing.

Tenancies, and every update, are written row by row through `full_clean` (and `tenancy_end`), for
the invariants between rows (overlaps in a unit); new households, units, persons, start-up loans and
follow-ups are created in batches with their history and timeline events, every field having been
checked row by row before.

Timeline: a created household gets «registered through an import», a created tenancy its move-in
and move-out, a created start-up loan application its receipt, a created follow-up its own event,
each on the date it happened; updates write no timeline events (django-simple-history keeps them),
except a tenancy that the file ends, which goes through `tenancy_end` like any move-out.
"""

from collections import defaultdict
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from boveileder.changes import data_changed
from boveileder.models import User
from cases.models import (
    Appeal,
    Consent,
    Decision,
    FollowUp,
    Household,
    PartnerAgency,
    Person,
    StartLoanApplication,
    StartLoanStatusChange,
    TimelineEvent,
)
from cases.services.decisions import appeal_deadline
from cases.services.timeline import timeline_record
from housing.models import LongTenureFlag, RentalUnit, Tenancy
from housing.services.tenancies import tenancy_end, tenancy_events_record

from . import cells
from .problems import ImportRejected, Problem
from .reader import Table
from .schema import DECIDED_STATUSES, SHEETS, SHEETS_BY_NAME, Column

Progress = Callable[[int, int], None]
BATCH = 500
# Model field -> column, where the names differ, to place a model's own validation error.
FIELD_COLUMNS = {"reference": "", "by": "counsellor", "household": "household_ref", "unit": "unit_ref"}


UNKNOWN_ACTOR = {FollowUp: ["by"], Appeal: ["recorded_by"], Consent: ["recorded_by"]}


def _key_columns(sheet: str) -> str:
    """The columns a problem of the row as a whole points at: its key."""
    return ", ".join(SHEETS_BY_NAME[sheet].key)


def _parse(column: Column, value, staff: dict):
    kind = column.kind
    if kind in ("text", "ref"):
        return cells.parse_text(value, column.max_length, multiline=kind == "text" and not column.max_length)
    if kind == "date":
        return cells.parse_date(value, ahead=column.ahead, birth=column.name == "birth_date")
    if kind == "int":
        return cells.parse_int(value)
    if kind == "decimal":
        return cells.parse_decimal(value)
    if kind == "choice":
        return cells.parse_choice(value, column.choices)
    if kind == "codes":
        return cells.parse_codes(value, column.choices)
    if kind == "postcode":
        return cells.parse_postcode(value)
    if kind == "national_id":
        return cells.parse_national_id(value)
    if kind == "staff":
        username = cells.text(value)
        if not username:
            return None
        user = staff.get(username) or staff.get(username.lower())
        if user is None:
            raise cells.CellError(
                _("«%(value)s» is not the username of a staff member of the municipality.")
                % {"value": cells.shown(username)}
            )
        return user
    raise AssertionError(kind)


class _Import:
    def __init__(self, municipality, tables: dict[str, Table], by, progress: Progress | None):
        self.municipality = municipality
        self.tables = tables
        self.by = by
        self.progress = progress
        self.problems: list[Problem] = []
        self.rows: dict[str, list[tuple[int, dict]]] = {}
        self.counts = {sheet.name: {"created": 0, "updated": 0, "unchanged": 0} for sheet in SHEETS}
        self.done = 0
        self.file_ids: dict[str, tuple] = {}
        self.file_refs: dict[str, set] = defaultdict(set)
        self.file_persons: set[tuple] = set()
        self.file_tenancies: set[tuple] = set()
        self.open_flags: dict[tuple, int] = {}
        self.file_decisions: dict[tuple, dict] = {}
        self.total = sum(len(t.rows) for t in tables.values())

    def problem(self, sheet, row, column, message):
        self.problems.append(Problem(sheet=sheet, row=row, column=column, message=str(message)))

    # --- what is there already ------------------------------------------------------------

    def load_existing(self):
        m = self.municipality.pk
        self.staff = {}
        if m:
            namespace = f"@{self.municipality.slug}"
            for user in User.objects.filter(municipality_id=m):
                self.staff.setdefault(user.username, user)
                self.staff.setdefault(user.username.lower(), user)
                # Staff made on the staff pages are `name@municipality`: the name alone will do.
                if user.username.lower().endswith(namespace):
                    self.staff.setdefault(user.username.lower().removesuffix(namespace), user)
        self.households = {h.reference: h for h in Household.objects.filter(municipality_id=m)} if m else {}
        self.units = {u.reference: u for u in RentalUnit.objects.filter(municipality_id=m)} if m else {}
        by_id = {h.pk: h for h in self.households.values()}
        units_by_id = {u.pk: u for u in self.units.values()}
        self.persons, self.national_ids = {}, {}
        self.tenancies, self.startloans, self.followups = {}, {}, {}
        self.agencies, self.consents, self.person_names, self.flags = {}, {}, set(), {}
        self.decisions, self.appeals, self.decision_counts = {}, {}, {}
        if not m:
            return
        for p in Person.objects.filter(municipality_id=m):
            key = (by_id[p.household_id].reference, p.first_name, p.last_name, p.birth_date)
            self.persons.setdefault(key, p)
            self.person_names.add(key[:3])
            if p.national_id:
                self.national_ids[p.national_id] = key
        for t in Tenancy.objects.filter(municipality_id=m):
            self.tenancies.setdefault((units_by_id[t.unit_id].reference, t.start_date), t)
        for s in StartLoanApplication.objects.filter(household__municipality_id=m):
            self.startloans.setdefault((by_id[s.household_id].reference, s.received_on), s)
        for f in FollowUp.objects.filter(municipality_id=m).order_by("pk"):
            key = (by_id[f.household_id].reference, f.date, f.kind, f.minutes, f.note)
            self.followups.setdefault(key, f)
        self.agencies = {a.name: a for a in PartnerAgency.objects.filter(municipality_id=m)}
        agencies_by_id = {a.pk: a for a in self.agencies.values()}
        for c in Consent.objects.filter(household__municipality_id=m).order_by("pk"):
            key = (by_id[c.household_id].reference, agencies_by_id[c.agency_id].name, c.purpose, c.given_on)
            self.consents.setdefault(key, c)
        per_household = defaultdict(int)
        decisions_by_id = {}
        for d in Decision.objects.filter(household__municipality_id=m).order_by("created_at", "pk"):
            ref = by_id[d.household_id].reference
            per_household[ref] += 1
            self.decisions[(ref, per_household[ref])] = d
            decisions_by_id[d.pk] = (ref, per_household[ref])
        self.decision_counts = dict(per_household)
        for a in Appeal.objects.filter(decision__household__municipality_id=m).order_by("pk"):
            self.appeals.setdefault((*decisions_by_id[a.decision_id], a.received_on), a)
        tenancies_by_id = {t.pk: key for key, t in self.tenancies.items()}
        for flag in LongTenureFlag.objects.filter(municipality_id=m).order_by("pk"):
            self.flags.setdefault((*tenancies_by_id[flag.tenancy_id], flag.raised_on), flag)

    # --- checking -------------------------------------------------------------------------

    def check(self):
        for sheet in SHEETS:
            table = self.tables.get(sheet.name)
            if table is None:
                continue
            present = [c for c in sheet.columns if c.name in table.headers]
            keyed = all(k in table.headers for k in sheet.key)
            parsed, seen = [], {}
            for number, raw in table.records():
                values, ok = {}, True
                for column in present:
                    try:
                        values[column.name] = _parse(column, raw.get(column.name), self.staff)
                    except cells.CellError as error:
                        self.problem(sheet.name, number, column.name, error)
                        ok = False
                        continue
                    if column.required and values[column.name] in ("", None):
                        self.problem(sheet.name, number, column.name, _("A value is required."))
                        ok = False
                if sheet.name in ("households", "units") and values.get(sheet.key[0]):
                    self.file_refs[sheet.name].add(values[sheet.key[0]])
                self.check_row(sheet.name, number, values)
                if ok and keyed:
                    key = tuple(values.get(k) for k in sheet.key)
                    if key in seen:
                        self.problem(
                            sheet.name,
                            number,
                            ", ".join(sheet.key),
                            _("The same key as row %(row)s: each row must be unique by %(key)s.")
                            % {"row": seen[key], "key": ", ".join(sheet.key)},
                        )
                    else:
                        seen[key] = number
                        parsed.append((number, values))
            self.rows[sheet.name] = parsed

    def known(self, sheet, ref) -> bool:
        return ref in self.file_refs[sheet] or ref in (
            self.households if sheet == "households" else self.units
        )

    def check_row(self, sheet, number, v):
        if (
            sheet != "households"
            and v.get("household_ref")
            and not self.known("households", v["household_ref"])
        ):
            self.problem(
                sheet,
                number,
                "household_ref",
                _("No household «%(ref)s» in the households sheet or in the municipality.")
                % {"ref": cells.shown(v["household_ref"])},
            )
        if sheet == "tenancies":
            if v.get("unit_ref") and not self.known("units", v["unit_ref"]):
                self.problem(
                    sheet,
                    number,
                    "unit_ref",
                    _("No unit «%(ref)s» in the units sheet or in the municipality.")
                    % {"ref": cells.shown(v["unit_ref"])},
                )
            start, out = v.get("start_date"), v.get("moved_out_on")
            if out and "move_out_reason" in v and not v["move_out_reason"]:
                self.problem(sheet, number, "move_out_reason", _("Give the reason for moving out."))
            if v.get("move_out_reason") and not out and "moved_out_on" in v:
                self.problem(
                    sheet, number, "moved_out_on", _("Give the move-out date, or leave the reason empty.")
                )
            if start and out and out < start:
                self.problem(
                    sheet, number, "moved_out_on", _("The move-out date is before the move-in date.")
                )
            end = v.get("contract_end_date")
            if start and end and end < start:
                self.problem(
                    sheet, number, "contract_end_date", _("The contract ends before the move-in date.")
                )
        if sheet == "units" and (v.get("rooms") or 0) > 99:
            self.problem(sheet, number, "rooms", _("Not a plausible number of rooms."))
        if sheet == "startloans":
            received, decided = v.get("received_on"), v.get("decided_on")
            if received and decided and decided < received:
                self.problem(sheet, number, "decided_on", _("The decision date is before the date received."))
            if decided and v.get("status") in ("", "received", "in_review"):
                self.problem(
                    sheet,
                    number,
                    "status",
                    _("An application with a decision date is %(statuses)s.")
                    % {"statuses": ", ".join(DECIDED_STATUSES)},
                )
        if sheet == "persons":
            self.file_persons.add((v.get("household_ref"), v.get("first_name"), v.get("last_name")))
        if sheet == "consents":
            self.check_consent(number, v)
        if sheet == "tenancies":
            self.file_tenancies.add((v.get("unit_ref"), v.get("start_date")))
        if sheet == "flags":
            self.check_flag(number, v)
        if sheet == "decisions":
            self.check_decision(number, v)
        if sheet == "appeals":
            self.check_appeal(number, v)
        if sheet == "persons" and v.get("national_id"):
            key = (v.get("household_ref"), v.get("first_name"), v.get("last_name"), v.get("birth_date"))
            in_file = self.file_ids.get(v["national_id"])
            if in_file is not None and in_file[0] != key:
                self.problem(
                    sheet,
                    number,
                    "national_id",
                    _("invalid: the same number as in row %(row)s") % {"row": in_file[1]},
                )
            elif self.national_ids.get(v["national_id"], key) != key:
                self.problem(
                    sheet,
                    number,
                    "national_id",
                    _("invalid: the number belongs to another person in the municipality"),
                )
            self.file_ids.setdefault(v["national_id"], (key, number))

    def check_consent(self, number, v):
        given = v.get("given_on")
        for column, message in (
            ("valid_until", _("A consent cannot end before it was given.")),
            ("withdrawn_on", _("A consent cannot be withdrawn before it was given.")),
        ):
            if given and v.get(column) and v[column] < given:
                self.problem("consents", number, column, message)
        names = (v.get("given_by_first_name"), v.get("given_by_last_name"))
        if any(names):
            key = (v.get("household_ref"), *names)
            if key not in self.file_persons and key not in self.person_names:
                self.problem(
                    "consents",
                    number,
                    "given_by_first_name",
                    _("No member of the household by this name in the persons sheet or the municipality."),
                )

    def check_flag(self, number, v):
        tenancy = (v.get("unit_ref"), v.get("tenancy_start_date"))
        if all(tenancy) and tenancy not in self.file_tenancies and tenancy not in self.tenancies:
            self.problem(
                "flags",
                number,
                "tenancy_start_date",
                _("No tenancy of this unit from this date in the tenancies sheet or in the municipality."),
            )
        raised, resolved = v.get("raised_on"), v.get("resolved_on")
        if raised and resolved and resolved < raised:
            self.problem("flags", number, "resolved_on", _("A flag cannot be resolved before it was raised."))
        if v.get("status") == LongTenureFlag.Status.RESOLVED and not resolved:
            self.problem("flags", number, "resolved_on", _("Give the date a resolved flag was resolved."))
        if resolved is None and all(tenancy):
            if tenancy in self.open_flags:
                self.problem(
                    "flags",
                    number,
                    "resolved_on",
                    _("The tenancy has another unresolved flag in row %(row)s: only one may be open.")
                    % {"row": self.open_flags[tenancy]},
                )
            self.open_flags.setdefault(tenancy, number)

    def check_decision(self, number, v):
        ref, first, last = v.get("household_ref"), v.get("first_name"), v.get("last_name")
        name = (ref, first, last)
        if first and last and name not in self.file_persons and name not in self.person_names:
            self.problem(
                "decisions",
                number,
                "first_name",
                _("No member of the household by this name in the persons sheet or the municipality."),
            )
        key = (ref, v.get("number"))
        if v.get("number") and key not in self.decisions:
            expected = self.decision_counts.get(ref, 0) + 1
            if v["number"] != expected:
                self.problem(
                    "decisions",
                    number,
                    "number",
                    _("Number a household's decisions 1, 2, 3… in drafting order: the next is %(n)s.")
                    % {"n": expected},
                )
            else:
                self.decision_counts[ref] = expected
        replaces = v.get("replaces_number")
        if replaces and v.get("number") and replaces >= v["number"]:
            self.problem(
                "decisions", number, "replaces_number", _("A decision can only replace an earlier one.")
            )
        approved = v.get("status") == Decision.Status.APPROVED
        if approved and not (v.get("approved_by") and v.get("approved_on")):
            column = "approved_on" if v.get("approved_by") else "approved_by"
            self.problem(
                "decisions", number, column, _("An approved decision needs who approved it, and when.")
            )
        if v.get("approved_by") and v.get("approved_by") == v.get("drafted_by"):
            self.problem(
                "decisions", number, "approved_by", _("A decision is not approved by the one who drafted it.")
            )
        start, end = v.get("period_from"), v.get("period_to")
        if start and end and end < start:
            self.problem("decisions", number, "period_to", _("The period ends before it begins."))
        self.file_decisions[key] = v

    def check_appeal(self, number, v):
        key = (v.get("household_ref"), v.get("decision_number"))
        if not all(key):
            return
        in_file = self.file_decisions.get(key)
        existing = self.decisions.get(key)
        if in_file is None and existing is None:
            self.problem(
                "appeals",
                number,
                "decision_number",
                _("The household has no decision with this number, in the file or the municipality."),
            )
            return
        status = in_file.get("status") if in_file else existing.status
        approved_on = in_file.get("approved_on") if in_file else existing.approved_on
        if status != Decision.Status.APPROVED:
            self.problem(
                "appeals", number, "decision_number", _("Only an approved decision can be appealed.")
            )
        elif v.get("received_on") and approved_on and v["received_on"] < approved_on:
            self.problem(
                "appeals", number, "received_on", _("An appeal cannot arrive before the decision was made.")
            )

    # --- writing --------------------------------------------------------------------------

    def tick(self):
        self.done += 1
        if self.progress and (self.done % 100 == 0 or self.done == self.total):
            self.progress(self.done, self.total)

    def save(self, sheet, number, instance) -> bool:
        """The model's own validation, then save, in a savepoint: a problem, never an error."""
        # Who did or recorded it may be unknown (null) although the forms always know it.
        exclude = UNKNOWN_ACTOR.get(type(instance))
        try:
            with transaction.atomic():
                instance.full_clean(exclude=exclude)
                instance.save()
            return True
        except ValidationError as error:
            self.validation_problems(sheet, number, error)
        except DatabaseError:
            self.problem(
                sheet,
                number,
                _key_columns(sheet),
                _("The row could not be saved: it conflicts with other records."),
            )
        return False

    def validation_problems(self, sheet, number, error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                column = _key_columns(sheet) if field == "__all__" else FIELD_COLUMNS.get(field, field)
                for message in messages:
                    self.problem(sheet, number, column, message)
        else:
            for message in error.messages:
                self.problem(sheet, number, _key_columns(sheet), message)

    def apply(self, sheet, number, instance, values: dict, created: bool) -> bool:
        """Set `values` on `instance` and save it if anything changed; count what happened."""
        self.tick()
        if not created and all(getattr(instance, f) == v for f, v in values.items()):
            self.counts[sheet]["unchanged"] += 1
            return False
        for field, value in values.items():
            setattr(instance, field, value)
        if self.save(sheet, number, instance):
            self.counts[sheet]["created" if created else "updated"] += 1
            return True
        return False

    @staticmethod
    def fields(v: dict, mapping: dict) -> dict:
        """Model field -> value, for the columns present in the file."""
        return {
            field: (v[column].pk if isinstance(v[column], User) else v[column])
            for column, field in mapping.items()
            if column in v
        }

    def write_households(self):
        new = []
        for number, v in self.rows.get("households", []):
            ref = v["household_ref"]
            values = self.fields(
                v, {"enrolled_on": "enrolled_on", "counsellor": "counsellor_id", "notes": "notes"}
            )
            if v.get("housing_at_start"):
                values["housing_at_start"] = v["housing_at_start"]
            if ref in self.households:
                self.apply("households", number, self.households[ref], values, created=False)
                continue
            household = Household(municipality=self.municipality, reference=ref, **values)
            new.append(household)
            self.households[ref] = household
        self.bulk_create("households", Household, new)
        today = timezone.localdate()
        self.events(
            new,
            kind="household_imported",
            summary=lambda h: _("Registered through a spreadsheet import"),
            on=lambda h: h.enrolled_on or today,
        )

    def events(self, subjects, *, kind, summary, on, actor=None):
        """Timeline events for new records, in bulk (as `timeline_record` writes them one by one)."""
        if not subjects:
            return
        content_type = ContentType.objects.get_for_model(type(subjects[0]))
        TimelineEvent.objects.bulk_create(
            [
                TimelineEvent(
                    household_id=getattr(obj, "household_id", None) or obj.pk,
                    kind=kind,
                    summary=summary(obj)[:300],
                    occurred_on=on(obj),
                    actor_id=actor(obj) if actor else getattr(self.by, "pk", None),
                    content_type=content_type,
                    object_id=obj.pk,
                )
                for obj in subjects
            ],
            batch_size=BATCH,
        )

    def write_units(self):
        mapping = {
            c: c
            for c in (
                "address",
                "postcode",
                "city",
                "rooms",
                "area_m2",
                "monthly_rent_nok",
                "kobo_id",
                "bruksenhetsnummer",
            )
        }
        new = []
        for number, v in self.rows.get("units", []):
            ref = v["unit_ref"]
            if ref in self.units:
                self.apply("units", number, self.units[ref], self.fields(v, mapping), created=False)
                continue
            unit = RentalUnit(municipality=self.municipality, reference=ref, **self.fields(v, mapping))
            new.append(unit)
            self.units[ref] = unit
        self.bulk_create("units", RentalUnit, new)

    def write_persons(self):
        new = []
        for number, v in self.rows.get("persons", []):
            key = (v["household_ref"], v["first_name"], v["last_name"], v.get("birth_date"))
            person = self.persons.get(key)
            values = self.fields(v, {"phone": "phone", "left_on": "left_on"})
            if v.get("national_id"):  # empty is unknown: a stored number is kept
                values["national_id"] = v["national_id"]
            if person is not None:
                self.apply("persons", number, person, values, created=False)
                continue
            person = Person(
                municipality=self.municipality,
                household=self.households[v["household_ref"]],
                first_name=v["first_name"],
                last_name=v["last_name"],
                birth_date=v.get("birth_date"),
                **values,
            )
            new.append(person)
            self.persons[key] = person
        self.bulk_create("persons", Person, new)

    def bulk_create(self, sheet, model, objects):
        """New rows in bulk, with their history: every field was checked row by row in `check`
        (lengths, choices, national IDs and their uniqueness), and these models have no invariant
        across rows that `full_clean` would add."""
        for start in range(0, len(objects), BATCH):
            bulk_create_with_history(
                objects[start : start + BATCH], model, batch_size=BATCH, default_user=self.by
            )
            for _obj in objects[start : start + BATCH]:
                self.tick()
        self.counts[sheet]["created"] += len(objects)

    def write_tenancies(self):
        rows = self.rows.get("tenancies", [])
        keyed = [((v["unit_ref"], v["start_date"]), number, v) for number, v in rows]
        # Changes to known tenancies first (a move-out frees the unit), then new ones in date order.
        keyed.sort(key=lambda item: (item[0] not in self.tenancies, item[0][1]))
        for key, number, v in keyed:
            unit, household = self.units[v["unit_ref"]], self.households[v["household_ref"]]
            tenancy = self.tenancies.get(key)
            values = {
                "household_id": household.pk,
                "contract_end_date": v.get("contract_end_date"),
                "moved_out_on": v.get("moved_out_on"),
                "move_out_reason": v.get("move_out_reason") or "",
            }
            if tenancy is None:
                tenancy = Tenancy(municipality=self.municipality, unit=unit, start_date=v["start_date"])
                if self.apply("tenancies", number, tenancy, values, created=True):
                    self.tenancies[key] = tenancy
                    self.tenancy_events(tenancy, unit, household)
            elif tenancy.moved_out_on is None and values["moved_out_on"]:
                self.tenancy_move_out(number, tenancy, values)
            else:
                self.apply("tenancies", number, tenancy, values, created=False)

    def tenancy_events(self, tenancy, unit, household):
        """Moved in (and out), or planned, by the dates: as `tenancy_start`/`tenancy_end`."""
        tenancy.unit, tenancy.household = unit, household
        tenancy_events_record(tenancy=tenancy, by=self.by)

    def tenancy_move_out(self, number, tenancy, values):
        """The file ends a running tenancy: a move-out like any other, through `tenancy_end`."""
        before = {f: values[f] for f in ("household_id", "contract_end_date")}
        if any(getattr(tenancy, f) != v for f, v in before.items()):
            for field, value in before.items():
                setattr(tenancy, field, value)
            if not self.save("tenancies", number, tenancy):
                self.tick()
                return
        try:
            with transaction.atomic():
                tenancy_end(
                    tenancy=tenancy, on=values["moved_out_on"], reason=values["move_out_reason"], by=self.by
                )
        except ValidationError as error:
            self.validation_problems("tenancies", number, error)
        else:
            self.counts["tenancies"]["updated"] += 1
        self.tick()

    def write_startloans(self):
        mapping = {
            c: c
            for c in (
                "decided_on",
                "loan_amount_nok",
                "grant_amount_nok",
                "purchase_price_nok",
                "startskudd_ref",
            )
        }
        new, changes = [], []
        for number, v in self.rows.get("startloans", []):
            key = (v["household_ref"], v["received_on"])
            values = self.fields(v, mapping)
            values["status"] = v.get("status") or StartLoanApplication.Status.RECEIVED
            application = self.startloans.get(key)
            if application is None:
                application = StartLoanApplication(
                    household=self.households[v["household_ref"]], received_on=v["received_on"], **values
                )
                new.append(application)
                self.startloans[key] = application
                changes.append(("", application))
                continue
            previous = application.status
            if (
                self.apply("startloans", number, application, values, created=False)
                and previous != values["status"]
            ):
                changes.append((previous, application))
        self.bulk_create("startloans", StartLoanApplication, new)
        # The state as it is in the file: history, not a step through the live pipeline.
        StartLoanStatusChange.objects.bulk_create(
            [
                StartLoanStatusChange(
                    application=application,
                    from_status=previous,
                    to_status=application.status,
                    on=application.decided_on or application.received_on,
                    by=self.by,
                    note=_("Imported from a spreadsheet"),
                )
                for previous, application in changes
            ],
            batch_size=BATCH,
        )
        self.events(
            new,
            kind="startloan_received",
            summary=lambda a: _("Start-up loan application received"),
            on=lambda a: a.received_on,
        )

    def write_followups(self):
        new = []
        for number, v in self.rows.get("followups", []):
            key = (v["household_ref"], v["date"], v["kind"], v.get("minutes"), v.get("note", ""))
            followup = self.followups.get(key)
            values = self.fields(v, {"counsellor": "by_id"})
            if followup is not None:
                self.apply("followups", number, followup, values, created=False)
                continue
            followup = FollowUp(
                household=self.households[v["household_ref"]],
                municipality=self.municipality,  # bulk_create does not call save(), which sets it
                date=v["date"],
                kind=v["kind"],
                minutes=v.get("minutes"),
                note=v.get("note", ""),
                **values,
            )
            new.append(followup)
            self.followups[key] = followup
        self.bulk_create("followups", FollowUp, new)
        self.events(
            new,
            kind="followup",
            summary=_followup_summary,
            on=lambda f: f.date,
            actor=lambda f: f.by_id,
        )

    def write_consents(self):
        """New partner agencies by name, then the consents: created in bulk with their timeline events,
        changed ones saved through the model's validation."""
        by_name = {}
        for (ref, first, last, _birth), person in self.persons.items():
            by_name.setdefault((ref, first, last), person)
        new, new_agencies = [], []
        for number, v in self.rows.get("consents", []):
            agency = self.agencies.get(v["agency"])
            if agency is None:
                kind = v.get("agency_kind") or PartnerAgency.Kind.OTHER
                agency = PartnerAgency(municipality=self.municipality, name=v["agency"], kind=kind)
                new_agencies.append(agency)
                self.agencies[agency.name] = agency
            names = (v.get("given_by_first_name"), v.get("given_by_last_name"))
            person = by_name.get((v["household_ref"], *names)) if any(names) else None
            key = (v["household_ref"], v["agency"], v["purpose"], v["given_on"])
            values = {
                "valid_until": v.get("valid_until"),
                "withdrawn_on": v.get("withdrawn_on"),
                "person": person,
            }
            if "recorded_by" in v:
                values["recorded_by"] = v["recorded_by"]
            consent = self.consents.get(key)
            if consent is not None:
                self.apply("consents", number, consent, values, created=False)
                continue
            consent = Consent(
                household=self.households[v["household_ref"]],
                agency=agency,
                purpose=v["purpose"],
                given_on=v["given_on"],
                **values,
            )
            new.append(consent)
            self.consents[key] = consent
        PartnerAgency.objects.bulk_create(new_agencies, batch_size=BATCH)
        for consent in new:
            consent.agency = consent.agency  # the agency's pk, set by bulk_create
        self.bulk_create("consents", Consent, new)
        self.events(
            new,
            kind="consent_recorded",
            summary=lambda c: _("Consent to share with %(agency)s") % {"agency": c.agency.name},
            on=lambda c: c.given_on,
        )

    def write_flags(self):
        """Long-tenure flags as they stand in the file, each through the model's validation (one open
        flag per tenancy); the flag job raises new ones as usual."""
        for number, v in self.rows.get("flags", []):
            key = (v["unit_ref"], v["tenancy_start_date"], v["raised_on"])
            values = {
                "reasons": v.get("reasons", []),
                "contract_end_date": v.get("contract_end_date"),
                "status": v.get("status") or LongTenureFlag.Status.OPEN,
                "referred_to": v.get("referred_to"),
                "sleep_until": v.get("sleep_until"),
                "resolved_on": v.get("resolved_on"),
            }
            values = {f: value for f, value in values.items() if f in v}  # the columns in the file
            if not values.get("status", True):
                values["status"] = LongTenureFlag.Status.OPEN
            flag = self.flags.get(key)
            if flag is not None:
                self.apply("flags", number, flag, values, created=False)
                continue
            tenancy = self.tenancies.get((v["unit_ref"], v["tenancy_start_date"]))
            if tenancy is None:  # its row in the tenancies sheet had a problem, reported there
                continue
            flag = LongTenureFlag(
                municipality=self.municipality, tenancy=tenancy, raised_on=v["raised_on"], **values
            )
            if self.save("flags", number, flag):  # one open flag per tenancy: the database's own check
                self.counts["flags"]["created"] += 1
                self.flags[key] = flag
            self.tick()

    def write_decisions(self):
        """Individual decisions as they stand in the file, in order of their numbers (which follow the
        order of drafting), each through the model's validation; an approved one gets its timeline event.
        The letters were sent from where the decision was made: none is made here."""
        rows = sorted(self.rows.get("decisions", []), key=lambda row: row[1]["number"])
        persons = {}
        for (ref, first, last, _birth), person in self.persons.items():
            persons.setdefault((ref, first, last), person)
        for number, v in rows:
            key = (v["household_ref"], v["number"])
            values = {
                f: v[f]
                for f in (
                    "status",
                    "outcome",
                    "main_content",
                    "period_from",
                    "period_to",
                    "assessment",
                    "participation",
                    "legal_basis",
                    "reasons",
                    "drafted_by",
                    "approved_by",
                    "approved_on",
                )
                if f in v
            }
            values["person"] = persons[(v["household_ref"], v["first_name"], v["last_name"])]
            replaces = self.decisions.get((v["household_ref"], v.get("replaces_number")))
            values["replaces"] = replaces if v.get("replaces_number") else None
            decision = self.decisions.get(key)
            created = decision is None
            if created:
                decision = Decision(household=self.households[v["household_ref"]])
            if self.apply("decisions", number, decision, values, created=created):
                self.decisions[key] = decision
                if created and decision.status == Decision.Status.APPROVED:
                    timeline_record(
                        household=decision.household,
                        kind="decision_approved",
                        summary=_("Decision approved (%(outcome)s)")
                        % {"outcome": decision.get_outcome_display()},
                        on=decision.approved_on,
                        actor=decision.approved_by,
                        subject=decision,
                    )

    def write_appeals(self):
        """Appeals of approved decisions; whether one came within the deadline is computed, as in the app."""
        for number, v in self.rows.get("appeals", []):
            decision = self.decisions.get((v["household_ref"], v["decision_number"]))
            if decision is None or decision.pk is None:  # its decision's row had a problem, reported there
                self.tick()
                continue
            key = (v["household_ref"], v["decision_number"], v["received_on"])
            values = {
                f: v[f] or ("" if f in ("second_look", "outcome", "note") else None)
                for f in (
                    "second_look",
                    "second_look_on",
                    "forwarded_on",
                    "outcome",
                    "outcome_on",
                    "note",
                    "recorded_by",
                )
                if f in v
            }
            values["within_deadline"] = v["received_on"] <= appeal_deadline(decision)
            appeal = self.appeals.get(key)
            created = appeal is None
            if created:
                appeal = Appeal(decision=decision, received_on=v["received_on"])
            if self.apply("appeals", number, appeal, values, created=created) and created:
                self.appeals[key] = appeal
                timeline_record(
                    household=decision.household,
                    kind="appeal_registered",
                    summary=_("Appeal received")
                    + " – "
                    + (_("within the deadline") if values["within_deadline"] else _("after the deadline")),
                    on=appeal.received_on,
                    actor=self.by,
                    subject=decision,
                )

    def write(self):
        if self.progress:
            self.progress(0, self.total)
        self.write_households()
        self.write_units()
        self.write_persons()
        self.write_tenancies()
        self.write_startloans()
        self.write_followups()
        self.write_consents()
        self.write_flags()
        self.write_decisions()
        self.write_appeals()
        data_changed(self.municipality.pk)  # bulk writes send no save signals


def _followup_summary(followup) -> str:
    """As the follow-up service words it: kind and minutes, never the note."""
    if followup.minutes:
        return _("%(kind)s, %(minutes)s min") % {
            "kind": followup.get_kind_display(),
            "minutes": followup.minutes,
        }
    return str(followup.get_kind_display())


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {sheet.name: i for i, sheet in enumerate(SHEETS)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0, p.column))


def cases_import(
    *, municipality, workbook, dry_run: bool = False, by=None, progress: Progress | None = None
) -> dict:
    """Import a read workbook into `municipality` (saved here if new): all or nothing.

    Returns {sheet: {"created": n, "updated": n, "unchanged": n}}; raises `ImportRejected` with every
    problem found, having written nothing. With `dry_run` everything is checked and then rolled back.
    """
    job = _Import(municipality, workbook.tables, by, progress)
    job.problems.extend(workbook.problems)
    job.load_existing()
    job.check()
    if job.problems:
        raise ImportRejected(_sorted(job.problems))
    was_new = municipality.pk is None
    with transaction.atomic():
        if was_new:
            municipality.save()
        try:
            with transaction.atomic():
                job.write()
        except DatabaseError:  # e.g. someone saved the same record meanwhile: never echo the database
            job.problem(
                "", None, "", _("The file could not be saved: it conflicts with records saved meanwhile.")
            )
        if job.problems or dry_run:
            transaction.set_rollback(True)
    if was_new and (job.problems or dry_run):
        municipality.pk = None
    if job.problems:
        raise ImportRejected(_sorted(job.problems))
    return job.counts
