"""Documents on a household: PDF, JPEG or PNG of at most 10 MB, the type read from the
file's content (its magic bytes, by the `filetype` library), never from its name or the browser's
word. The files lie under MEDIA_ROOT/private/, which no URL serves: only the download view, through
the access check, as an attachment."""

import hashlib
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder.text import has_control_characters
from cases.models import DOCUMENT_ENDINGS, DOCUMENT_KINDS, Document, Household
from cases.services.timeline import timeline_record

MAX_BYTES = 10 * 1024 * 1024
# The types accepted, by their content (the name endings each may carry: DOCUMENT_ENDINGS).
ACCEPTED = DOCUMENT_KINDS
# What filetype reads the kind from: the first bytes (it needs at most 8 KiB, 261 for these kinds).
_HEAD = 8192


def document_check_file(upload) -> str:
    """The accepted content type of an uploaded file, or a ValidationError saying in the user's
    language why it is refused: too big, not a PDF/JPEG/PNG by its content, or named as another kind."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is too big (%(size)s MB): a document may be at most 10 MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(_HEAD)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else None
    if mime not in ACCEPTED:
        raise ValidationError(
            _("Only PDF, JPEG and PNG files can be attached, and this file's content is none of them."),
            code="wrong_type",
        )
    label, endings = ACCEPTED[mime], DOCUMENT_ENDINGS[mime]
    if PurePath(upload.name or "").suffix.lower() not in endings:
        raise ValidationError(
            _(
                "The file's name says it is another kind of file than its content, which is %(kind)s. "
                "Choose the right file, or give it the right name."
            )
            % {"kind": label},
            code="name_lies",
        )
    return mime


def _title_from(name: str) -> str:
    """The uploader's file name, without folders or control characters, as the document's name."""
    cleaned = "".join(c for c in PurePath(name or "").name if not has_control_characters(c)).strip()
    return cleaned[:120] or _("Document")


@transaction.atomic
def document_attach(
    *, household: Household, upload, by, title: str = "", startloan=None, decision=None
) -> Document:
    """Keep an uploaded file on the household (and on one of its start-up loans or decisions), after
    checking its content; one timeline event. Returns the document."""
    content_type = document_check_file(upload)
    for record in (startloan, decision):
        if record is not None and record.household_id != household.pk:
            raise ValidationError(_("Choose an application or decision of this household."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        household=household,
        startloan=startloan,
        decision=decision,
        title=(title.strip() or _title_from(upload.name))[:120],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    document.file.save("document", upload, save=False)
    try:
        document.save()
    except Exception:  # the row was refused: the file stored for it goes too
        default_storage.delete(document.file.name)
        raise
    timeline_record(
        household=household,
        kind="document",
        summary=_("Document attached: %(title)s") % {"title": document.title},
        on=timezone.localdate(),
        actor=by,
        subject=document,
    )
    return document


def documents_remove(*, documents) -> int:
    """Delete documents (a queryset) and, once the deletion is committed, their files."""
    paths = list(documents.values_list("file", flat=True))
    deleted, _rows = documents.delete()

    def remove_files():
        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(remove_files)
    return len(paths)
