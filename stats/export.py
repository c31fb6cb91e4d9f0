"""The dashboard's tables as files: every table in one Excel workbook laid out as a Chinese
统计表 (a title, a two-level heading, a 合计 row and a 注), or one table as plain CSV for
other programs.

A rate is written with its numerator and denominator beside it, so that a reader can check
it and a program can sum it; a rate with nothing to divide by is left empty, never 0%.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections.abc import Callable, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from agencies.models import Body

from .tables import Column, Dashboard, Row, Table, columns

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

OVERALL_KEY = "total"
OVERALL_TITLE = "总体情况"
DEFINITIONS_TITLE = "统计口径"
RATE_PARTS = ("比率", "分子", "分母")
UNIT = "单位:件、%"

# SimSun is what Chinese government forms are printed in; Excel substitutes a font where
# it is missing, so naming it costs nothing.
FONT_NAME = "宋体"
COUNT_FORMAT = "0"
RATE_FORMAT = "0.0%"
LABEL_WIDTH = 28
COUNT_WIDTH = 9
RATE_WIDTH = 8
LINE_HEIGHT = 14  # points per line of 10-point text
FIRST_DATA_ROW = 6  # after the title, the office line and the three rows of the heading

# The cells' styles, by name. Each cell takes one named style: setting a cell's font,
# border and alignment one by one costs a lookup each and made a workbook of a hundred
# agencies take over a second.
TITLE = "统计表标题"
CAPTION_LEFT = "统计表表头左"
CAPTION_CENTER = "统计表表头中"
CAPTION_RIGHT = "统计表表头右"
HEADING = "统计表栏目"
LABEL = "统计表行名"
COUNT = "统计表数"
RATE = "统计表比率"
TOTAL_LABEL = "统计表合计行名"
TOTAL_COUNT = "统计表合计数"
TOTAL_RATE = "统计表合计比率"
GROUP = "统计表分组"
TEXT = "统计表文字"
NOTE = "统计表注"

# Characters Windows and macOS refuse in a file name, and whitespace, which browsers mangle.
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def scope_description(dashboard: Dashboard) -> str:
    """The filters in words for the heading, e.g. '杭州市政协十二届二次会议' or
    '2024年至2025年 · 政协(提案) · 杭州市民政局'; '全部' when none."""
    return " · ".join(_scope_parts(dashboard)) or "全部"


def workbook(dashboard: Dashboard, *, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The .xlsx of the dashboard: a sheet "总体情况" of the overall figures, one sheet per
    table in the dashboard's order, and a last sheet "统计口径" defining every column.

    ``progress(done, total)`` is called after each sheet is built, ``total`` being the
    number of sheets, so its last call has ``done == total``.
    """
    book = Workbook()
    book.remove(book.active)
    for style in _named_styles():
        book.add_named_style(style)
    sheets: list[tuple[str, Callable[[Worksheet], None]]] = [
        (OVERALL_TITLE, lambda ws: _overall_sheet(ws, dashboard))
    ]
    for table in dashboard.tables.values():
        sheets.append((table.title, lambda ws, table=table: _table_sheet(ws, dashboard, table)))
    sheets.append((DEFINITIONS_TITLE, lambda ws: _definitions_sheet(ws, dashboard)))
    for done, (title, build) in enumerate(sheets, start=1):
        build(book.create_sheet(title[:31]))  # Excel's limit on a sheet's name
        if progress is not None:
            progress(done, len(sheets))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_csv(dashboard: Dashboard, table_key: str) -> str:
    """One table as CSV text, starting with a BOM so that Excel reads it as UTF-8 (the
    caller encodes): a header row, then one line per row and the 合计 row last.

    The header is the table's heading and each column's label, a rate taking three columns
    (``办复率``, ``办复率分子``, ``办复率分母``) with the rate in percent to one decimal,
    empty when its denominator is 0. ``table_key`` "total" gives the overall figures alone.
    """
    table = _table(dashboard, table_key)
    out = io.StringIO()
    writer = csv.writer(out)
    header = [table.heading]
    for column in table.columns:
        if column.is_rate:
            header += [column.label, f"{column.label}分子", f"{column.label}分母"]
        else:
            header.append(column.label)
    writer.writerow(header)
    for row in [*table.rows, table.total]:
        line: list[object] = [row.label]
        for column in table.columns:
            value = row.value(column)
            if column.is_rate:
                part, whole, fraction = value
                line += ["" if fraction is None else f"{fraction * 100:.1f}", part, whole]
            else:
                line.append(value)
        writer.writerow(line)
    return "\ufeff" + out.getvalue()


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def export_file(
    dashboard: Dashboard,
    fmt: str,
    table_key: str = "",
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, str, str]:
    """The dashboard as a file to download: ``(content, content type, name)``. ``xlsx`` is
    every table in one workbook; ``csv`` the table ``table_key`` (the overall figures when
    the dashboard has no such table)."""
    if fmt == "xlsx":
        content = workbook(dashboard, progress=progress)
        return content, XLSX_CONTENT_TYPE, file_name(dashboard, "xlsx")
    key = table_key if table_key in dashboard.tables else OVERALL_KEY
    if progress is not None:
        progress(0, 1)
    content = table_csv(dashboard, key).encode("utf-8")
    if progress is not None:
        progress(1, 1)
    return content, CSV_CONTENT_TYPE, file_name(dashboard, "csv", key)


def file_name(dashboard: Dashboard, extension: str, table_key: str | None = None) -> str:
    """The download's name, e.g. '办理情况统计-按承办单位统计-2026-12-04.xlsx', the filters
    after 办理情况统计 when there are any; nothing in it is illegal in a file name."""
    parts = ["办理情况统计", *_scope_parts(dashboard)]
    if table_key is not None:
        parts.append(_table(dashboard, table_key).title)
    parts.append(dashboard.as_of.isoformat())
    safe = (UNSAFE_IN_FILE_NAME.sub("_", part).strip("._") for part in parts)
    return "-".join(part for part in safe if part) + "." + extension.lstrip(".")


def _scope_parts(dashboard: Dashboard) -> list[str]:
    scope = dashboard.scope
    parts = []
    if scope.session is not None:
        parts.append(str(scope.session))
    first, last = scope.year_from, scope.year_to
    if first is not None and last is not None:
        parts.append(f"{first}年" if first == last else f"{first}年至{last}年")
    elif first is not None:
        parts.append(f"{first}年起")
    elif last is not None:
        parts.append(f"{last}年止")
    # A session is of one body already, so naming the body would only repeat it.
    if scope.body and scope.session is None:
        body = Body(scope.body)
        parts.append(f"{body.label}({body.item_noun})")
    if scope.agency is not None:
        parts.append(scope.agency.name)
    if scope.topic is not None:
        parts.append(str(scope.topic))
    return parts


def _item_noun(dashboard: Dashboard) -> str:
    """What the items are called in a title: 建议, 提案, or 建议提案 when both bodies'."""
    scope = dashboard.scope
    body = scope.session.body if scope.session is not None else scope.body
    return Body(body).item_noun if body else "建议提案"


def _title(dashboard: Dashboard, subject: str) -> str:
    """A sheet's title, e.g. '杭州市政协十二届二次会议提案办理情况统计表(承办单位)'."""
    parts = " · ".join(_scope_parts(dashboard))
    return f"{parts}{_item_noun(dashboard)}办理情况统计表({subject})"


def _overall_columns(dashboard: Dashboard) -> list[Column]:
    """Every column of the item tables, for the overall figures and the definitions."""
    return columns(dashboard.classes, per_agency=dashboard.by_agency)


def _table(dashboard: Dashboard, key: str) -> Table:
    """The table ``key`` of the dashboard; "total" is the overall figures, a table whose
    only row is its 合计."""
    if key == OVERALL_KEY:
        return Table(
            OVERALL_KEY, OVERALL_TITLE, "统计范围", _overall_columns(dashboard), [], dashboard.total
        )
    return dashboard.tables[key]


def _named_styles() -> list[NamedStyle]:
    """The workbook's cell styles, made afresh for each workbook: a named style is bound
    to the workbook it is added to, so one shared by two exports at once would be raced."""
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey = PatternFill("solid", fgColor="D9D9D9")
    body, bold = Font(name=FONT_NAME, size=10), Font(name=FONT_NAME, size=10, bold=True)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center")

    def style(name: str, font: Font = body, **kwargs) -> NamedStyle:
        return NamedStyle(name, font=font, **kwargs)

    return [
        style(TITLE, Font(name=FONT_NAME, size=16, bold=True), alignment=centered),
        style(CAPTION_LEFT, alignment=left),
        style(CAPTION_CENTER, alignment=centered),
        style(CAPTION_RIGHT, alignment=right),
        style(HEADING, bold, border=box, fill=grey, alignment=centered),
        style(LABEL, border=box, alignment=left),
        style(COUNT, border=box, alignment=right, number_format=COUNT_FORMAT),
        style(RATE, border=box, alignment=right, number_format=RATE_FORMAT),
        style(TOTAL_LABEL, bold, border=box, alignment=centered),
        style(TOTAL_COUNT, bold, border=box, alignment=right, number_format=COUNT_FORMAT),
        style(TOTAL_RATE, bold, border=box, alignment=right, number_format=RATE_FORMAT),
        style(GROUP, border=box, alignment=centered),
        style(TEXT, border=box, alignment=left),
        style(NOTE, alignment=Alignment(horizontal="left", vertical="top", wrap_text=True)),
    ]


def _put(ws: Worksheet, row: int, column: int, value: object, style: str) -> None:
    ws.cell(row, column, value).style = style


def _merge(ws: Worksheet, row: int, column: int, last_row: int, last_column: int) -> None:
    """Merge the range, unless it is a single cell.

    The range is recorded as merged and its cells are left as they are, each keeping
    its own style, as Excel itself saves them. ``Worksheet.merge_cells`` would instead
    replace them and copy the first cell's border onto each edge one by one, which took
    most of the time of a workbook of a hundred agencies.
    """
    if last_row > row or last_column > column:
        coordinate = CellRange(
            min_row=row, min_col=column, max_row=last_row, max_col=last_column
        ).coord
        ws.merged_cells.add(MergedCellRange(ws, coordinate))


def _as_of(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _caption(ws: Worksheet, dashboard: Dashboard, title: str, width: int) -> None:
    """Rows 1 and 2: the title across the sheet; under it who compiled the figures, the
    day they are for and their unit, each over a third of the width."""
    _put(ws, 1, 1, title, TITLE)
    _merge(ws, 1, 1, 1, width)
    ws.row_dimensions[1].height = 30
    texts = [f"填报单位:{dashboard.office}", f"数据截至:{_as_of(dashboard.as_of)}", UNIT]
    column = 1
    for text, style, span in zip(
        texts, [CAPTION_LEFT, CAPTION_CENTER, CAPTION_RIGHT], _thirds(width), strict=True
    ):
        _put(ws, 2, column, text, style)
        _merge(ws, 2, column, 2, column + span - 1)
        column += span
    ws.row_dimensions[2].height = 20


def _thirds(width: int) -> list[int]:
    """Three spans, each at least one column, summing to ``width`` (at least 3); the
    first, which holds the office's name, the widest."""
    base, extra = divmod(width, 3)
    return [base + (1 if i < extra else 0) for i in range(3)]


def _notes(ws: Worksheet, row: int, width: int, lines: list[str]) -> None:
    """The 注 under a table, merged across its width and tall enough for its lines
    wrapped (Excel does not grow a merged row to fit its text)."""
    _put(ws, row, 1, "注:" + "\n".join(lines), NOTE)
    _merge(ws, row, 1, row, width)
    room = sum(
        ws.column_dimensions[get_column_letter(i)].width or COUNT_WIDTH for i in range(1, width + 1)
    )
    wrapped = sum(math.ceil(_text_width(line) / room) for line in lines)
    ws.row_dimensions[row].height = LINE_HEIGHT * (wrapped + 1)


def _text_width(text: str) -> int:
    """A line's width in Excel's column units, a Chinese character taking about two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 4


def _rate_lines(table_columns: Iterable[Column]) -> list[str]:
    """The 注's lines saying how each rate is worked out."""
    return [f"{c.label} = {c.rate.what}" for c in table_columns if c.rate is not None] + [
        "分母为 0 的比率无法计算,留空。"
    ]


def _generated(dashboard: Dashboard) -> str:
    return f"统计时间:{dashboard.generated_at:%Y-%m-%d %H:%M}"


def _print_setup(ws: Worksheet, *, title_rows: str, freeze: str) -> None:
    """Landscape A4, one page wide, the heading again on every printed page."""
    ws.freeze_panes = freeze
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _table_sheet(ws: Worksheet, dashboard: Dashboard, table: Table) -> None:
    """One table: title and office line; a heading of three rows (column group; column
    label; a rate's 比率, 分子 and 分母); a row per line, the 合计 row in bold; the 注."""
    width = 1 + sum(3 if c.is_rate else 1 for c in table.columns)
    subject = table.title.removeprefix("按").removesuffix("统计")
    _caption(ws, dashboard, _title(dashboard, subject), width)

    # Every cell of the heading is styled before the merges, so that each keeps its
    # border where the heading's lines run.
    for row in (3, 4, 5):
        for column in range(1, width + 1):
            _put(ws, row, column, None, HEADING)
    ws.cell(3, 1, table.heading)
    _merge(ws, 3, 1, 5, 1)
    groups: list[tuple[str, int, int]] = []  # a group, its first and last sheet column
    column = 2
    for table_column in table.columns:
        last = column + (2 if table_column.is_rate else 0)
        if groups and groups[-1][0] == table_column.group:
            groups[-1] = (table_column.group, groups[-1][1], last)
        else:
            groups.append((table_column.group, column, last))
        ws.cell(4, column, table_column.label)
        if table_column.is_rate:
            for offset, part in enumerate(RATE_PARTS):
                ws.cell(5, column + offset, part)
            _merge(ws, 4, column, 4, last)
        else:
            _merge(ws, 4, column, 5, column)
        column = last + 1
    for group, first, last in groups:
        ws.cell(3, first, group)
        _merge(ws, 3, first, 3, last)

    row_number = FIRST_DATA_ROW
    for row in table.rows:
        _data_row(ws, row_number, row, table.columns, LABEL, COUNT, RATE)
        row_number += 1
    _data_row(ws, row_number, table.total, table.columns, TOTAL_LABEL, TOTAL_COUNT, TOTAL_RATE)

    ws.column_dimensions["A"].width = LABEL_WIDTH
    column = 2
    for table_column in table.columns:
        for _ in range(3 if table_column.is_rate else 1):
            column_width = RATE_WIDTH if table_column.is_rate else COUNT_WIDTH
            ws.column_dimensions[get_column_letter(column)].width = column_width
            column += 1
    ws.row_dimensions[3].height = 20
    ws.row_dimensions[4].height = 30  # labels such as 会办意见已提交 take two lines
    ws.row_dimensions[5].height = 18

    lines = [*table.notes, *_rate_lines(table.columns), _generated(dashboard)]
    _notes(ws, row_number + 1, width, lines)
    _print_setup(ws, title_rows="3:5", freeze=f"B{FIRST_DATA_ROW}")


def _data_row(
    ws: Worksheet,
    row_number: int,
    row: Row,
    table_columns: list[Column],
    label_style: str,
    count_style: str,
    rate_style: str,
) -> None:
    """A row's label, then a count, or a rate's fraction (empty when there is nothing to
    divide by), numerator and denominator, under each column."""
    _put(ws, row_number, 1, row.label, label_style)
    column = 2
    for table_column in table_columns:
        value = row.value(table_column)
        if table_column.is_rate:
            part, whole, fraction = value
            _put(ws, row_number, column, fraction, rate_style)
            _put(ws, row_number, column + 1, part, count_style)
            _put(ws, row_number, column + 2, whole, count_style)
            column += 3
        else:
            _put(ws, row_number, column, value, count_style)
            column += 1


def _overall_sheet(ws: Worksheet, dashboard: Dashboard) -> None:
    """The overall figures as a list: each figure's group and label and its value, a
    rate with its numerator and denominator beside it."""
    headings = ["分组", "指标", "数值", "分子", "分母"]
    width = len(headings)
    _caption(ws, dashboard, _title(dashboard, OVERALL_TITLE), width)
    for column, heading in enumerate(headings, start=1):
        _put(ws, 3, column, heading, HEADING)
    row_number = 4
    group_start = row_number
    overall = _overall_columns(dashboard)
    for index, column in enumerate(overall):
        _put(ws, row_number, 1, column.group, GROUP)
        _put(ws, row_number, 2, column.label, LABEL)
        value = dashboard.total.value(column)
        if column.is_rate:
            part, whole, fraction = value
            cells = [(fraction, RATE), (part, COUNT), (whole, COUNT)]
        else:
            cells = [(value, COUNT), (None, COUNT), (None, COUNT)]
        for offset, (cell_value, style) in enumerate(cells, start=3):
            _put(ws, row_number, offset, cell_value, style)
        if index + 1 == len(overall) or overall[index + 1].group != column.group:
            _merge(ws, group_start, 1, row_number, 1)
            group_start = row_number + 1
        row_number += 1
    for letter, column_width in zip("ABCDE", [12, LABEL_WIDTH, 10, 10, 10], strict=True):
        ws.column_dimensions[letter].width = column_width
    lines = ["比率的分子、分母见其右两列。", *_rate_lines(overall), _generated(dashboard)]
    _notes(ws, row_number, width, lines)
    _print_setup(ws, title_rows="3:3", freeze="A4")


def _definitions_sheet(ws: Worksheet, dashboard: Dashboard) -> None:
    """What every column counts, then each table's own notes."""
    headings = ["分组", "指标", "统计口径"]
    widths = [12, 24, 90]
    _put(ws, 1, 1, f"{_item_noun(dashboard)}办理情况统计口径", TITLE)
    _merge(ws, 1, 1, 1, len(headings))
    ws.row_dimensions[1].height = 30
    for column, heading in enumerate(headings, start=1):
        _put(ws, 2, column, heading, HEADING)
    lines = [(c.group, c.label, c.what) for c in _overall_columns(dashboard)]
    lines += [("说明", t.title, note) for t in dashboard.tables.values() for note in t.notes]
    for row_number, (group, label, what) in enumerate(lines, start=3):
        _put(ws, row_number, 1, group, GROUP)
        _put(ws, row_number, 2, label, LABEL)
        _put(ws, row_number, 3, what, TEXT)
        wrapped = max(1, math.ceil(_text_width(what) / widths[2]))
        ws.row_dimensions[row_number].height = LINE_HEIGHT * wrapped + 4
    for letter, column_width in zip("ABC", widths, strict=True):
        ws.column_dimensions[letter].width = column_width
    _print_setup(ws, title_rows="2:2", freeze="A3")


__all__ = ["XLSX_CONTENT_TYPE", "file_name", "scope_description", "table_csv", "workbook"]
