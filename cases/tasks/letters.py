"""Decision letters: rendered by the worker after the approval is committed."""

from celery import shared_task

from cases.models import DecisionLetter


@shared_task(name="cases.tasks.letters.decision_letter_render", acks_late=True, reject_on_worker_lost=True)
def decision_letter_render(letter_id: int) -> str:
    """Render one decision letter's PDF; safe to run twice (a live render holds the letter's lease, a
    rendered letter is left as it is)."""
    from cases.services.decisions import letter_render

    letter = DecisionLetter.objects.filter(pk=letter_id).first()
    if letter is None:
        return "missing"
    letter = letter_render(letter=letter)
    return "error" if letter.error else "ok"


@shared_task(name="cases.decision_letters_recover")
def decision_letters_recover() -> dict:
    """Every minute: queue again the letters whose worker died or whose message was lost, or mark them
    failed."""
    from cases.services.decisions import decision_letters_recover as recover

    return recover()
