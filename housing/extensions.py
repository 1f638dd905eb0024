"""What housing gives cases' pages through the points cases offers (`cases.extensions`), registered
in `HousingConfig.ready`: the caseload's unit and flags, the flags referred to a counsellor, search by
a unit's address, the household page's tenancies, the start-up loan's move-out, the notes retention
anonymises."""

from django.db import models
from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import Coalesce

from cases import extensions as points
from housing.models import FlagDecision, LongTenureFlag, Tenancy, TenancyRenewal


def exists_per_row(queryset):
    """EXISTS as a scalar subquery: PostgreSQL may hash an EXISTS in the select list over every row of
    the country (about 290 ms for the Oslo caseload at national scale); this probes each row's own."""
    hit = queryset.annotate(hit=models.Value(True)).values("hit")[:1]
    return Coalesce(models.Subquery(hit), models.Value(False))


def _referred_flags(user):
    return LongTenureFlag.objects.unresolved().filter(status=LongTenureFlag.Status.REFERRED, referred_to=user)


def household_facts(user, today):
    """The current unit (let today by the dates: a planned move-out keeps it, a planned move-in is
    not it yet) and its move-in date; an open long-tenure flag, and whether one is referred to `user`."""
    household = models.OuterRef("pk")
    current = Tenancy.objects.running_on(today).filter(household=household).order_by("-start_date")
    return {
        "unit_address": models.Subquery(current.values("unit__address")[:1]),
        "tenancy_start": models.Subquery(current.values("start_date")[:1]),
        "has_open_flag": exists_per_row(
            LongTenureFlag.objects.unresolved().filter(tenancy__household=household)
        ),
        "flag_referred_to_me": exists_per_row(_referred_flags(user).filter(tenancy__household=household)),
    }


def referred_households(user):
    """Households with an unresolved long-tenure flag that a tenancy officer referred to `user`."""
    return _referred_flags(user).values("tenancy__household_id")


def search_by_address(word):
    """Households that live or lived in a unit whose address holds `word`."""
    return Q(
        models.Exists(Tenancy.objects.filter(household=models.OuterRef("pk"), unit__address__icontains=word))
    )


def working_notes():
    return [
        (Tenancy, "household", {"move_out_note": ""}),
        (TenancyRenewal, "tenancy__household", {"note": ""}),
        (FlagDecision, "flag__tenancy__household", {"note": ""}),
    ]


def household_tenancies(request, household):
    """The household page's tenancies, each with its open flag (at most one per tenancy, a constraint,
    so the join adds no rows): one query."""
    tenancies = (
        Tenancy.objects.filter(household=household)
        .select_related("unit")
        .annotate(open_flag=FilteredRelation("flags", condition=Q(flags__resolved_on__isnull=True)))
        .annotate(open_flag_status=F("open_flag__status"), open_flag_referred_to=F("open_flag__referred_to"))
    )
    return {"tenancies": tenancies}


def startloan_move_out(request, application):
    """A disbursed loan's purchase: the move-out from the municipal unit, or the way to register it."""
    if application.status != application.Status.DISBURSED:
        return None
    return {
        "application": application,
        "ended_tenancy": Tenancy.objects.filter(startloan=application).first(),
    }


def register():
    """Called from `HousingConfig.ready`."""
    from boveileder.extensions import hook, page_section

    hook(points.HOUSEHOLD_FACTS, household_facts)
    hook(points.REFERRED, referred_households)
    hook(points.SEARCH, search_by_address)
    hook(points.WORKING_NOTES, working_notes)
    page_section("cases:household", template="housing/household/_tenancies.html", context=household_tenancies)
    page_section("cases:startloan", template="housing/startloans/_purchase.html", context=startloan_move_out)
