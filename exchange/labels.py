"""What the screens and the template call each sheet and column: the file keeps its stable keys
(`schema.SHEETS`), a person reads these names, and the template's guide sheet explains each one."""

from django.utils.translation import gettext_lazy as _

from cases.models import Appeal, Decision, FollowUp, Household, PartnerAgency, StartLoanApplication
from housing.models import LongTenureFlag, MoveOutReason

from .schema import SHEETS_BY_NAME

SHEET_LABELS = {
    "households": _("Households"),
    "persons": _("Persons"),
    "units": _("Rental units"),
    "tenancies": _("Tenancies"),
    "startloans": _("Start-up loan applications"),
    "followups": _("Follow-ups"),
    "consents": _("Consents"),
    "flags": _("Long-tenure flags"),
    "decisions": _("Individual decisions"),
    "appeals": _("Appeals"),
}

# Column key -> (name, what it holds). A key means the same in every sheet it appears in.
COLUMN_LABELS = {
    "household_ref": (
        _("Household reference"),
        _("The household's reference, unique in the municipality; the other sheets point to it."),
    ),
    "enrolled_on": (_("Enrolled on"), _("The day the service began to follow the household up.")),
    "counsellor": (
        _("Counsellor"),
        _("The username in Boveileder of the staff member; empty when there is none."),
    ),
    "notes": (_("Notes"), _("Free text about the household.")),
    "housing_at_start": (_("Housing at the start"), _("Where the household lived when the help began.")),
    "first_name": (_("First name"), _("The person's first name.")),
    "last_name": (_("Last name"), _("The person's last name.")),
    "birth_date": (_("Birth date"), _("Empty when unknown; a person without one counts as an adult.")),
    "national_id": (
        _("National ID number"),
        _("11 digits, or empty. Never shown in messages; left out of exports unless asked for."),
    ),
    "phone": (_("Phone"), _("The person's phone number.")),
    "left_on": (_("Left the household on"), _("Empty while the person belongs to the household.")),
    "unit_ref": (
        _("Unit reference"),
        _("The unit's reference, unique in the municipality; the tenancies point to it."),
    ),
    "address": (_("Address"), _("Street address of the unit.")),
    "postcode": (_("Postcode"), _("Four digits.")),
    "city": (_("City"), _("The postal town.")),
    "rooms": (_("Rooms"), _("Number of rooms.")),
    "area_m2": (_("Area (m²)"), _("Usable area in square metres, one decimal.")),
    "monthly_rent_nok": (_("Monthly rent (kr)"), _("Whole kroner.")),
    "kobo_id": (_("Kobo id"), _("The unit's id in Kobo, if the municipality uses it.")),
    "bruksenhetsnummer": (_("Bruksenhetsnummer"), _("From the matrikkel, e.g. H0101.")),
    "start_date": (_("Moved in on"), _("The first day of the tenancy.")),
    "contract_end_date": (_("Contract ends on"), _("Empty for a lease without an end date.")),
    "moved_out_on": (_("Moved out on"), _("Empty while the household lives there.")),
    "move_out_reason": (_("Reason for moving out"), _("Required when there is a move-out date.")),
    "received_on": (_("Received on"), _("The day the application came in.")),
    "status": (_("Status"), _("Where the application stands.")),
    "decided_on": (_("Decided on"), _("The day of the decision, for a decided application.")),
    "loan_amount_nok": (_("Loan amount (kr)"), _("Whole kroner.")),
    "grant_amount_nok": (_("Grant amount (kr)"), _("Whole kroner.")),
    "purchase_price_nok": (_("Purchase price (kr)"), _("Whole kroner.")),
    "startskudd_ref": (_("Case number in Startskudd"), _("As in Startskudd.")),
    "date": (_("Date"), _("The day of the follow-up.")),
    "kind": (_("Kind"), _("How the follow-up took place.")),
    "minutes": (_("Minutes"), _("How long it took, in whole minutes.")),
    "note": (_("Note"), _("What was done or agreed.")),
    "agency": (
        _("Partner agency"),
        _("The partner agency's name; one the municipality does not have yet is added."),
    ),
    "agency_kind": (_("Kind of agency"), _("For an agency that is added; empty is «other».")),
    "purpose": (_("What may be shared, and why"), _("As the consent says.")),
    "given_on": (_("Given on"), _("The day the consent was given.")),
    "valid_until": (_("Valid until"), _("Empty when the consent has no end date.")),
    "withdrawn_on": (_("Withdrawn on"), _("Empty while the consent is not withdrawn.")),
    "given_by_first_name": (
        _("Given by (first name)"),
        _("The member of the household who gave it; empty for the household as a whole."),
    ),
    "given_by_last_name": (_("Given by (last name)"), _("As in the persons sheet.")),
    "recorded_by": (_("Recorded by"), _("The username in Boveileder of the staff member who recorded it.")),
    "tenancy_start_date": (
        _("Tenancy moved in on"),
        _("With the unit reference, the tenancy the flag is about."),
    ),
    "raised_on": (_("Raised on"), _("The day the flag was raised.")),
    "reasons": (_("Reasons"), _("Why it was raised.")),
    "referred_to": (_("Referred to"), _("The username in Boveileder of the counsellor it was referred to.")),
    "sleep_until": (_("Look again on"), _("When it was not realistic: the day to look at it again.")),
    "number": (
        _("Decision number"),
        _("1, 2, 3… for the household's decisions in the order they were drafted; appeals use it."),
    ),
    "main_content": (_("Main content of the help"), _("What the household is given.")),
    "period_from": (_("Period from"), _("The first day of the help.")),
    "period_to": (_("Period to"), _("The last day of the help; empty when open-ended.")),
    "assessment": (_("Assessment"), _("The household's situation, wishes and goals.")),
    "participation": (_("Participation"), _("How the household took part, and what it said.")),
    "legal_basis": (_("Legal basis"), _("The rules the decision rests on.")),
    "replaces_number": (_("Replaces decision number"), _("The earlier decision this one replaces, if any.")),
    "drafted_by": (_("Drafted by"), _("The username in Boveileder of the staff member who drafted it.")),
    "approved_by": (
        _("Approved by"),
        _("The username in Boveileder of the one who approved it; never the one who drafted it."),
    ),
    "approved_on": (_("Approved on"), _("The day of the decision; an appeal is due within three weeks.")),
    "decision_number": (
        _("Decision number"),
        _("The number of the appealed decision in the decisions sheet."),
    ),
    "second_look": (_("The municipality's second look"), _("What the municipality did with the appeal.")),
    "second_look_on": (_("Second look on"), _("The day of the second look.")),
    "forwarded_on": (_("Forwarded on"), _("The day it was sent to Statsforvalteren.")),
    "outcome_on": (_("Outcome on"), _("The day of Statsforvalteren's outcome.")),
    "outcome": (_("Outcome"), _("The result.")),
    "resolved_on": (
        _("Resolved on"),
        _("Empty while the flag is open; a tenancy has at most one open flag."),
    ),
}

# The codes of a choice column and what each means.
CODES = {
    "housing_at_start": Household.HousingAtStart,
    "move_out_reason": MoveOutReason,
    "status": StartLoanApplication.Status,
    "kind": FollowUp.Kind,
    "agency_kind": PartnerAgency.Kind,
    "reasons": LongTenureFlag.Reason,
}
# A column key whose codes differ between sheets.
SHEET_CODES = {
    ("flags", "status"): LongTenureFlag.Status,
    ("decisions", "status"): Decision.Status,
    ("decisions", "outcome"): Decision.Outcome,
    ("appeals", "second_look"): Appeal.SecondLook,
    ("appeals", "outcome"): Appeal.Outcome,
}
SHEET_COLUMN_LABELS = {
    ("flags", "status"): (_("Status"), _("Where the conversation about the next step stands.")),
    ("flags", "contract_end_date"): (_("Contract ends on"), _("The contract end the flag was raised for.")),
    ("decisions", "status"): (_("Status"), _("Draft, awaiting approval or approved.")),
    ("decisions", "outcome"): (_("Outcome"), _("Help granted or refused.")),
    ("decisions", "first_name"): (
        _("Addressed to (first name)"),
        _("The member of the household it is addressed to."),
    ),
    ("decisions", "last_name"): (_("Addressed to (last name)"), _("As in the persons sheet.")),
    ("decisions", "reasons"): (_("Reasons"), _("Why the decision is as it is.")),
    ("appeals", "received_on"): (
        _("Received on"),
        _("The day the appeal came in; within three weeks or not is computed."),
    ),
    ("appeals", "outcome"): (_("Outcome at Statsforvalteren"), _("Statsforvalteren's result.")),
    ("appeals", "note"): (_("Note"), _("Free text about the appeal.")),
}


def column_text(sheet: str, name: str) -> tuple:
    """(name, what it holds) of a column in a sheet."""
    return SHEET_COLUMN_LABELS.get((sheet, name)) or COLUMN_LABELS[name]


def sheet_label(name: str) -> str:
    return str(SHEET_LABELS.get(name, name))


def column_label(name: str, sheet: str = "") -> str:
    """A column's name in a sheet; a list of keys («household_ref, date») names each."""
    return ", ".join(str(column_text(sheet, k)[0]) if k in COLUMN_LABELS else k for k in name.split(", "))


def kind_format(column) -> str:
    """How a value of the column is written."""
    if column.kind == "date":
        if column.ahead:
            return str(_("Date: YYYY-MM-DD or DD.MM.YYYY"))
        return str(_("Date: YYYY-MM-DD or DD.MM.YYYY, not after today"))
    formats = {
        "ref": _("Text, at most %(n)s characters"),
        "text": _("Text, at most %(n)s characters") if column.max_length else _("Text, line breaks allowed"),
        "int": _("Whole number"),
        "decimal": _("Number"),
        "choice": _("One of the codes"),
        "codes": _("Codes, separated by commas"),
        "staff": _("Username"),
        "national_id": _("11 digits"),
        "postcode": _("Four digits"),
    }
    text = str(formats[column.kind])
    return text % {"n": column.max_length} if "%(n)s" in text else text


def codes(column, sheet: str = "") -> list[tuple[str, str]]:
    """(code, meaning) for a choice column, in the file's order of codes."""
    if column.kind not in ("choice", "codes"):
        return []
    choices = SHEET_CODES.get((sheet, column.name)) or CODES.get(column.name)
    labels = dict(choices.choices) if choices else {}
    return [(code, str(labels.get(code, code))) for code in column.choices]


def guide_rows() -> list[list]:
    """The template's guide sheet: every sheet and column, its Norwegian name, format and codes."""
    rows = [
        [
            str(_("Sheet")),
            str(_("Sheet (name)")),
            str(_("Column")),
            str(_("Column (name)")),
            str(_("Required")),
            str(_("Format")),
            str(_("What it holds")),
            str(_("Codes")),
        ]
    ]
    for name, sheet in SHEETS_BY_NAME.items():
        for column in sheet.columns:
            label, help_text = column_text(name, column.name)
            if column.required:
                required = _("Yes, in every row")
            elif column.optional:
                required = _("No; the column may be left out")
            else:
                required = _("No")
            rows.append(
                [
                    name,
                    sheet_label(name),
                    column.name,
                    str(label),
                    str(required),
                    kind_format(column),
                    str(help_text),
                    "; ".join(f"{code} = {meaning}" for code, meaning in codes(column, name)),
                ]
            )
    rows.append([])
    rows.append(
        [
            str(
                _(
                    "Keep the sheet names and the column keys in the first row as they are. An empty cell "
                    "is unknown. Rows are matched by their key, so importing the same file again changes "
                    "nothing. This guide sheet is not imported."
                )
            )
        ]
    )
    return rows
