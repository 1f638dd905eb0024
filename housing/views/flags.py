"""The officers' review queue of long-tenure flags, the decision on one flag, and the thresholds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role
from boveileder.once import create_once
from boveileder.paging import numbered_page
from cases.access import get_record_for
from cases.models import StartLoanApplication
from housing.forms import FlagDecisionForm, FlagHistoryFilterForm, ThresholdsForm
from housing.models import FlagDecision, LongTenureFlag
from housing.selectors import RESOLVING, flags_for_queue, handled_filter, queue_tabs
from housing.services.flags import FLAG_MACHINE, flag_decide, flag_thresholds_set

Status = LongTenureFlag.Status
Decision = LongTenureFlag.Decision
PAGE_SIZE = 50


@require_GET
@role_required(Role.OFFICER, Role.MANAGER)
def flag_queue(request):
    """Open flags, longest residence first, with what the officer needs to decide the next step; and
    under «Handled» the resolved ones, latest first, with their decisions."""
    today = timezone.localdate()
    tabs = queue_tabs(today)
    tab = request.GET.get("show") if request.GET.get("show") in tabs else "todo"
    base = LongTenureFlag.objects.for_municipality(request.user.municipality_id)
    counts = base.aggregate(**{name: Count("pk", filter=condition) for name, condition in tabs.items()})
    filter_form = FlagHistoryFilterForm(request.GET if tab == "handled" else None)
    if tab == "handled":
        order = ("-resolved_on", "-pk")
        filters = filter_form.cleaned_data if filter_form.is_valid() else {}
        selected = base.filter(tabs[tab]).filter(handled_filter(filters, request.user))
        page = numbered_page(request, selected.order_by(*order).values("pk"), size=PAGE_SIZE)
    else:
        order = ("tenancy__start_date", "pk")
        # Page over the ids alone (one join, no per-row subqueries); only the page's rows get the facts.
        ids = base.filter(tabs[tab]).order_by(*order).values("pk")
        page = numbered_page(request, ids, size=PAGE_SIZE, count=counts[tab])  # counted above already
    flags = flags_for_queue(request.user).filter(pk__in=page.object_list).order_by(*order)
    if tab == "handled":
        flags = flags.prefetch_related(
            Prefetch("decisions", queryset=FlagDecision.objects.select_related("by", "referred_to"))
        )
    flags = list(flags)
    loan_labels = dict(StartLoanApplication.Status.choices)
    for flag in flags:
        flag.loan_label = loan_labels.get(flag.loan_status, "")
        if tab == "handled":
            flag.outcome = outcome_of(flag)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "housing/flag_queue.html",
        {
            "page": page,
            "flags": flags,
            "tab": tab,
            "counts": counts,
            "today": today,
            "filter_form": filter_form,
            "page_query": params.urlencode(),
        },
    )


def outcome_of(flag) -> str:
    """How a resolved flag ended: its resolving decision, or the household's move-out."""
    resolving = [d for d in flag.decisions.all() if d.decision in RESOLVING]
    if resolving:
        return resolving[-1].get_decision_display()
    if flag.tenancy.moved_out_on is not None and flag.tenancy.moved_out_on <= flag.resolved_on:
        return _("The household moved out")
    return Status.RESOLVED.label


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICER, Role.MANAGER)
@create_once
def flag_detail(request, pk):
    """One flag: the household's situation, the decisions so far, and the form for the next one."""
    flag = get_record_for(
        request,
        flags_for_queue(request.user),
        what="long_tenure_flag",
        household=lambda flag: flag.tenancy.household_id,
        pk=pk,
    )
    if not FLAG_MACHINE.allowed(request.user, flag):
        # A resolved flag is kept with its history; it takes no more decisions.
        return render(
            request,
            "housing/flag_detail.html",
            {
                "flag": _with_loan_label(flag),
                "form": None,
                "decisions": flag.decisions.select_related("by", "referred_to"),
                "outcome": outcome_of(flag),
                "today": timezone.localdate(),
            },
            status=409 if request.method == "POST" else 200,
        )
    form = FlagDecisionForm(
        request.POST or None,
        municipality=request.user.municipality_id,
        initial={"referred_to": flag.tenancy.household.counsellor_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            flag_decide(
                flag=flag,
                decision=data["decision"],
                by=request.user,
                note=data["note"],
                sleep_until=data["sleep_until"],
                referred_to=data["referred_to"],
                new_end_date=data["new_end_date"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                _("The decision for %(household)s is saved.")
                % {"household": flag.tenancy.household.reference},
            )
            return redirect("housing:flag_queue")
    decisions = flag.decisions.select_related("by", "referred_to")
    return render(
        request,
        "housing/flag_detail.html",
        {"flag": _with_loan_label(flag), "form": form, "decisions": decisions, "today": timezone.localdate()},
    )


def _with_loan_label(flag):
    flag.loan_label = dict(StartLoanApplication.Status.choices).get(flag.loan_status, "")
    return flag


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def flag_thresholds(request):
    """A manager sets when households are flagged: the tenure threshold and the expiry window."""
    municipality = request.user.municipality
    form = ThresholdsForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        flag_thresholds_set(
            municipality=municipality,
            tenure_threshold_years=form.cleaned_data["tenure_threshold_years"],
            expiry_window_months=form.cleaned_data["expiry_window_months"],
            by=request.user,
        )
        messages.success(request, _("The thresholds are saved; they apply from the next nightly run."))
        return redirect("housing:flag_queue")
    return render(request, "housing/flag_thresholds.html", {"form": form})
