from django import template

from proposals.selectors import can

register = template.Library()


@register.filter
def publication_previewable_by(letter, user) -> bool:
    """Whether ``user`` may open the public version of a sent ``letter``."""
    return letter.status == letter.Status.SENT and can(user, "disclosure.preview_reply", letter)
