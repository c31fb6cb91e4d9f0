from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "办理情况统计"
