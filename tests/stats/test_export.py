"""The dashboard's exports: the workbook laid out as a 统计表, one table as CSV, and the
files' names."""

import csv
import dataclasses
import io

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from stats import export, tables
from stats.queries import Scope
from tests import factories
from tests import workflow as wf

AGENCIES = "按承办单位统计"


@pytest.fixture
def board(world) -> tables.Dashboard:
    """One item replied to by 杭州市民政局 (会办: 卫健委), and one only assigned."""
    wf.sent(world)
    wf.assigned(world, title="关于二")
    return tables.dashboard(world.staff, Scope())


@pytest.fixture
def book(board):
    return load_workbook(io.BytesIO(export.workbook(board)))


def _row_of(ws, label: str) -> int:
    """The sheet row whose first cell is ``label``."""
    for (cell,) in ws.iter_rows(min_col=1, max_col=1):
        if cell.value == label:
            return cell.row
    raise AssertionError(f"no row {label!r} in {ws.title}")


def _column_of(ws, label: str) -> int:
    """The first sheet column of the heading ``label`` (row 4 of a table's sheet)."""
    for cell in ws[4]:
        if cell.value == label:
            return cell.column
    raise AssertionError(f"no column {label!r} in {ws.title}")


def _merged(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_the_workbook_has_the_overview_each_table_and_the_definitions(board, book):
    assert book.sheetnames == ["总体情况", *[t.title for t in board.tables.values()], "统计口径"]
    assert AGENCIES in book.sheetnames


def test_a_table_sheet_has_a_title_across_it_and_the_compiler_and_date_under_it(board, book):
    ws = book[AGENCIES]
    last = get_column_letter(ws.max_column)
    assert ws["A1"].value == "建议提案办理情况统计表(承办单位)"
    assert ws["A1"].font.b and ws["A1"].font.sz == 16
    assert f"A1:{last}1" in _merged(ws)
    row_2 = [c.value for c in ws[2] if c.value]
    as_of = board.as_of
    assert row_2 == [
        "填报单位:政协提案委员会",
        f"数据截至:{as_of.year}年{as_of.month}月{as_of.day}日",
        "单位:件、%",
    ]


def test_the_heading_groups_the_columns_and_splits_each_rate_in_three(book):
    ws = book[AGENCIES]
    assert ws["A3"].value == "承办单位"
    assert "A3:A5" in _merged(ws)
    # 交办, 主办, 会办, 分办, 参阅 under 交办
    assert (ws["B3"].value, ws["B4"].value) == ("交办", "交办")
    assert "B3:F3" in _merged(ws)
    assert "B4:B5" in _merged(ws)
    rate = _column_of(ws, "办复率")
    assert [ws.cell(5, rate + i).value for i in range(3)] == ["比率", "分子", "分母"]
    assert f"{get_column_letter(rate)}4:{get_column_letter(rate + 2)}4" in _merged(ws)
    assert ws["B3"].fill.fgColor.rgb.endswith("D9D9D9")


def test_an_agency_row_has_its_counts_and_each_rate_with_its_parts(book):
    ws = book[AGENCIES]
    row = _row_of(ws, "杭州市民政局")
    assert ws.cell(row, _column_of(ws, "已答复")).value == 1
    assert ws.cell(row, _column_of(ws, "主办")).value == 2
    rate = _column_of(ws, "办复率")
    assert ws.cell(row, rate).value == 1.0
    assert "%" in ws.cell(row, rate).number_format
    assert (ws.cell(row, rate + 1).value, ws.cell(row, rate + 2).value) == (1, 1)
    assert ws.cell(row, rate).border.left.style == "thin"


def test_a_rate_with_nothing_to_divide_by_is_an_empty_cell(book):
    ws = book[AGENCIES]
    row = _row_of(ws, "杭州市卫生健康委员会")
    rate = _column_of(ws, "办复率")
    assert ws.cell(row, rate).value is None
    assert (ws.cell(row, rate + 1).value, ws.cell(row, rate + 2).value) == (0, 0)


def test_the_total_row_comes_last_in_bold(board, book):
    ws = book[AGENCIES]
    row = _row_of(ws, "合计")
    assert row == 6 + len(board.tables["agency"].rows)
    assert ws.cell(row, 1).font.b
    # Two items assigned, each counted once although two agencies handle each.
    assert ws.cell(row, _column_of(ws, "交办")).value == 2
    assert ws.cell(row, _column_of(ws, "满意率")).value is None


def test_the_notes_under_the_table_say_how_each_rate_is_worked_out(board, book):
    ws = book[AGENCIES]
    row = _row_of(ws, "合计") + 1
    notes = ws.cell(row, 1).value
    assert notes.startswith("注:")
    assert "办复率 = 已答复 ÷ 应答复" in notes
    assert "合计不等于各行之和" in notes
    assert f"统计时间:{board.generated_at:%Y-%m-%d %H:%M}" in notes
    assert f"A{row}:{get_column_letter(ws.max_column)}{row}" in _merged(ws)


def test_the_sheet_prints_landscape_with_its_heading_on_every_page(book):
    ws = book[AGENCIES]
    assert ws.freeze_panes == "B6"
    assert ws.print_title_rows == "$3:$5"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["A"].width == 28


def test_the_overview_lists_each_figure_with_a_rate_s_parts(book):
    ws = book["总体情况"]
    assert ws["A1"].value == "建议提案办理情况统计表(总体情况)"
    values = {row[1]: row[2:5] for row in ws.iter_rows(min_row=4, values_only=True)}
    assert values["交办"] == (2, None, None)
    assert values["办复率"] == (1.0, 1, 1)
    assert values["满意率"] == (None, 0, 0)
    reply_rate = _row_of_column(ws, 2, "办复率")
    assert "%" in ws.cell(reply_rate, 3).number_format


def _row_of_column(ws, column: int, label: str) -> int:
    for (cell,) in ws.iter_rows(min_col=column, max_col=column):
        if cell.value == label:
            return cell.row
    raise AssertionError(f"no {label!r} in column {column} of {ws.title}")


def test_the_definitions_say_what_every_column_counts(board, book):
    ws = book["统计口径"]
    defined = {row[1]: row[2] for row in ws.iter_rows(min_row=3, values_only=True)}
    for column in board.tables["agency"].columns:
        assert defined[column.label] == column.what
    assert defined["办复率"] == "已答复 ÷ 应答复"
    assert defined[AGENCIES].startswith("各单位按本单位的交办计数")


def test_progress_is_reported_after_each_sheet(board):
    calls = []
    data = export.workbook(board, progress=lambda done, total: calls.append((done, total)))
    sheets = len(load_workbook(io.BytesIO(data)).sheetnames)
    assert calls == [(done, sheets) for done in range(1, sheets + 1)]


def test_the_csv_has_a_header_then_each_row_and_the_total(board):
    text = export.table_csv(board, "agency")
    assert text.startswith("\ufeff")
    header, *lines = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    table = board.tables["agency"]
    assert header[0] == "承办单位"
    assert header[header.index("办复率") : header.index("办复率") + 3] == [
        "办复率",
        "办复率分子",
        "办复率分母",
    ]
    assert [line[0] for line in lines] == [row.label for row in table.rows] + ["合计"]
    by_label = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    mca = by_label["杭州市民政局"]
    assert (mca["已答复"], mca["办复率"], mca["办复率分子"], mca["办复率分母"]) == (
        "1",
        "100.0",
        "1",
        "1",
    )
    assert by_label["杭州市卫生健康委员会"]["办复率"] == ""
    assert by_label["合计"]["交办"] == "2"
    for row in [*table.rows, table.total]:
        for column in table.columns:
            if not column.is_rate:
                assert by_label[row.label][column.label] == str(row.value(column))


def test_the_csv_of_the_overall_figures_is_the_total_alone(board):
    text = export.table_csv(board, "total").removeprefix("\ufeff")
    header, *lines = csv.reader(io.StringIO(text))
    assert len(lines) == 1
    assert dict(zip(header, lines[0], strict=True))["提交"] == "2"


def test_the_scope_is_described_in_words(board, world):
    def described(**filters) -> str:
        return export.scope_description(dataclasses.replace(board, scope=Scope(**filters)))

    assert described() == "全部"
    assert described(session=world.session) == "杭州市政协十二届二次会议"
    assert (
        described(year_from=2024, year_to=2025, body="cppcc", agency=world.lead_agency)
        == "2024年至2025年 · 政协(提案) · 杭州市民政局"
    )


def test_a_session_s_sheet_is_titled_with_the_session(world):
    wf.sent(world)
    board = tables.dashboard(world.staff, Scope(session=world.session))
    book = load_workbook(io.BytesIO(export.workbook(board)))
    assert book[AGENCIES]["A1"].value == "杭州市政协十二届二次会议提案办理情况统计表(承办单位)"


def test_a_file_name_has_the_table_the_day_and_no_character_a_file_system_refuses(board):
    assert export.file_name(board, "xlsx") == f"办理情况统计-{board.as_of.isoformat()}.xlsx"
    name = export.file_name(board, "csv", "agency")
    assert name == f"办理情况统计-按承办单位统计-{board.as_of.isoformat()}.csv"
    odd = factories.AgencyFactory(name='城管/执法: "联合" 办')
    scoped = dataclasses.replace(board, scope=Scope(agency=odd))
    name = export.file_name(scoped, "xlsx", "agency")
    assert name.endswith(".xlsx")
    assert not set('/\\:*?"<> ') & set(name)
    assert "城管_执法_联合_办" in name
