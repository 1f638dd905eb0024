"""A form that creates a record is accepted once: Back then Lagre, a double tap
or identical POSTs at the same moment store one record, and the repeat lands on it with a message.

Every such form carries a one-time token (`{% form_once %}`), and its view is wrapped in
`@create_once`. The token is claimed in the same transaction as the record: a twin sent at the same
moment waits on the token's primary key until the first commits, then finds it taken."""

import uuid
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder.models import FormSubmission

FIELD = "form_token"
KEPT_FOR = timedelta(days=2)


def token_of(request) -> uuid.UUID | None:
    """The token the form was sent with, if it is one."""
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


class _Taken(Exception):
    pass


def _replay(request, token, *, tell=True):
    """Where the first sending of this form landed, with a message; None if it is not this user's."""
    done = FormSubmission.objects.filter(token=token, user=request.user).first()
    if done is None:
        return None
    if tell:
        messages.info(request, _("This form was already sent and saved. It was not saved again."))
    return redirect(done.landing_url or request.path)


def create_once(view=None, *, tell=True):
    """Run a create view at most once per form token; a view that does not redirect (the form was
    refused) gives its token back, so the corrected form can be sent with it.

    `tell=False` for a view a machine replays (the offline queue's `followup_sync`): its answer says
    what was stored, and no message waits for the user's next page."""
    if view is None:
        return lambda view: create_once(view, tell=tell)

    @wraps(view)
    def once(request, *args, **kwargs):
        token = token_of(request) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        if replayed := _replay(request, token, tell=tell):
            return replayed
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        FormSubmission.objects.create(token=token, user=request.user)
                except IntegrityError as error:
                    raise _Taken from error
                response = view(request, *args, **kwargs)
                if response.status_code in (301, 302, 303):
                    FormSubmission.objects.filter(token=token).update(landing_url=response["Location"][:300])
                else:
                    FormSubmission.objects.filter(token=token).delete()
        except _Taken:
            replayed = _replay(request, token, tell=tell)
            if replayed is None:  # someone else's token: this form is not theirs to send
                messages.error(request, _("This form could not be sent. Fill it in again."))
                return redirect(request.path)
            return replayed
        return response

    once.creates_once = True
    return once


def form_submissions_sweep(*, now=None) -> int:
    """Forget tokens older than two days: a form is not sent again after that."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _rows = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
