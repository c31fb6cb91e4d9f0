"""批量导入: staff upload an assignment list, check the preview, confirm, and follow the import."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.forms import apply_workflow_error

from .. import services, spreadsheet
from ..errors import WorkflowError
from ..forms import ImportConfirmForm, ImportForm
from ..models import ImportJob
from .common import staff_bodies

RECENT_JOBS = 20


@login_required
def import_start(request):
    """Upload an assignment list for a session; a readable one goes on to its preview."""
    bodies = staff_bodies(request)
    form = ImportForm(request.POST or None, request.FILES or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(
                session=form.cleaned_data["session"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except WorkflowError as error:
            apply_workflow_error(form, error)
        else:
            return redirect("proposals:import_job", pk=job.pk)
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .select_related("session")
        .defer("rows", "results")[:RECENT_JOBS]
    )
    return render(request, "proposals/import_start.html", {"form": form, "jobs": jobs})


@login_required
def import_template(request):
    """The Excel template of the assignment list, with its header and an example row."""
    staff_bodies(request)
    return FileResponse(
        BytesIO(spreadsheet.template_workbook()),
        as_attachment=True,
        filename=spreadsheet.TEMPLATE_NAME,
        content_type=spreadsheet.XLSX_CONTENT_TYPE,
    )


def _job(request, pk: int):
    staff_bodies(request)
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("session", "uploaded_by"), pk=pk
    )


@login_required
def import_job(request, pk: int):
    """One import: its preview with each row's problems until confirmed, then its progress
    and, when done, what became of every row."""
    job = _job(request, pk)
    form = ImportConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_confirm(
                job=job, by=request.user, valid_only=form.cleaned_data["valid_only"]
            )
        except WorkflowError as error:
            if job.status != ImportJob.Status.PENDING:
                messages.error(request, error.message)
                return redirect("proposals:import_job", pk=job.pk)
            apply_workflow_error(form, error)
        else:
            if job.is_finished:
                messages.success(request, job.progress_message())
            return redirect("proposals:import_job", pk=job.pk)
    context = {"job": job, "form": form}
    if job.status == ImportJob.Status.PENDING:
        checks = services.check_rows(job.session, job.rows)
        context["checks"] = checks
        context["ok_count"] = sum(c.ok for c in checks)
        context["bad_count"] = len(checks) - context["ok_count"]
    return render(request, "proposals/import_job.html", context)


@login_required
def import_progress(request, pk: int):
    """How far an import has got, for the progress bar: ``{total, done, message, finished}``."""
    staff_bodies(request)
    job = get_object_or_404(
        ImportJob.objects.visible_to(request.user).only(
            "status", "total", "done", "created_count", "failed_count"
        ),
        pk=pk,
    )
    return JsonResponse(
        {
            "total": job.total,
            "done": job.done,
            "message": job.progress_message(),
            "finished": job.is_finished,
            "status": job.status,
        }
    )
