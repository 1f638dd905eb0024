"""The journal (postjournal): every letter the service sends and every appeal it receives, numbered
per municipality and year without gaps, in a case (saksmappe) per decision. See docs/journal.md."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from boveileder.models import Municipality
from cases.models import Appeal, Decision, DecisionLetter

# The screening said in place of a person's name in the public journal (offentleglova § 13 with
# forvaltningsloven § 13: the duty of confidentiality covers who receives help from the service).
SCREENED = "Unntatt offentlighet, offl. § 13 jf. fvl. § 13"
SCREENING_BASIS = "Offl. § 13 jf. fvl. § 13"


class JournalCounter(models.Model):
    """The last number given per municipality, year and series; taken under a row lock, so two entries
    at once get different numbers and a rolled-back entry gives its number back (no gaps)."""

    class Series(models.TextChoices):
        ENTRY = "entry", _("journal entry")
        CASE = "case", _("case")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10, choices=Series.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "series"], name="journal_counter_unique")
        ]

    def __str__(self):
        return f"{self.municipality_id} {self.year} {self.series}: {self.last}"


class JournalCase(models.Model):
    """The case (saksmappe) a decision's letters and appeals are journaled in: one per decision, from
    its letter to the appeal's last word. Its title names no one."""

    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("case year"))
    number = models.PositiveIntegerField(_("case number"))
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="journal_case")
    title = models.CharField(_("title"), max_length=300)
    public_title = models.CharField(_("public title"), max_length=300)
    opened_on = models.DateField(_("case date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "number"], name="journal_case_number_unique"
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """The case number as archives write it: 2026/7."""
        return f"{self.year}/{self.number}"


class JournalEntryQuerySet(models.QuerySet):
    def for_municipality(self, municipality):
        return self.filter(municipality=municipality)

    def between(self, first, last):
        return self.filter(journal_date__gte=first, journal_date__lte=last)


class JournalEntry(models.Model):
    """One journal entry (journalpost): an outgoing letter (U) or an incoming appeal (I)."""

    class Direction(models.TextChoices):
        INCOMING = "I", _("Incoming")
        OUTGOING = "U", _("Outgoing")

    system_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("journal year"))
    number = models.PositiveIntegerField(_("sequence number"))
    case = models.ForeignKey(JournalCase, on_delete=models.PROTECT, related_name="entries")
    document_number = models.PositiveSmallIntegerField(_("document number in the case"))
    direction = models.CharField(_("direction"), max_length=1, choices=Direction.choices)
    journal_date = models.DateField(_("journal date"))
    document_date = models.DateField(_("document date"))
    # The person the letter went to, or who appealed: shown to the manager, screened in public.
    correspondent = models.CharField(_("sender or recipient"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    channel = models.CharField(_("sent by"), max_length=20, blank=True)
    letter = models.OneToOneField(
        DecisionLetter, on_delete=models.PROTECT, null=True, blank=True, related_name="journal_entry"
    )
    appeal = models.OneToOneField(
        Appeal, on_delete=models.PROTECT, null=True, blank=True, related_name="journal_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "number"], name="journal_entry_number_unique"
            ),
            models.UniqueConstraint(fields=["case", "document_number"], name="journal_entry_document_unique"),
            models.CheckConstraint(
                condition=models.Q(direction="U", letter__isnull=False, appeal__isnull=True)
                | models.Q(direction="I", appeal__isnull=False, letter__isnull=True),
                name="journal_entry_one_source",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "journal_date"], name="journal_entry_date")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """The entry's journal number: 2026/000123."""
        return f"{self.year}/{self.number:06d}"

    @property
    def case_document(self) -> str:
        """The case and document number: 2026/7-2."""
        return f"{self.case.reference}-{self.document_number}"
