"""Aggregates Django does not offer on every database the project runs on."""

from django.db.models import Aggregate, JSONField


class JSONList(Aggregate):
    """The aggregated values as one JSON list (NULL over no rows), on PostgreSQL and SQLite alike."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)
