from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from boveileder.extensions import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, page: str, obj=None):
    """Render the sections other apps registered for `page` (`boveileder.extensions.page_section`),
    each with the page's context plus its own."""
    request = context.get("request")
    parts = []
    for template_name, extra in sections_for(page, request, obj):
        with context.push(**extra):
            parts.append(get_template(template_name).template.render(context))
    return mark_safe("".join(parts))  # each part is a rendered, escaped template
