"""Individual decisions: draft, submit, approval by another person, the letter, appeals, renewal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boveileder.access import role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role, User
from boveileder.once import create_once
from boveileder.params import int_param
from cases import selectors
from cases.access import get_record_for
from cases.forms.decisions import (
    AppealForwardForm,
    AppealOutcomeForm,
    AppealRegisterForm,
    AppealSecondLookForm,
    DecisionForm,
    DecisionSendBackForm,
    DecisionSubmitForm,
    LetterArchiveForm,
)
from cases.models import Decision, Household
from cases.services import decisions as services

DECISION_ROLES = (Role.COUNSELLOR, Role.MANAGER)


def _household(request, pk) -> Household:
    return get_record_for(request, Household.objects.visible_to(request.user), what="decision_form", pk=pk)


def _decision(request, pk, what="decision") -> Decision:
    """The decision; a page showing it (GET) is logged in the innsynslogg."""
    visible = Household.objects.visible_to(request.user)
    queryset = Decision.objects.filter(household__in=visible).select_related(
        "household__municipality", "person", "drafted_by", "approved_by", "approver", "replaces"
    )
    return get_record_for(request, queryset, what=what, pk=pk)


# The form and the page for each next step of an appeal (`services.APPEAL_MACHINE`).
APPEAL_STEP_FORMS = {
    "second_look": (AppealSecondLookForm, "cases:appeal_second_look"),
    "forward": (AppealForwardForm, "cases:appeal_forward"),
    "outcome": (AppealOutcomeForm, "cases:appeal_outcome"),
}


def _appeal(decision: Decision, pk):
    return get_object_or_404(decision.appeals.all(), pk=pk)


def _error_list(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _submit_form(decision, history):
    """Who is to approve: the one it went to last time (after a send-back), else the only one."""
    approvers = selectors.approver_choices(decision)
    candidates = list(approvers)
    previous = next((c.approver for c in reversed(history) if c.approver_id), None)
    initial = previous if previous in candidates else (candidates[0] if len(candidates) == 1 else None)
    form = DecisionSubmitForm(approvers=approvers, initial_approver=initial, prefix="submit")
    form.no_candidates = not candidates
    return form


def _detail(request, decision, *, status=200, **forms):
    """The decision page, with any bound form that failed kept as typed."""
    history = list(decision.status_changes.select_related("by", "approver"))
    last = history[-1] if history else None
    sent_back = last if last and last.to_status == Decision.Status.DRAFT else None
    appeals = list(decision.appeals.all())
    for appeal in appeals:
        prefix = f"appeal-{appeal.pk}"
        step = services.appeal_next_step(request.user, appeal)
        form_class, appeal.next_url = APPEAL_STEP_FORMS.get(step, (None, None))
        appeal.next_form = (forms.get(prefix) or form_class(prefix=prefix)) if form_class else None
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
        "documents": list(decision.documents.all()),
        "document_query": f"?decision={decision.pk}",
        "appeal_deadline": selectors.appeal_deadline(decision),
        "missing": services.decision_missing(decision) if not approved else [],
        "actions": {step.action for step in services.DECISION_MACHINE.allowed(request.user, decision)},
        "own_draft": decision.drafted_by_id == request.user.pk,
        "appeal_form": forms.get("appeal") or AppealRegisterForm(prefix="appeal"),
        "history": history,
        "sent_back": sent_back,
        "submit_form": forms.get("submit")
        or (_submit_form(decision, history) if decision.status == Decision.Status.DRAFT else None),
        "send_back_form": forms.get("send_back") or DecisionSendBackForm(prefix="send_back"),
        "replaced": approved and Decision.objects.filter(replaces=decision).exists(),
    }
    return render(request, "cases/decisions/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*DECISION_ROLES)
@create_once
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
            add_form_errors(form, error)
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
            add_form_errors(form, error)
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


def _act_with_form(request, decision, form, name: str, action, success):
    """A status change that takes a form (the approver, a comment): a form with errors is shown again
    on the decision's page (400) under `name`, a refusal from the rules as a message."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                for text in _error_list(error):
                    messages.error(request, text)
                return redirect("cases:decision_detail", decision.pk)
            add_form_errors(form, error)
        else:
            messages.success(request, success(form.cleaned_data))
            return redirect("cases:decision_detail", decision.pk)
    return _detail(request, decision, status=400, **{name: form})


@require_POST
@role_required(*DECISION_ROLES)
def decision_submit(request, pk):
    """The drafter names the approver, who finds the decision on their landing page."""
    decision = _decision(request, pk)
    if decision.status != Decision.Status.DRAFT:
        messages.error(request, _("Only a draft can be submitted for approval."))
        return redirect("cases:decision_detail", decision.pk)
    form = DecisionSubmitForm(request.POST, approvers=selectors.approver_choices(decision), prefix="submit")
    return _act_with_form(
        request,
        decision,
        form,
        "submit",
        lambda data: services.decision_submit(decision=decision, by=request.user, approver=data["approver"]),
        lambda data: _("The decision is sent to %(name)s for approval.") % {"name": data["approver"]},
    )


@require_POST
@role_required(Role.MANAGER, Role.COUNSELLOR)  # counsellors only when a manager authorised them
def decision_send_back(request, pk):
    """An approver returns the decision to its drafter with a comment saying what to change."""
    decision = _decision(request, pk)
    if not services.decision_may_approve(request.user, decision):
        raise PermissionDenied
    if decision.status != Decision.Status.SUBMITTED:
        messages.error(request, _("Only a decision awaiting approval can be sent back."))
        return redirect("cases:decision_detail", decision.pk)
    form = DecisionSendBackForm(request.POST, prefix="send_back")
    return _act_with_form(
        request,
        decision,
        form,
        "send_back",
        lambda data: services.decision_send_back(decision=decision, by=request.user, comment=data["comment"]),
        lambda data: _("The decision is sent back to %(name)s.") % {"name": decision.drafted_by},
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
    decision = _decision(request, decision_pk, what="decision_letter")
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
            add_form_errors(form, error)
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
@create_once
def appeal_register(request, decision_pk):
    decision = _decision(request, decision_pk)
    form = AppealRegisterForm(request.POST, prefix="appeal")
    if form.is_valid():
        try:
            appeal = services.appeal_register(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
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
            add_form_errors(form, error)
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
        .select_related("household", "drafted_by", "approver")
        .order_by("created_at")
    )
    may_approve = services.approves_decisions(request.user)
    return render(request, "cases/decisions/queue.html", {"decisions": decisions, "may_approve": may_approve})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def decision_approvers(request):
    """A manager authorises staff of the municipality to approve individual decisions."""
    staff = User.objects.staff_of(request.user.municipality_id).filter(
        is_active=True, is_manager=False, is_counsellor=True
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
