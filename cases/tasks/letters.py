"""Decision letters: rendered by the worker after the approval is committed."""

from celery import shared_task

from cases.models import DecisionLetter


@shared_task(name="cases.tasks.letters.decision_letter_render")
def decision_letter_render(letter_id: int) -> str:
    """Render one decision letter's PDF; safe to run twice (a rendered letter is left as it is)."""
    from cases.services.decisions import letter_render

    letter = DecisionLetter.objects.filter(pk=letter_id).first()
    if letter is None:
        return "missing"
    letter = letter_render(letter=letter)
    return "error" if letter.error else "ok"
