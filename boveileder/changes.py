"""Which municipality's records changed: a generation token per municipality, for caches of figures
computed from those records (the manager's dashboard).

Any save or delete of a record behind the figures calls `data_changed` (wired in reports/apps.py);
writes that bypass the ORM's signals (bulk imports, the nightly flag job's INSERT … SELECT) call it
themselves. A cache keyed on `generation()` then never serves figures older than the data.

The token is bumped at once and again after the transaction commits: a reader that recomputed
between the two, from data not yet committed, cached under a token nobody asks for any more."""

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
        cache.add(_key(municipality_id), uuid.uuid4().hex, KEEP_SECONDS)
        token = cache.get(_key(municipality_id))
    return token


def _bump(municipality_id) -> None:
    cache.set(_key(municipality_id), uuid.uuid4().hex, KEEP_SECONDS)


def data_changed(municipality_id) -> None:
    """Records of `municipality_id` changed: figures cached so far are out of date."""
    if municipality_id is None:
        return
    _bump(municipality_id)
    transaction.on_commit(lambda: _bump(municipality_id))
