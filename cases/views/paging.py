"""Keyset pagination: the next page starts after the last key seen, so page 3 000 costs what page 1
costs (no deep OFFSET, no COUNT over the whole table)."""

PAGE_SIZE = 50


def keyset_page(queryset, *, key: str, after=None, descending=False, size=PAGE_SIZE):
    """Rows after `after` in `key` order (`key` must be unique within the queryset); returns the
    rows and the key to ask for the next page with, or None on the last page."""
    if after not in (None, ""):
        queryset = queryset.filter(**{f"{key}__{'lt' if descending else 'gt'}": after})
    rows = list(queryset.order_by(f"-{key}" if descending else key)[: size + 1])
    if len(rows) > size:
        rows = rows[:size]
        return rows, getattr(rows[-1], key)
    return rows, None
