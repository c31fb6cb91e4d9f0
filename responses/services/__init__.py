"""Every step of the agencies' side of the process: opinions, contact, replies, ratings."""

from .contacts import contact_log
from .feedback import assignment_rehandle, feedback_submit
from .letters import (
    reply_approve,
    reply_draft,
    reply_generate,
    reply_return,
    reply_send,
    reply_submit,
    reply_update,
)
from .opinions import opinion_submit

__all__ = [
    "assignment_rehandle",
    "contact_log",
    "feedback_submit",
    "opinion_submit",
    "reply_approve",
    "reply_draft",
    "reply_generate",
    "reply_return",
    "reply_send",
    "reply_submit",
    "reply_update",
]
