"""What cases offers the apps above it. cases names no app above it: housing (or any app that lands)
fills these in from its `AppConfig.ready`, and cases works, with blank facts, when none does.

Pages (`boveileder.extensions.page_section`): `"cases:household"` (the household page, between its
members and its consents; the object is the household), `"cases:startloan"` (a start-up loan
application's page, under its status; the application) and `"cases:decision"` (a decision's page).

Named points (`boveileder.extensions.hook`), each with the function it takes:

- `HOUSEHOLD_FACTS`: `(user, today) -> {fact: expression}`, annotations of a household queryset for
  the caseload, the team view and search, each a correlated subquery so a page stays one query.
  cases shows the facts in `FACT_DEFAULTS`, which stand where nothing is registered.
- `REFERRED`: `(user) -> queryset of household ids` referred to `user` for follow-up (the caseload
  holds them beside the user's own households; the morning reminder lists them).
- `SEARCH`: `(word) -> Q` matching households by something the app keeps (a unit's address).
- `DEADLINES`: `(user, households, today) -> list[Deadline]`, the caseload's and the calendar's.
- `WORKING_NOTES`: `() -> [(model, path to the household, {field: replacement})]`, the free-text notes
  retention anonymises.
"""

from django.db import models

HOUSEHOLD_FACTS = "cases:household_facts"
REFERRED = "cases:referred"
SEARCH = "cases:search"
DEADLINES = "cases:deadlines"
WORKING_NOTES = "cases:working_notes"

FACT_DEFAULTS = {
    "unit_address": models.Value(None, output_field=models.CharField()),
    "tenancy_start": models.Value(None, output_field=models.DateField()),
    "has_open_flag": models.Value(False),
    "flag_referred_to_me": models.Value(False),
}
