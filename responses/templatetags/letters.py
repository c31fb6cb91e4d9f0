from django import template
from django.utils.safestring import mark_safe

from responses import richtext

register = template.Library()


@register.filter
def letter_html(body: str) -> str:
    """A letter body as HTML, cleaned again on the way out."""
    return mark_safe(richtext.normalise(body))
