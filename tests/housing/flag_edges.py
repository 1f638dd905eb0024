"""Hand-made tenancies on the edges of the long-tenure rule, shared by the SQLite and the worker tests."""

from datetime import date

from housing.models import LongTenureFlag
from tests.factories import TenancyFactory

AS_OF = date(2026, 3, 1)  # threshold 3 years → started on or before 01.03.2023; window 6 months → 01.09.2026
TENURE, EXPIRY = LongTenureFlag.Reason.TENURE, LongTenureFlag.Reason.CONTRACT_EXPIRY


def tenancy(municipality, start, end=None, **kw):
    return TenancyFactory(household__municipality=municipality, start_date=start, contract_end_date=end, **kw)


def moved_out(municipality, start, on):
    return tenancy(municipality, start, None, moved_out_on=on, move_out_reason="bought")


def make_edges(m):
    """Tenancies named by their edge; on AS_OF six are due (one of them already flagged)."""
    return {
        "exactly_three_years": tenancy(m, date(2023, 3, 1), date(2029, 1, 1)),
        "one_day_short": tenancy(m, date(2023, 3, 2), date(2027, 1, 1)),
        "ends_at_window_edge": tenancy(m, date(2024, 1, 1), date(2026, 9, 1)),
        "ends_day_after_edge": tenancy(m, date(2024, 1, 1), date(2026, 9, 2)),
        "expired": tenancy(m, date(2024, 1, 1), date(2025, 12, 31)),
        "both": tenancy(m, date(2020, 1, 1), date(2026, 6, 1)),
        "no_contract_end": tenancy(m, date(2019, 5, 5)),
        "ended": moved_out(m, date(2019, 1, 1), date(2026, 2, 1)),
        "moves_out_on_as_of": moved_out(m, date(2019, 1, 1), AS_OF),
        "not_yet_started": tenancy(m, date(2026, 4, 1), date(2026, 5, 1)),
        "already_flagged": tenancy(m, date(2019, 1, 1)),
    }


EXPECTED = {
    "exactly_three_years": [TENURE],
    "ends_at_window_edge": [EXPIRY],
    "expired": [EXPIRY],
    "both": [TENURE, EXPIRY],
    "no_contract_end": [TENURE],
}
