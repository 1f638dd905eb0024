"""The staff member's own page: how often the reminder e-mail comes, and their saved views."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .access import role_required
from .models import Role, SavedView, User
from .saved_views import MAX_QUERY, menu_refresh, page_for, without_national_ids
from .services.profile import profile_reminders_set
from .services.saved_views import saved_view_create, saved_view_delete


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
    saved = SavedView.objects.filter(user=user)
    return render(request, "boveileder/profile.html", {"form": form, "saved_views": saved})


class SavedViewForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Save the filter as"),
        max_length=60,
        error_messages={
            "required": gettext_lazy("Give the view a name."),
            "max_length": gettext_lazy("Keep the name to %(limit_value)d characters."),
        },
    )
    url_name = forms.CharField(widget=forms.HiddenInput)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_QUERY)


@require_POST
@role_required(Role.COUNSELLOR, Role.OFFICER, Role.MANAGER)
def saved_view_save(request):
    """Save the filter of the page the form was on; on a refusal the form is shown again, filled in."""
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = saved_view_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            # The name is the one field the user typed; the page and filter are said above the form.
            for field, said in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error("name" if field == "name" else None, said)
        else:
            menu_refresh(request)
            messages.success(
                request,
                _("The view «%(name)s» is saved. You find it in the menu under «Saved views».")
                % {"name": view.name},
            )
            return redirect(view.url)
    # Shown again as entered, but never with a national ID the filter held.
    form.data = form.data.copy()
    form.data["query"] = without_national_ids(form.data.get("query", ""))
    page = page_for(request.user, form.data.get("url_name", ""))
    back = reverse(page.url_name) if page else reverse("profile")
    return render(request, "boveileder/saved_view_form.html", {"form": form, "back": back}, status=200)


@require_POST
@role_required(Role.COUNSELLOR, Role.OFFICER, Role.MANAGER)
def saved_view_remove(request, pk):
    """Delete one of one's own saved views (another's is 404)."""
    if not saved_view_delete(user=request.user, pk=pk):
        raise Http404
    menu_refresh(request)
    messages.success(request, _("The saved view is deleted."))
    return redirect("profile")
