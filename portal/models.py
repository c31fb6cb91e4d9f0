from django.db import models


class QueuedTask(models.Model):
    """A background task written in the same transaction as the change that asks for it, and
    kept until the broker has taken it (``portal.outbox``)."""

    name = models.CharField("任务", max_length=200)
    args = models.JSONField("参数", default=list)
    created_at = models.DateTimeField("登记时间", db_index=True)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    error = models.CharField("最近一次发送失败", max_length=300, blank=True)

    class Meta:
        verbose_name = "待发送任务"
        verbose_name_plural = verbose_name
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"
