from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms.decisions import DATE_INPUT


class LetterPostForm(forms.Form):
    posted_on = forms.DateField(label=_("Posted on"), widget=DATE_INPUT, initial=timezone.localdate)
