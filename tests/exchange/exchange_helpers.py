"""Building files in the exchange format for the tests: a valid small history, and ways to break it."""

import copy

from exchange.export import to_xlsx, to_zip
from exchange.schema import SHEETS

# A small, valid history: two households, three persons (one a child), two units, a tenancy that
# ended in a purchase, a running one, a disbursed start-up loan and three follow-ups.
VALID = {
    "households": [
        {"household_ref": "H-1", "enrolled_on": "2024-01-15", "counsellor": "kari", "notes": "Vil kjøpe"},
        {"household_ref": "H-2", "enrolled_on": "15.02.2024", "counsellor": "", "notes": ""},
    ],
    "persons": [
        {
            "household_ref": "H-1",
            "first_name": "Kari",
            "last_name": "Nordmann",
            "birth_date": "1985-03-12",
            "national_id": "12096342568",
            "phone": "+47 912 34 567",
        },
        {
            "household_ref": "H-1",
            "first_name": "Emil",
            "last_name": "Nordmann",
            "birth_date": "2015-06-01",
            "national_id": "",
            "phone": "",
        },
        {
            "household_ref": "H-2",
            "first_name": "Ali",
            "last_name": "Hassan",
            "birth_date": "",
            "national_id": "",
            "phone": "",
        },
    ],
    "units": [
        {
            "unit_ref": "U-1",
            "address": "Storgata 1",
            "postcode": "6002",
            "city": "Ålesund",
            "rooms": "3",
            "area_m2": "64,5",
            "monthly_rent_nok": "9 500",
        },
        {
            "unit_ref": "U-2",
            "address": "Kirkegata 2",
            "postcode": "6003",
            "city": "Ålesund",
            "rooms": "",
            "area_m2": "",
            "monthly_rent_nok": "",
        },
    ],
    "tenancies": [
        {
            "unit_ref": "U-1",
            "household_ref": "H-1",
            "start_date": "2021-02-01",
            "contract_end_date": "2024-01-31",
            "moved_out_on": "2024-06-30",
            "move_out_reason": "bought",
        },
        {
            "unit_ref": "U-1",
            "household_ref": "H-2",
            "start_date": "2024-08-01",
            "contract_end_date": "",
            "moved_out_on": "",
            "move_out_reason": "",
        },
    ],
    "startloans": [
        {
            "household_ref": "H-1",
            "received_on": "2024-03-01",
            "status": "disbursed",
            "decided_on": "2024-04-10",
            "loan_amount_nok": "2800000",
            "grant_amount_nok": "150000",
            "purchase_price_nok": "3200000",
        },
    ],
    "followups": [
        {
            "household_ref": "H-1",
            "date": "2024-02-20",
            "kind": "home_visit",
            "minutes": "60",
            "counsellor": "kari",
            "note": "Budsjett",
        },
        {
            "household_ref": "H-1",
            "date": "2024-03-05",
            "kind": "accompaniment",
            "minutes": "90",
            "counsellor": "",
            "note": "",
        },
        {
            "household_ref": "H-2",
            "date": "2024-09-01",
            "kind": "phone",
            "minutes": "",
            "counsellor": "",
            "note": "=1+1",
        },
    ],
}


def data(**changes):
    """A copy of VALID; `sheet=[(index, {column: value}), ...]` changes cells, a dict row appends."""
    result = copy.deepcopy(VALID)
    for sheet, edits in changes.items():
        for edit in edits:
            if isinstance(edit, dict):
                result.setdefault(sheet, []).append(edit)
            else:
                index, cells = edit
                result[sheet][index].update(cells)
    return result


def rows_of(sheets: dict, drop_columns=()) -> dict[str, list[list]]:
    out = {}
    for sheet in SHEETS:
        if sheet.name not in sheets:
            continue
        rows = sheets[sheet.name]
        columns = [c.name for c in sheet.columns if any(c.name in r for r in rows) or not c.optional]
        columns = [c for c in columns if (sheet.name, c) not in drop_columns]
        out[sheet.name] = [columns] + [[r.get(c, "") for c in columns] for r in rows]
    return out


def xlsx(sheets=None, drop_columns=()) -> bytes:
    return to_xlsx(rows_of(sheets or VALID, drop_columns))


def zipped(sheets=None) -> bytes:
    return to_zip(rows_of(sheets or VALID))
