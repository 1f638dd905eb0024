"""The exchange format: ten sheets, their columns and the key each row is matched by.

One definition used by the reader, the import, the export and the template workbook.
"""

from dataclasses import dataclass

from cases.models import Appeal, Decision, FollowUp, Household, PartnerAgency, StartLoanApplication
from housing.models import LongTenureFlag, MoveOutReason

# Statuses an import may set: the list (no `appealed`: an appeal is recorded in the app).
STARTLOAN_STATUSES = ("received", "in_review", "approved", "rejected", "withdrawn", "disbursed")
DECIDED_STATUSES = ("approved", "rejected", "disbursed")
# The template's example rows use references no municipality's own records use, so the template
# downloaded and uploaded unchanged imports cleanly (a new example household, once) anywhere.
EXAMPLE_HOUSEHOLD = "H-EKSEMPEL-1"
EXAMPLE_UNIT = "U-EKSEMPEL-1"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, ref, date, int, decimal, choice, codes, staff, national_id, postcode
    required: bool = False  # a value is required in every row
    optional: bool = False  # the column itself may be left out of the file
    max_length: int = 0
    ahead: bool = False  # a date the forms allow ahead (a planned move-in, an end date)
    choices: tuple[str, ...] = ()
    example: object = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_names(self) -> list[str]:
        return [c.name for c in self.columns if not c.optional]


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "households",
        (
            Column("household_ref", "ref", required=True, max_length=40, example=EXAMPLE_HOUSEHOLD),
            Column("enrolled_on", "date", example="2024-01-15"),
            Column("counsellor", "staff", example=""),
            Column("notes", "text", example="Ønsker å kjøpe egen bolig"),
            Column(
                "housing_at_start",
                "choice",
                optional=True,
                choices=tuple(Household.HousingAtStart.values),
                example="municipal_rental",
            ),
        ),
        key=("household_ref",),
    ),
    Sheet(
        "persons",
        (
            Column("household_ref", "ref", required=True, max_length=40, example=EXAMPLE_HOUSEHOLD),
            Column("first_name", "text", required=True, max_length=100, example="Kari"),
            Column("last_name", "text", required=True, max_length=100, example="Nordmann"),
            Column("birth_date", "date", example="1985-03-12"),
            Column("national_id", "national_id", example=""),
            Column("phone", "text", max_length=30, example="+47 912 34 567"),
            Column("left_on", "date", optional=True, example=""),
        ),
        key=("household_ref", "first_name", "last_name", "birth_date"),
    ),
    Sheet(
        "units",
        (
            Column("unit_ref", "ref", required=True, max_length=40, example=EXAMPLE_UNIT),
            Column("address", "text", required=True, max_length=200, example="Eksempelveien 1"),
            Column("postcode", "postcode", example="6002"),
            Column("city", "text", max_length=80, example="Ålesund"),
            Column("rooms", "int", example=3),
            Column("area_m2", "decimal", example="64.5"),
            Column("monthly_rent_nok", "int", example=9500),
            Column("kobo_id", "text", optional=True, max_length=40, example=""),
            Column("bruksenhetsnummer", "text", optional=True, max_length=20, example="H0101"),
        ),
        key=("unit_ref",),
    ),
    Sheet(
        "tenancies",
        (
            Column("unit_ref", "ref", required=True, max_length=40, example=EXAMPLE_UNIT),
            Column("household_ref", "ref", required=True, max_length=40, example=EXAMPLE_HOUSEHOLD),
            Column("start_date", "date", required=True, ahead=True, example="2021-02-01"),
            Column("contract_end_date", "date", ahead=True, example="2024-01-31"),
            Column("moved_out_on", "date", ahead=True, example="2024-06-30"),
            Column("move_out_reason", "choice", choices=tuple(MoveOutReason.values), example="bought"),
        ),
        key=("unit_ref", "start_date"),
    ),
    Sheet(
        "startloans",
        (
            Column("household_ref", "ref", required=True, max_length=40, example=EXAMPLE_HOUSEHOLD),
            Column("received_on", "date", required=True, example="2024-03-01"),
            Column("status", "choice", choices=STARTLOAN_STATUSES, example="disbursed"),
            Column("decided_on", "date", example="2024-04-10"),
            Column("loan_amount_nok", "int", example=2800000),
            Column("grant_amount_nok", "int", example=150000),
            Column("purchase_price_nok", "int", example=3200000),
            Column("startskudd_ref", "text", optional=True, max_length=40, example=""),
        ),
        key=("household_ref", "received_on"),
    ),
    Sheet(
        "followups",
        (
            Column("household_ref", "ref", required=True, max_length=40, example=EXAMPLE_HOUSEHOLD),
            Column("date", "date", required=True, example="2024-02-20"),
            Column(
                "kind", "choice", required=True, choices=tuple(FollowUp.Kind.values), example="home_visit"
            ),
            Column("minutes", "int", example=60),
            Column("counsellor", "staff", example=""),
            Column("note", "text", example="Gikk gjennom budsjett og egenkapital"),
        ),
        key=("household_ref", "date", "kind", "minutes", "note"),
    ),
    Sheet(
        "consents",
        (
            Column("household_ref", "ref", required=True, max_length=40, example=EXAMPLE_HOUSEHOLD),
            Column("agency", "text", required=True, max_length=120, example="NAV Ålesund"),
            Column(
                "agency_kind",
                "choice",
                optional=True,
                choices=tuple(PartnerAgency.Kind.values),
                example="nav",
            ),
            Column("purpose", "text", required=True, max_length=300, example="Opplysninger om økonomi"),
            Column("given_on", "date", required=True, example="2024-01-20"),
            Column("valid_until", "date", ahead=True, example="2025-01-20"),
            Column("withdrawn_on", "date", example=""),
            Column("given_by_first_name", "text", max_length=100, example="Kari"),
            Column("given_by_last_name", "text", max_length=100, example="Nordmann"),
            Column("recorded_by", "staff", example=""),
        ),
        key=("household_ref", "agency", "purpose", "given_on"),
    ),
    Sheet(
        "flags",
        (
            Column("unit_ref", "ref", required=True, max_length=40, example=EXAMPLE_UNIT),
            Column("tenancy_start_date", "date", required=True, ahead=True, example="2021-02-01"),
            Column("raised_on", "date", required=True, example="2024-01-02"),
            Column(
                "reasons", "codes", choices=tuple(LongTenureFlag.Reason.values), example="contract_expiry"
            ),
            Column("contract_end_date", "date", ahead=True, example="2024-01-31"),
            Column("status", "choice", choices=tuple(LongTenureFlag.Status.values), example="resolved"),
            Column("referred_to", "staff", example=""),
            Column("sleep_until", "date", ahead=True, example=""),
            Column("resolved_on", "date", example="2024-06-30"),
        ),
        key=("unit_ref", "tenancy_start_date", "raised_on"),
    ),
    # Individual decisions and their appeals: no example row, as a decision needs staff usernames.
    Sheet(
        "decisions",
        (
            Column("household_ref", "ref", required=True, max_length=40),
            Column("number", "int", required=True),  # 1, 2, 3… in the household, in order of drafting
            Column("first_name", "text", required=True, max_length=100),
            Column("last_name", "text", required=True, max_length=100),
            Column("status", "choice", required=True, choices=tuple(Decision.Status.values)),
            Column("outcome", "choice", required=True, choices=tuple(Decision.Outcome.values)),
            Column("main_content", "text"),
            Column("period_from", "date", ahead=True),
            Column("period_to", "date", ahead=True),
            Column("assessment", "text"),
            Column("participation", "text"),
            Column("legal_basis", "text"),
            Column("reasons", "text"),
            Column("replaces_number", "int"),
            Column("drafted_by", "staff", required=True),
            Column("approved_by", "staff"),
            Column("approved_on", "date"),
        ),
        key=("household_ref", "number"),
    ),
    Sheet(
        "appeals",
        (
            Column("household_ref", "ref", required=True, max_length=40),
            Column("decision_number", "int", required=True),
            Column("received_on", "date", required=True),
            Column("second_look", "choice", choices=tuple(Appeal.SecondLook.values)),
            Column("second_look_on", "date"),
            Column("forwarded_on", "date"),
            Column("outcome", "choice", choices=tuple(Appeal.Outcome.values)),
            Column("outcome_on", "date"),
            Column("note", "text"),
            Column("recorded_by", "staff"),
        ),
        key=("household_ref", "decision_number", "received_on"),
    ),
)

SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
GUIDE_SHEET = "veiledning"  # the template's guide: the reader passes it by
assert set(StartLoanApplication.Status.values) >= set(STARTLOAN_STATUSES)
