"""The officers' review queue of long-tenure flags, the decision on one flag, and the thresholds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Count, OuterRef, Q, Subquery, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import role_required
from boveileder.models import Role
from boveileder.once import create_once
from cases.access import get_record_for
from cases.models import FollowUp, StartLoanApplication
from housing.forms import FlagDecisionForm, ThresholdsForm
from housing.models import LongTenureFlag
from housing.services.flags import flag_decide, flag_thresholds_set
from housing.views.units import add_form_errors

Status = LongTenureFlag.Status
PAGE_SIZE = 50


def queue_tabs(today):
    """The queue's three views of the unresolved flags, each a filter."""
    awake = Q(status=Status.OPEN) | Q(status=Status.SLEEPING, sleep_until__lte=today)
    return {
        "todo": awake,
        "following": Q(status__in=[Status.REFERRED, Status.STARTLOAN_ENCOURAGED]),
        "sleeping": Q(status=Status.SLEEPING, sleep_until__gt=today),
    }


def household_visible(user):
    """Whether the user may open the flag's household (restricted ones: managers and its counsellor)."""
    if user.is_manager:
        return Value(True, output_field=BooleanField())
    return Case(
        When(
            Q(tenancy__household__restricted=False) | Q(tenancy__household__counsellor=user), then=Value(True)
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def flags_for_queue(user):
    household = OuterRef("tenancy__household")
    return (
        LongTenureFlag.objects.for_municipality(user.municipality_id)
        .unresolved()
        .select_related("tenancy__household__counsellor", "tenancy__unit", "referred_to")
        .annotate(
            visible=household_visible(user),
            last_contact=Subquery(
                FollowUp.objects.filter(household=household).order_by("-date").values("date")[:1]
            ),
            loan_status=Subquery(
                StartLoanApplication.objects.filter(household=household)
                .order_by("-received_on", "-pk")
                .values("status")[:1]
            ),
        )
    )


@require_GET
@role_required(Role.OFFICER, Role.MANAGER)
def flag_queue(request):
    """Open flags, longest residence first, with what the officer needs to decide the next step."""
    today = timezone.localdate()
    tabs = queue_tabs(today)
    tab = request.GET.get("show") if request.GET.get("show") in tabs else "todo"
    base = LongTenureFlag.objects.for_municipality(request.user.municipality_id).unresolved()
    counts = base.aggregate(**{name: Count("pk", filter=condition) for name, condition in tabs.items()})
    order = ("tenancy__start_date", "pk")
    # Page over the ids alone (one join, no per-row subqueries); only the page's rows get the facts.
    paginator = Paginator(base.filter(tabs[tab]).order_by(*order).values("pk"), PAGE_SIZE)
    paginator.count = counts[tab]  # already counted above: spare the paginator its own COUNT
    page = paginator.get_page(request.GET.get("page"))
    flags = list(flags_for_queue(request.user).filter(pk__in=page.object_list).order_by(*order))
    loan_labels = dict(StartLoanApplication.Status.choices)
    for flag in flags:
        flag.loan_label = loan_labels.get(flag.loan_status, "")
    return render(
        request,
        "housing/flag_queue.html",
        {"page": page, "flags": flags, "tab": tab, "counts": counts, "today": today},
    )


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
    flag.loan_label = dict(StartLoanApplication.Status.choices).get(flag.loan_status, "")
    return render(
        request,
        "housing/flag_detail.html",
        {"flag": flag, "form": form, "decisions": decisions, "today": timezone.localdate()},
    )


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
