"""The 办理情况统计 for committee offices and agencies: the dashboard, its exports (Excel and
CSV, in the background when the figures cover many items) and the export's progress."""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from portal import outbox

from . import charts, export, forms, tables
from .models import StatsExport
from .templatetags.stats_tags import percent


def _may_read(user) -> None:
    """Committee staff and agency members read the statistics; anyone else gets a 403."""
    if not rules.has_perm("stats.read_statistics", user):
        raise PermissionDenied


def _charts(board: tables.Dashboard) -> dict:
    """The pictures of the dashboard: the rates of each agency, and replies by month."""
    found = {}
    agencies = board.tables.get("agency")
    if agencies is not None and agencies.rows:
        for key in ("on_time_rate", "satisfaction_rate"):
            column = next((c for c in agencies.columns if c.key == key), None)
            if column is None:
                continue
            bars = []
            for row in agencies.rows:
                part, whole, fraction = row.value(column)
                if whole:
                    bars.append((row.label, fraction, f"{percent(fraction)}({part}/{whole})"))
            title = f"各承办单位{column.label}"
            found[key] = (
                title,
                charts.bar_chart(
                    title=title,
                    summary=f"{column.label} = {column.rate.what};只列分母不为 0 的单位,"
                    "每行一个单位,数据见“按承办单位统计”表。",
                    bars=bars,
                    chart_id=f"chart-{key}",
                ),
            )
    if board.months:
        title = "每月送达的首次答复(件次)"
        found["months"] = (
            title,
            charts.column_chart(
                title=title,
                summary="主办、分办单位每月送达首次答复的件次;数据见图下的表格。",
                columns=[(f"{month.year}年{month.month}月", n) for month, n in board.months],
                chart_id="chart-months",
            ),
        )
    return found


OVERVIEW = (
    "filed",
    "accepted",
    "assigned",
    "replied",
    "reply_rate",
    "on_time_rate",
    "contact_rate",
    "meeting_rate",
    "satisfaction_rate",
    "overdue",
    "extended",
    "rehandled",
)


def empty_text(board: tables.Dashboard) -> str:
    """What to say when the filters find nothing, the year range said back."""
    first, last = board.scope.year_from, board.scope.year_to
    if first is None and last is None:
        return "所选范围内没有建议提案,请调整统计条件。"
    if first is not None and last is not None:
        years = f"{first}年" if first == last else f"{first}年至{last}年"
    else:
        years = f"{first}年以来" if first is not None else f"{last}年及以前"
    return f"{years}的会议没有符合条件的建议提案,请调整年度范围或其他条件。"


@login_required
def dashboard(request):
    """Every table of the statistics for the filters chosen, with what each figure counts."""
    _may_read(request.user)
    form = forms.checked(request.GET, user=request.user)
    board = tables.dashboard(request.user, form.scope(), form.catalog())
    columns = {c.key: c for c in tables.columns(board.classes, per_agency=board.by_agency)}
    return render(
        request,
        "stats/dashboard.html",
        {
            "form": form,
            "board": board,
            "scope_text": export.scope_description(board),
            "empty_text": empty_text(board),
            "overview": [columns[key] for key in OVERVIEW if key in columns],
            "charts": _charts(board),
            "register_url": reverse("proposals:register"),
            "query": forms.as_query(form),
            "definitions": tables.definitions(board.classes),
        },
    )


def _background(board_items: int) -> bool:
    return board_items > settings.PORTAL["STATS_BACKGROUND_ITEMS"]


@login_required
def export_file(request, fmt: str):
    """The dashboard's tables as a file: every table in one Excel workbook, or one table as
    CSV. A large scope is exported in the background and followed on its own page."""
    _may_read(request.user)
    form = forms.checked(request.GET, user=request.user)
    table = request.GET.get("table", "")
    table = table if table in tables.DIMENSIONS else ""  # else the overall figures
    scope = form.scope()
    if _background(tables.count_items(request.user, scope)):
        job = StatsExport.objects.create(
            requested_by=request.user,
            format=fmt,
            table=table if fmt == "csv" else "",
            filters=forms.as_data(form),
        )
        from .tasks import build_export

        outbox.send_on_commit(build_export, job.pk)
        return redirect("stats:export_job", pk=job.pk)
    board = tables.dashboard(request.user, scope, form.catalog())
    content, content_type, name = export.export_file(board, fmt, table)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _job(request, pk: int) -> StatsExport:
    _may_read(request.user)
    return get_object_or_404(StatsExport.objects.filter(requested_by=request.user), pk=pk)


@login_required
def export_job(request, pk: int):
    """A background export: its progress bar, then its file."""
    return render(request, "stats/export_job.html", {"job": _job(request, pk)})


@login_required
def export_progress(request, pk: int):
    """How far an export has got, for the progress bar: ``{total, done, message, finished}``."""
    job = _job(request, pk)
    return JsonResponse(
        {
            "total": job.total,
            "done": job.done,
            "message": job.progress_message(),
            "finished": job.is_finished,
            "status": job.status,
        }
    )


@login_required
def export_download(request, pk: int):
    job = _job(request, pk)
    if job.status != StatsExport.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=job.file_name)
