"""The statistics' background work: refreshing the facts, and exports of many items."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction

from portal import clock

from . import export, facts, forms, tables
from .models import StatsExport

log = logging.getLogger(__name__)


@shared_task
def settle_facts() -> int:
    """Refresh the facts of the items changed since the statistics were last read."""
    return facts.settle()


@shared_task
def rebuild_facts() -> int:
    """Rewrite every item's facts (rows changed outside the services included)."""
    return facts.rebuild()


KEEP_EXPORTS = timedelta(days=7)


@shared_task
def forget_old_exports() -> int:
    """Delete the files of exports made more than a week ago, and their records; the
    figures can be exported again at any time. Return how many went."""
    old = StatsExport.objects.filter(requested_at__lt=clock.now() - KEEP_EXPORTS)
    for job in old.exclude(file=""):
        job.file.delete(save=False)
    return old.delete()[0]


@shared_task(acks_late=True)
def build_export(export_id: int) -> str:
    """Make one export's file, reporting its progress table by table; return its status."""
    with transaction.atomic():
        job = StatsExport.objects.select_for_update().filter(pk=export_id).first()
        if job is None or job.status != StatsExport.Status.QUEUED:
            return job.status if job else "missing"
        job.status = StatsExport.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        form = forms.checked(job.filters, user=job.requested_by)
        board = tables.dashboard(job.requested_by, form.scope(), form.catalog())

        def progress(done: int, total: int) -> None:
            StatsExport.objects.filter(pk=job.pk).update(done=done, total=total)

        content, _, name = export.export_file(board, job.format, job.table, progress=progress)
        job.refresh_from_db(fields=["done", "total"])
        job.file.save(name, ContentFile(content), save=False)
        job.file_name, job.status, job.finished_at = name, StatsExport.Status.DONE, clock.now()
        job.save(update_fields=["file", "file_name", "status", "finished_at"])
    except Exception as error:  # the job page says it failed; the log has the cause
        log.exception("统计导出 %s 失败", export_id)
        StatsExport.objects.filter(pk=export_id).update(
            status=StatsExport.Status.FAILED,
            error=f"生成文件时出错({type(error).__name__}),请重试或缩小统计范围。",
            finished_at=clock.now(),
        )
    return StatsExport.objects.filter(pk=export_id).values_list("status", flat=True).first()
