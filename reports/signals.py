"""The records behind the figures: a save or delete of any of them marks its municipality's data
as changed, so the dashboard's cached figures are recomputed (boveileder.changes), in the
background right after the change (reports.dashboard.dashboard_refresh_soon)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save

from boveileder.changes import data_changed
from cases.models import Appeal, Decision, FollowUp, Household, Person, StartLoanApplication
from housing.models import LongTenureFlag, Tenancy
from reports.dashboard import dashboard_refresh_soon

# Every model a source of reports.indicators or a data-quality check (reports.selectors) reads.
FIGURE_MODELS = (Household, Person, FollowUp, Tenancy, StartLoanApplication, LongTenureFlag, Decision, Appeal)


def municipality_of(instance):
    """The municipality of a record, through its household (and decision) when it has none itself;
    a relation already loaded costs no query."""
    owner = instance
    for relation in ("decision", "household"):
        if hasattr(owner, "municipality_id"):
            break
        if hasattr(owner, f"{relation}_id"):
            try:
                owner = getattr(owner, relation)
            except ObjectDoesNotExist:  # deleted along with its owner, whose own signal tells
                return None
    return owner.municipality_id


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    municipality_id = municipality_of(instance)
    data_changed(municipality_id)
    dashboard_refresh_soon(municipality_id)


def connect():
    for model in FIGURE_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-changed-save-{model._meta.label}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"figures-changed-delete-{model._meta.label}"
        )
