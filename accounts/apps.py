from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户"

    def ready(self):
        from . import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
