"""The staff member's own page (issue 21): how often the reminder e-mail comes, and their saved views."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .access import role_required
from .models import Role, User
from .services.profile import profile_reminders_set


class RemindersForm(forms.Form):
    reminders = forms.ChoiceField(
        label=gettext_lazy("Reminder e-mail of what is due"),
        choices=User.Reminders.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "What is due today, what is overdue, flags referred to you and decisions waiting for your "
            "approval. The e-mail gives household references only, never names."
        ),
        error_messages={"invalid_choice": gettext_lazy("Choose how often the reminder should come.")},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.OFFICER, Role.MANAGER)
def profile(request):
    """Show and change the signed-in staff member's own settings."""
    user = request.user
    form = RemindersForm(request.POST or None, initial={"reminders": user.reminders})
    if request.method == "POST" and form.is_valid():
        profile_reminders_set(user=user, reminders=form.cleaned_data["reminders"])
        messages.success(request, _("Your settings are saved."))
        return redirect("profile")
    return render(request, "boveileder/profile.html", {"form": form})
