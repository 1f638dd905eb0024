"""The data-quality panel: records that would distort the figures, to fix during the quarter."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import FollowUp, Household, Person
from housing.models import MoveOutReason, Tenancy

LIMIT = 25


@dataclass
class Check:
    key: str
    title: str
    why: str
    queryset: QuerySet
    household_path: str


def checks(user) -> list[Check]:
    """Every check for the user's municipality, on the households the user may see."""
    visible = Household.objects.visible_to(user)
    followed_up_by_move_out = FollowUp.objects.filter(
        household_id=OuterRef("household_id"), date__lte=OuterRef("moved_out_on")
    )
    members = Person.objects.filter(household_id=OuterRef("pk"), left_on__isnull=True)
    return [
        Check(
            "members_without_birth_date",
            _("Members without a birth date"),
            _("They count as adults, so the children in the report may be too few."),
            Person.objects.members()
            .filter(birth_date__isnull=True, household__in=visible)
            .select_related("household")
            .order_by("household__reference", "pk"),
            "household",
        ),
        Check(
            "move_outs_without_followup",
            _("Move-outs without a follow-up before them"),
            _(
                "Move-outs without a reason cannot be saved. A move-out counts as an exit only when the "
                "household had a follow-up on or before the move-out date: these do not."
            ),
            Tenancy.objects.filter(household__in=visible, moved_out_on__isnull=False)
            .exclude(move_out_reason=MoveOutReason.TRANSFER)
            .filter(~Exists(followed_up_by_move_out))
            .select_related("household", "unit")
            .order_by("-moved_out_on", "pk"),
            "household",
        ),
        Check(
            "followups_without_minutes",
            _("Follow-ups without minutes"),
            _("They count as follow-ups but add no hours."),
            FollowUp.objects.filter(minutes__isnull=True, household__in=visible)
            .select_related("household")
            .order_by("-date", "pk"),
            "household",
        ),
        Check(
            "tenancies_without_contract_end",
            _("Running tenancies without a contract end date"),
            _("No flag is raised before an unknown contract end."),
            Tenancy.objects.active()
            .filter(contract_end_date__isnull=True, household__in=visible)
            .select_related("household", "unit")
            .order_by("start_date", "pk"),
            "household",
        ),
        Check(
            "households_without_members",
            _("Open households with no members"),
            _("They count as assisted households with no persons."),
            visible.open().filter(~Exists(members)).order_by("reference"),
            "",
        ),
    ]
