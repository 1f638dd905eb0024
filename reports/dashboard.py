"""The dashboard's figures and data-quality counts, cached per municipality and period with the
municipality's data generation (boveileder.changes) they were computed from, which every write
behind the figures renews, and computed again in the background right after a change
(`dashboard_refresh`, queued by reports.signals and by a visit that finds them out of date).

Computing them costs a dozen aggregate queries over the chosen period's rows and those of the same
period a year earlier (about a quarter of a second for the largest municipality). A manager's view
of this quarter, the one the background computes, is shown from the last computation while the
background computes it again, marked as being updated, for at most STALE_AT_MOST_SECONDS after the
change; every other view, and that one past the limit or without a background worker (the
in-process development set-up), is computed on the spot when its records have changed. The timeout
only bounds what an unforeseen raw write could leave stale."""

import contextlib
import time
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from boveileder.changes import changed_at, data_changed, generation
from boveileder.dates import years_later
from reports import selectors
from reports.periods import Quarter, Year

CACHE_SECONDS = 15 * 60
# Changes within this many seconds of one another share one background recompute.
REFRESH_AFTER_SECONDS = 1
# How long after a change the managers' view may still show the figures from before it, marked as
# being updated, while the background computes them again.
STALE_AT_MOST_SECONDS = 60


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


def managers_view_periods() -> dict[str, tuple[date, date]]:
    """The periods of the view the background computes after a change: this quarter, a year earlier."""
    return dashboard_periods(Quarter.containing(timezone.localdate()))


def _key(user, periods) -> str:
    # Managers see every household of the municipality; anyone else only what they may see.
    audience = "all" if user.is_manager else f"user-{user.pk}"
    spans = ":".join(f"{first:%Y%m%d}-{last:%Y%m%d}" for first, last in periods.values())
    return f"reports:dashboard:{user.municipality_id}:{audience}:{spans}"


def _may_show_while_updating(user, periods, now_generation) -> bool:
    """The view the background computes after a change (a manager's, this quarter), changed at most
    STALE_AT_MOST_SECONDS ago, where a background worker computes it: then a recompute is queued."""
    if not user.is_manager or settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    if periods != managers_view_periods():
        return False
    changed = changed_at(now_generation)
    if changed is None or time.time() - changed > STALE_AT_MOST_SECONDS:
        return False
    dashboard_refresh_soon(user.municipality_id)
    return True


def dashboard_figures(user, periods, *, computing=False) -> dict:
    """{"computed_at", "figures": {period: {key: value}}, "checks": {check key: count}, "updating"}
    for the user's municipality: from the cache when its records have not changed since; right
    after a change, the managers' view of this quarter from before it, "updating" (see the module's
    docstring), unless `computing` (the background's own call)."""
    key = _key(user, periods)
    now_generation = generation(user.municipality_id)
    found = cache.get(key)
    if found is not None and found["generation"] == now_generation:
        return found
    if found is not None and not computing and _may_show_while_updating(user, periods, now_generation):
        return {**found, "updating": True}
    found = {
        "generation": now_generation,
        "computed_at": timezone.now(),
        "figures": {
            name: selectors.figures(user.municipality, first, last) for name, (first, last) in periods.items()
        },
        "checks": {check.key: check.queryset.count() for check in selectors.quality_checks(user)},
        "updating": False,
    }
    cache.set(key, found, CACHE_SECONDS)
    return found


def dashboard_recompute(user, periods) -> None:
    """The manager's «compute again»: every cached view of the municipality out of date, and the
    one on screen computed now."""
    data_changed(user.municipality_id)
    dashboard_figures(user, periods, computing=True)


def dashboard_refresh(municipality_id) -> bool:
    """Compute the municipality's managers' default view (this quarter, a year earlier, the checks)
    into the cache for its current data generation. False when it has no manager."""
    from boveileder.models import User

    manager = (
        User.objects.filter(municipality_id=municipality_id, is_manager=True, is_active=True)
        .select_related("municipality")
        .order_by("pk")
        .first()
    )
    if manager is None:
        return False
    dashboard_figures(manager, managers_view_periods(), computing=True)
    return True


def dashboard_refresh_soon(municipality_id) -> None:
    """After the current transaction commits, queue one background recompute for the municipality
    (a burst of changes shares one). Not where tasks run in-process (no broker: development and the
    SQLite tests), where it would hold up the write it follows."""
    if municipality_id is None or settings.CELERY_TASK_ALWAYS_EAGER:
        return

    def queue():
        from kombu.exceptions import OperationalError

        from reports.tasks import dashboard_refresh as task

        if cache.add(f"reports:dashboard-refresh:{municipality_id}", 1, REFRESH_AFTER_SECONDS):
            with contextlib.suppress(OperationalError):  # no broker: the next visit computes them
                task.apply_async(args=[municipality_id], countdown=REFRESH_AFTER_SECONDS)

    transaction.on_commit(queue)
