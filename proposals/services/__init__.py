"""Every step of the handling process up to the agencies' replies, one function each.

Views, the API, the admin, commands and tasks call these; none of them repeats a rule.
"""

from .assignment import (
    assignment_decide_adjustment,
    assignment_request_adjustment,
    assignment_sign_for,
    proposal_assign,
)
from .closing import close_if_complete, closing_blockers, proposal_close
from .filing import (
    cosign_blockers,
    cosign_confirm,
    cosign_decline,
    cosign_invite,
    cosign_remove,
    proposal_attach,
    proposal_create,
    proposal_submit,
    proposal_update_draft,
    proposal_withdraw,
)
from .importing import check_rows, import_confirm, import_run, import_upload
from .repeats import proposal_mark_repeat, proposal_unmark_repeat
from .review import proposal_accept, proposal_mark_key, proposal_merge, proposal_reject

__all__ = [
    "assignment_decide_adjustment",
    "assignment_request_adjustment",
    "assignment_sign_for",
    "check_rows",
    "close_if_complete",
    "closing_blockers",
    "cosign_blockers",
    "cosign_confirm",
    "cosign_decline",
    "cosign_invite",
    "cosign_remove",
    "import_confirm",
    "import_run",
    "import_upload",
    "proposal_accept",
    "proposal_assign",
    "proposal_attach",
    "proposal_close",
    "proposal_create",
    "proposal_mark_key",
    "proposal_mark_repeat",
    "proposal_merge",
    "proposal_reject",
    "proposal_submit",
    "proposal_unmark_repeat",
    "proposal_update_draft",
    "proposal_withdraw",
]
