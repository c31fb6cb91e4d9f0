"""Domain errors: a workflow rule refused an action. Messages are shown to users as they are."""


class WorkflowError(Exception):
    """Base of the refusals. ``message`` is Chinese text fit for the user."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotPermitted(WorkflowError):
    """The user may not take this action on this object."""


class TransitionNotAllowed(WorkflowError):
    """The object's current state does not allow the action."""


class InvalidInput(WorkflowError):
    """The action was allowed but what was given with it is not acceptable."""


class EditConflict(WorkflowError):
    """Someone else changed the object since the user loaded it."""
