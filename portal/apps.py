from django.apps import AppConfig


class PortalConfig(AppConfig):
    """What every app shares: the queue of tasks waiting for the broker (``outbox``)."""

    name = "portal"
    verbose_name = "平台"
    default_auto_field = "django.db.models.BigAutoField"
