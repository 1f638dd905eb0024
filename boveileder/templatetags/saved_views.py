"""`{% save_view_form %}`: the small form on a list page that saves its filter as a view."""

from django import template

from boveileder.saved_views import page_for

register = template.Library()


@register.inclusion_tag("boveileder/_save_view.html", takes_context=True)
def save_view_form(context):
    """Shown on a page declared `saveable` to a user whose roles may open it; empty elsewhere."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    page = page_for(request.user, match.view_name) if match is not None else None
    if page is None:
        return {"page": None}
    return {"page": page, "query": request.GET.urlencode(), "csrf_token": context.get("csrf_token")}
