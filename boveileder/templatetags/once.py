"""`{% form_once %}`: the one-time token of a form that creates a record (see boveileder.once)."""

import uuid

from django import template
from django.utils.html import format_html

from boveileder.once import FIELD, token_of

register = template.Library()


@register.simple_tag(takes_context=True)
def form_once(context):
    """A form shown again with its errors keeps the token it was sent with."""
    request = context.get("request")
    token = (token_of(request) if request is not None and request.method == "POST" else None) or uuid.uuid4()
    return format_html('<input type="text" name="{}" value="{}" hidden data-once>', FIELD, token)
