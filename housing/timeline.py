"""Housing's kinds of event on the household timeline (`cases.timeline`), registered from
`HousingConfig.ready`, so cases words them without knowing housing."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from cases.timeline import Choice, Day, EventKind, kind_register
from housing.models import LongTenureFlag, MoveOutReason

FlagDecision = LongTenureFlag.Decision


class HousingKind(StrEnum):
    """The kinds of event housing writes on a household's timeline."""

    TENANCY_STARTED = "tenancy_started"
    TENANCY_START_PLANNED = "tenancy_start_planned"
    TENANCY_ENDED = "tenancy_ended"
    TENANCY_END_PLANNED = "tenancy_end_planned"
    TENANCY_END_CANCELLED = "tenancy_end_cancelled"
    TENANCY_RENEWED = "tenancy_renewed"
    FLAG_DECIDED = "flag_decided"
    FLAG_RESOLVED = "flag_resolved"


# What an officer's decision on a flag says the next step is; `name` is the counsellor referred to.
FLAG_DECIDED = {
    FlagDecision.REFERRED: _("Next step: a conversation with %(name)s, housing counsellor"),
    FlagDecision.STARTLOAN_ENCOURAGED: _("Next step: talked about applying for a start-up loan"),
    FlagDecision.CONTRACT_RENEWED: _("Next step: the contract was renewed until %(date)s"),
    FlagDecision.SLEEPING: _("Next step: not realistic now; we look at it again on %(date)s"),
    FlagDecision.RESOLVED: _("Next step: the conversation about moving on is closed for now"),
}
RENEWED_UNDATED = _("Next step: the contract was renewed")


def _flag_decided(params: dict, kind: EventKind) -> str:
    decision = params["decision"]
    if decision == FlagDecision.CONTRACT_RENEWED and not params["date"]:
        return str(RENEWED_UNDATED)
    return str(FLAG_DECIDED[decision]) % kind.values(params)


def _flag_decided_wordings():
    wordings = [
        (lambda text=text: str(text), {"decision": decision, "name": "", "date": None})
        for decision, text in FLAG_DECIDED.items()
    ]
    return (
        *wordings,
        (lambda: str(RENEWED_UNDATED), {"decision": FlagDecision.CONTRACT_RENEWED, "name": "", "date": None}),
    )


def register_kinds() -> None:
    """Housing's kinds, added to the timeline's list (from `HousingConfig.ready`)."""
    K = HousingKind
    reason, day = {"reason": Choice(MoveOutReason)}, {"date": Day()}
    kind_register(K.TENANCY_STARTED, params=["address"], text=_("Moved in to %(address)s"))
    kind_register(
        K.TENANCY_START_PLANNED,
        params=["address", "date"],
        text=_("Move-in to %(address)s planned for %(date)s"),
        shown=day,
    )
    kind_register(
        K.TENANCY_ENDED,
        params=["address", "reason"],
        text=_("Moved out of %(address)s: %(reason)s"),
        shown=reason,
    )
    kind_register(
        K.TENANCY_END_PLANNED,
        params=["address", "date", "reason"],
        text=_("Move-out from %(address)s planned for %(date)s: %(reason)s"),
        shown={**reason, **day},
    )
    kind_register(
        K.TENANCY_END_CANCELLED,
        params=["address", "date"],
        text=_("The move-out from %(address)s planned for %(date)s is called off"),
        shown=day,
    )
    kind_register(K.TENANCY_RENEWED, params=["date"], text=_("Contract renewed until %(date)s"), shown=day)
    kind_register(
        K.FLAG_DECIDED,
        params=["decision", "name", "date"],
        render=_flag_decided,
        shown=day,
        legacy=_flag_decided_wordings(),
    )
    kind_register(
        K.FLAG_RESOLVED, text=_("The conversation about the next step is closed: the household has moved out")
    )
