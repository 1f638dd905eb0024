"""The dashboard's figures and data-quality counts, cached per municipality and period until its
records change.

Computing them costs a dozen aggregate queries over the chosen period's rows and those of the same
period a year earlier (about half a second for the largest municipality); the cache key holds the
periods and the municipality's data generation (boveileder.changes), which every write behind the
figures renews, so a cached figure is never older than the data. The timeout only bounds what an
unforeseen raw write could leave stale."""

from datetime import date

from django.core.cache import cache
from django.utils import timezone

from boveileder.changes import data_changed, generation
from boveileder.dates import years_later
from reports import indicators, quality
from reports.periods import Quarter, Year

CACHE_SECONDS = 15 * 60


def dashboard_periods(chosen: Quarter | Year) -> dict[str, tuple[date, date]]:
    """The chosen quarter or year, and the same one a year earlier. A period not over yet runs up to
    today, so a move registered ahead is not counted as done before its day and "let on
    the last day" means let today; last year's then runs up to the same day a year earlier."""
    earlier = chosen.a_year_earlier()
    today = timezone.localdate()
    if chosen.last <= today:
        return {"value": (chosen.first, chosen.last), "last_year": (earlier.first, earlier.last)}
    same_day = min(earlier.last, years_later(today, -1))
    return {"value": (chosen.first, today), "last_year": (earlier.first, same_day)}


def _key(user, periods) -> str:
    # Managers see every household of the municipality; anyone else only what they may see.
    audience = "all" if user.is_manager else f"user-{user.pk}"
    spans = ":".join(f"{first:%Y%m%d}-{last:%Y%m%d}" for first, last in periods.values())
    return f"reports:dashboard:{user.municipality_id}:{generation(user.municipality_id)}:{audience}:{spans}"


def dashboard_figures(user, periods) -> dict:
    """{"computed_at", "figures": {period: {key: value}}, "checks": {check key: count}} for the
    user's municipality, from the cache when its records have not changed since."""
    key = _key(user, periods)
    found = cache.get(key)
    if found is None:
        found = {
            "computed_at": timezone.now(),
            "figures": {
                name: indicators.figures(user.municipality, first, last)
                for name, (first, last) in periods.items()
            },
            "checks": {check.key: check.queryset.count() for check in quality.checks(user)},
        }
        cache.set(key, found, CACHE_SECONDS)
    return found


def dashboard_recompute(user) -> None:
    """Drop the cached figures of the user's municipality (the manager's «compute again»)."""
    data_changed(user.municipality_id)
