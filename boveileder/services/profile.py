"""What a staff member sets for themselves: how often the reminder e-mail comes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boveileder.models import User


def profile_reminders_set(*, user: User, reminders: str) -> User:
    """Choose daily, weekly or no reminder e-mail."""
    if reminders not in User.Reminders.values:
        raise ValidationError({"reminders": _("Choose how often the reminder should come.")})
    user.reminders = reminders
    user.save(update_fields=["reminders"])
    return user
