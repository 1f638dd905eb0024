"""Paging, one module for every list of every app.

- `keyset_page`: the next page starts after the last row seen, so page 3 000 costs what page 1 costs
  (no deep OFFSET, no COUNT over the whole table). The lists that grow without bound use it: the
  team view, the units, a household's timeline and its access log.
- `numbered_page`: «page 3 of 7», for lists a user sorts by a computed column or that are short by
  nature (the caseload, staff, the flag queue, the report archive, a figure's records)."""

from django.core.paginator import Page, Paginator
from django.db.models import Q

PAGE_SIZE = 50


def _after(keys, values, descending: bool) -> Q:
    """Rows after (`values`) in `keys` order: k1 > v1, or k1 = v1 and k2 > v2, and so on."""
    beyond = "lt" if descending else "gt"
    found = Q()
    for i, key in enumerate(keys):
        equal = dict(zip(keys[:i], values[:i], strict=True))
        found |= Q(**equal, **{f"{key}__{beyond}": values[i]})
    return found


def keyset_page(queryset, *, keys, after=None, descending=False, size=PAGE_SIZE):
    """Rows after `after` (the last row's values of `keys`, a tuple; or values an expression reads in
    the same query) in `keys` order, the last key unique; returns the rows and the last row shown,
    from which to ask for the next page, or None on the last page."""
    keys = tuple(keys)
    if after is not None:
        after = tuple(after)
        if len(keys) > 1:
            # A bound on the first key alone gives PostgreSQL an index range to start at; the OR
            # alone made it read from the first row on (the last page of units 10× the first).
            queryset = queryset.filter(**{f"{keys[0]}__{'lte' if descending else 'gte'}": after[0]})
        queryset = queryset.filter(_after(keys, after, descending))
    rows = list(queryset.order_by(*(f"-{k}" if descending else k for k in keys))[: size + 1])
    if len(rows) > size:
        return rows[:size], rows[size - 1]
    return rows, None


def numbered_page(request, queryset, *, size=PAGE_SIZE, count: int | None = None) -> Page:
    """Page `?page=N` of `queryset` (a number out of range gives the last page, nonsense the first);
    `count`, when the view has counted already, spares the paginator its own COUNT."""
    paginator = Paginator(queryset, size)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))
