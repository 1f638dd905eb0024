"""Individual decisions: draft, submit, approval by another person, the letter, appeals, renewal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boveileder.access import get_for_user, role_required
from boveileder.models import Role, User
from boveileder.params import int_param
from cases.forms.decisions import (
    AppealForwardForm,
    AppealOutcomeForm,
    AppealRegisterForm,
    AppealSecondLookForm,
    DecisionForm,
    LetterArchiveForm,
)
from cases.models import Decision, Household
from cases.services import decisions as services

DECISION_ROLES = (Role.COUNSELLOR, Role.MANAGER)


def _household(request, pk) -> Household:
    return get_for_user(request.user, Household.objects.visible_to(request.user), pk=pk)


def _decision(request, pk) -> Decision:
    visible = Household.objects.visible_to(request.user)
    queryset = Decision.objects.filter(household__in=visible).select_related(
        "household", "person", "drafted_by", "approved_by", "replaces"
    )
    return get_for_user(request.user, queryset, pk=pk)


def _appeal(decision: Decision, pk):
    return get_object_or_404(decision.appeals.all(), pk=pk)


def _error_list(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _detail(request, decision, *, status=200, **forms):
    """The decision page, with any bound form that failed kept as typed."""
    appeals = list(decision.appeals.all())
    for appeal in appeals:
        prefix = f"appeal-{appeal.pk}"
        if not appeal.second_look:
            appeal.next_form = forms.get(prefix) or AppealSecondLookForm(prefix=prefix)
            appeal.next_url = "cases:appeal_second_look"
        elif appeal.second_look == appeal.SecondLook.KEPT and not appeal.forwarded_on:
            appeal.next_form = forms.get(prefix) or AppealForwardForm(prefix=prefix)
            appeal.next_url = "cases:appeal_forward"
        elif appeal.forwarded_on and not appeal.outcome:
            appeal.next_form = forms.get(prefix) or AppealOutcomeForm(prefix=prefix)
            appeal.next_url = "cases:appeal_outcome"
        else:
            appeal.next_form = None
    letters = list(decision.letters.all())
    for letter in letters:
        prefix = f"letter-{letter.pk}"
        letter.archive_form = forms.get(prefix) or LetterArchiveForm(prefix=prefix)
    approved = decision.status == Decision.Status.APPROVED
    context = {
        "decision": decision,
        "household": decision.household,
        "appeals": appeals,
        "letters": letters,
        "appeal_deadline": services.appeal_deadline(decision),
        "missing": services.decision_missing(decision) if not approved else [],
        "may_approve": decision.status == Decision.Status.SUBMITTED
        and services.decision_may_approve(request.user, decision),
        "own_draft": decision.drafted_by_id == request.user.pk,
        "appeal_form": forms.get("appeal") or AppealRegisterForm(prefix="appeal"),
        "replaced": approved and Decision.objects.filter(replaces=decision).exists(),
    }
    return render(request, "cases/decisions/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*DECISION_ROLES)
def decision_create(request, household_pk):
    household = _household(request, household_pk)
    form = DecisionForm(
        request.POST or None,
        household=household,
        initial={"legal_basis": str(services.DEFAULT_LEGAL_BASIS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_draft(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("cases:decision_detail", decision.pk)
    return render(request, "cases/decisions/form.html", {"form": form, "household": household})


@require_http_methods(["GET", "POST"])
@role_required(*DECISION_ROLES)
def decision_edit(request, pk):
    decision = _decision(request, pk)
    if decision.status != Decision.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("cases:decision_detail", decision.pk)
    form = DecisionForm(request.POST or None, instance=decision, household=decision.household)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.decision_update(decision=Decision.objects.get(pk=decision.pk), by=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("cases:decision_detail", decision.pk)
    context = {"form": form, "household": decision.household, "decision": decision}
    return render(request, "cases/decisions/form.html", context)


@require_GET
@role_required(*DECISION_ROLES)
def decision_detail(request, pk):
    return _detail(request, _decision(request, pk))


def _act(request, decision, action, success: str):
    """Run a status change; a refusal from the rules is shown as a message, not an error page."""
    try:
        action()
    except ValidationError as error:
        for text in _error_list(error):
            messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect("cases:decision_detail", decision.pk)


@require_POST
@role_required(*DECISION_ROLES)
def decision_submit(request, pk):
    decision = _decision(request, pk)
    return _act(
        request,
        decision,
        lambda: services.decision_submit(decision=decision, by=request.user),
        _("The decision is sent for approval."),
    )


@require_POST
@role_required(Role.MANAGER, Role.COUNSELLOR)  # counsellors only when a manager authorised them
def decision_approve(request, pk):
    """The approver is always the signed-in user; nothing posted can name another one."""
    decision = _decision(request, pk)
    if not services.decision_may_approve(request.user, decision):
        raise PermissionDenied
    return _act(
        request,
        decision,
        lambda: services.decision_approve(decision=decision, by=request.user),
        _("The decision is approved. The letter is being made."),
    )


@require_POST
@role_required(*DECISION_ROLES)
def decision_renew(request, pk):
    decision = _decision(request, pk)
    try:
        new = services.decision_renew(decision=decision, by=request.user)
    except ValidationError as error:
        for text in _error_list(error):
            messages.error(request, text)
        return redirect("cases:decision_detail", decision.pk)
    messages.success(request, _("A new draft replaces the decision. Check it and change what is new."))
    return redirect("cases:decision_edit", new.pk)


@require_GET
@role_required(*DECISION_ROLES)
def letter_download(request, decision_pk, letter_pk):
    decision = _decision(request, decision_pk)
    letter = get_object_or_404(decision.letters.all(), pk=letter_pk)
    if not letter.pdf:
        messages.info(request, _("The letter is being made. Reload the page in a moment."))
        return redirect("cases:decision_detail", decision.pk)
    name = f"vedtak-{decision.household.reference}-{decision.approved_on:%Y-%m-%d}.pdf"
    return FileResponse(
        letter.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@require_POST
@role_required(*DECISION_ROLES)
def letter_archive(request, decision_pk, letter_pk):
    decision = _decision(request, decision_pk)
    letter = get_object_or_404(decision.letters.all(), pk=letter_pk)
    prefix = f"letter-{letter.pk}"
    form = LetterArchiveForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            services.letter_archive(letter=letter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The letter is marked as filed in the archive."))
            return redirect("cases:decision_detail", decision.pk)
    return _detail(request, decision, status=400, **{prefix: form})


@require_POST
@role_required(*DECISION_ROLES)
def letter_retry(request, decision_pk, letter_pk):
    decision = _decision(request, decision_pk)
    letter = get_object_or_404(decision.letters.all(), pk=letter_pk)
    return _act(
        request,
        decision,
        lambda: services.letter_retry(letter=letter, by=request.user),
        _("The letter is being made. Reload the page in a moment."),
    )


@require_POST
@role_required(*DECISION_ROLES)
def appeal_register(request, decision_pk):
    decision = _decision(request, decision_pk)
    form = AppealRegisterForm(request.POST, prefix="appeal")
    if form.is_valid():
        try:
            appeal = services.appeal_register(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if appeal.within_deadline:
                messages.success(request, _("The appeal is registered. It came within the deadline."))
            else:
                messages.warning(request, _("The appeal is registered. It came after the deadline."))
            return redirect("cases:decision_detail", decision.pk)
    return _detail(request, decision, status=400, appeal=form)


def _appeal_step(request, decision_pk, appeal_pk, form_class, step, success):
    decision = _decision(request, decision_pk)
    appeal = _appeal(decision, appeal_pk)
    prefix = f"appeal-{appeal.pk}"
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            step(appeal, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("cases:decision_detail", decision.pk)
    return _detail(request, decision, status=400, **{prefix: form})


@require_POST
@role_required(*DECISION_ROLES)
def appeal_second_look(request, decision_pk, appeal_pk):
    return _appeal_step(
        request,
        decision_pk,
        appeal_pk,
        AppealSecondLookForm,
        lambda appeal, data: services.appeal_second_look(
            appeal=appeal, result=data["second_look"], on=data["on"], note=data["note"], by=request.user
        ),
        _("The second look is recorded."),
    )


@require_POST
@role_required(*DECISION_ROLES)
def appeal_forward(request, decision_pk, appeal_pk):
    return _appeal_step(
        request,
        decision_pk,
        appeal_pk,
        AppealForwardForm,
        lambda appeal, data: services.appeal_forward(appeal=appeal, on=data["on"], by=request.user),
        _("The appeal is recorded as forwarded to Statsforvalteren."),
    )


@require_POST
@role_required(*DECISION_ROLES)
def appeal_outcome(request, decision_pk, appeal_pk):
    return _appeal_step(
        request,
        decision_pk,
        appeal_pk,
        AppealOutcomeForm,
        lambda appeal, data: services.appeal_outcome(
            appeal=appeal, outcome=data["outcome"], on=data["on"], by=request.user
        ),
        _("Statsforvalteren's outcome is recorded."),
    )


@require_GET
@role_required(*DECISION_ROLES)
def decision_queue(request):
    """Decisions awaiting approval in the user's municipality."""
    decisions = (
        Decision.objects.filter(
            household__in=Household.objects.visible_to(request.user), status=Decision.Status.SUBMITTED
        )
        .select_related("household", "drafted_by")
        .order_by("created_at")
    )
    may_approve = request.user.is_manager or request.user.can_approve_decisions
    return render(request, "cases/decisions/queue.html", {"decisions": decisions, "may_approve": may_approve})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def decision_approvers(request):
    """A manager authorises staff of the municipality to approve individual decisions."""
    staff = User.objects.filter(
        municipality_id=request.user.municipality_id, is_active=True, is_manager=False, is_counsellor=True
    )
    if request.method == "POST":
        pk = int_param(request.POST.get("staff"))
        if pk is None:
            raise Http404
        member = get_object_or_404(staff, pk=pk)
        allowed = request.POST.get("allowed") == "1"
        services.approver_set(staff=member, allowed=allowed, by=request.user)
        if allowed:
            messages.success(request, _("%(name)s may now approve decisions.") % {"name": member})
        else:
            messages.success(request, _("%(name)s may no longer approve decisions.") % {"name": member})
        return redirect("cases:decision_approvers")
    return render(request, "cases/decisions/approvers.html", {"staff": staff})
