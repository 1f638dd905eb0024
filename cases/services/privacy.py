"""Privacy: restricting a household's record (sperring) and the export of everything held about one
person (innsyn), including who looked at the record."""

import base64

from django.db import models, transaction
from django.utils import timezone

from cases.models import Document, Household, Person, RecordView, TimelineEvent
from cases.services.timeline import record_view_log, timeline_record
from cases.timeline import TimelineKind

# Relations an innsyn export follows from the household and the person (reverse foreign keys), to
# this depth: a follow-up (1), a tenancy's flags (2), a flag's decisions (3).
_DEPTH = 3
# Rows shown elsewhere in the export, or not about the person.
_SKIPPED = {"cases.person", "cases.recordview", "cases.document"}


@transaction.atomic
def household_restriction_set(*, household: Household, restricted: bool, by) -> Household:
    """Restrict (sperre) a household to managers and its own counsellor, or lift the restriction."""
    if household.restricted == restricted:
        return household
    household.restricted = restricted
    household.save(update_fields=["restricted"])
    timeline_record(
        household=household,
        kind=TimelineKind.RESTRICTED if restricted else TimelineKind.RESTRICTION_LIFTED,
        on=timezone.localdate(),
        by=by,
    )
    return household


class _Rows:
    """Rows as plain dicts; a related object's name is looked up once per export, not once per row."""

    def __init__(self):
        self.names: dict = {}
        self.seen: set = set()

    def name_of(self, field, obj):
        key = (field.related_model, getattr(obj, field.attname))
        if key not in self.names:
            self.names[key] = str(getattr(obj, field.name))
        return self.names[key]

    def value(self, field, obj):
        value = getattr(obj, field.attname)
        if value is None:
            return None
        if field.is_relation:
            return self.name_of(field, obj)
        if field.choices:
            return str(getattr(obj, f"get_{field.name}_display")())
        if isinstance(value, (int, float, bool, str, list, dict)):
            return value
        return str(value)

    def row(self, obj) -> dict:
        row = {"id": obj.pk}
        for field in obj._meta.concrete_fields:
            if field.primary_key or field.name == "municipality":
                continue
            row[str(field.verbose_name)] = self.value(field, obj)
        if isinstance(obj, TimelineEvent):  # what happened, worded for the reader of the export
            row["text"] = obj.text
        return row

    def related(self, obj, depth: int) -> dict:
        """Every row pointing at `obj` (reverse foreign keys), and the rows pointing at those."""
        found: dict[str, list] = {}
        if depth == 0:
            return found
        for relation in obj._meta.related_objects:
            if not (relation.one_to_many or relation.one_to_one):
                continue
            model = relation.related_model
            label = model._meta.label_lower
            if label in _SKIPPED or label.split(".")[1].startswith("historical"):
                continue
            for child in model._default_manager.filter(**{relation.field.name: obj}):
                if (label, child.pk) in self.seen:
                    continue
                self.seen.add((label, child.pk))
                row = self.row(child)
                nested = self.related(child, depth - 1)
                if nested:
                    row["related"] = nested
                found.setdefault(str(model._meta.verbose_name_plural), []).append(row)
        return found

    def history(self, model: type[models.Model], pk: int) -> list[dict]:
        rows = model.history.filter(id=pk).order_by("history_date").select_related("history_user")
        return [
            {
                "when": row.history_date.isoformat(),
                "by": str(row.history_user) if row.history_user else None,
                "change": row.get_history_type_display(),
                "values": self.row(row.instance),
            }
            for row in rows
        ]


def _document(document: Document) -> dict:
    """A document of the household, its file included (base64), so the person gets the paper itself."""
    try:
        with document.file.open("rb") as handle:
            content = base64.b64encode(handle.read()).decode("ascii")
    except FileNotFoundError:  # a file lost on disk: the export says so rather than failing
        content = None
    return {
        "name": document.download_name,
        "kind": document.kind_label,
        "size_bytes": document.size,
        "uploaded_at": document.uploaded_at.isoformat(),
        "uploaded_by": str(document.uploaded_by) if document.uploaded_by_id else None,
        "start_up_loan_application": document.startloan_id,
        "decision": document.decision_id,
        "sha256": document.sha256,
        "content_base64": content,
    }


def person_innsyn_export(*, person: Person, by) -> dict:
    """Everything held about one person: their record and its history, their household's records,
    and who looked at them. The export itself is logged as a look at the record."""
    household = person.household
    rows = _Rows()
    export = {
        "exported_at": timezone.now().isoformat(),
        "exported_by": str(by),
        "municipality": str(household.municipality),
        "person": rows.row(person),
        "person_history": rows.history(Person, person.pk),
        "household": rows.row(household),
        "household_history": rows.history(Household, household.pk),
        # Other members by name and role only: their own details are theirs to ask for.
        "other_members": [
            {
                "name": str(member),
                "role": member.get_household_role_display(),
                "birth_date": member.birth_date.isoformat() if member.birth_date else None,
            }
            for member in household.members.exclude(pk=person.pk)
        ],
        "records_about_the_person": rows.related(person, _DEPTH),
        "records_about_the_household": rows.related(household, _DEPTH),
        "documents": [_document(document) for document in household.documents.select_related("uploaded_by")],
        "who_looked": [
            {
                "when": view.viewed_at.isoformat(),
                "who": str(view.user),
                "what": view.what,
                "person": str(view.person) if view.person_id else None,
            }
            for view in RecordView.objects.filter(household=household)
            .filter(models.Q(person__isnull=True) | models.Q(person=person))
            .select_related("user", "person")
            .order_by("viewed_at")
        ],
    }
    record_view_log(user=by, household=household, person=person, what="innsyn export")
    return export
