"""Which municipality's records changed: a generation token per municipality, for caches of figures
computed from those records (the manager's dashboard).

Any save or delete of a record behind the figures calls `data_changed` (wired in reports/apps.py);
writes that bypass the ORM's signals (bulk imports, the nightly flag job's INSERT … SELECT) call it
themselves. A cache that keeps the generation its figures were computed from then knows when they
are older than the data (reports.dashboard shows such figures only marked as being updated).

The token is bumped at once and again after the transaction commits: a reader that recomputed
between the two, from data not yet committed, cached under a token nobody asks for any more."""

import time
import uuid

from django.core.cache import cache
from django.db import transaction

KEEP_SECONDS = 30 * 24 * 3600
KEY_PATTERN = "boveileder:data-generation:"


def _key(municipality_id) -> str:
    return f"{KEY_PATTERN}{municipality_id}"


def generation(municipality_id) -> str:
    """The current token of `municipality_id`'s records (made on first use)."""
    token = cache.get(_key(municipality_id))
    if token is None:
        cache.add(_key(municipality_id), _token(), KEEP_SECONDS)
        # Still none where the cache cannot be reached: a token of its own, which nothing cached has.
        token = cache.get(_key(municipality_id)) or _token()
    return token


def _token() -> str:
    """A new token: when it was made (whole seconds since the epoch), then a random part."""
    return f"{int(time.time())}-{uuid.uuid4().hex}"


def changed_at(token: str) -> int | None:
    """When `token` was made (seconds since the epoch); None for a token that does not say."""
    made, _sep, _rest = token.partition("-")
    return int(made) if made.isdigit() else None


def _bump(municipality_ids) -> None:
    cache.set_many({_key(m): _token() for m in municipality_ids}, KEEP_SECONDS)


def data_changed(*municipality_ids) -> None:
    """Records of these municipalities changed: figures cached so far are out of date. Many at once
    cost one round trip to the cache (the nightly flag job touches every municipality)."""
    ids = [m for m in municipality_ids if m is not None]
    if not ids:
        return
    _bump(ids)
    transaction.on_commit(lambda: _bump(ids))
