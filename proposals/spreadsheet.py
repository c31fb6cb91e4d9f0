"""The assignment list (交办清单) as an Excel workbook: its columns, its template, its reading.

This module knows the file's shape only. Whether a row can be imported (who
the names are, whether the number is free) is decided in
``proposals.services.importing``.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .errors import InvalidInput

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "交办清单导入模板.xlsx"

# Names in one cell: 、 , , ; ; or a line break (Alt+Enter in Excel). Spaces belong to names.
NAME_SEPARATORS = re.compile(r"[、,,;;\r\n]+")

# A header row wider than this is not an assignment list.
MAX_COLUMNS = 50
MAX_BLANK_RUN = 1000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    example: str
    width: int = 16


COLUMNS = (
    Column("number", "编号", True, "本次会议的编号,如 0238;同一会议内不能重复。", "0238", 10),
    Column("title", "标题", True, "不超过 300 字。", "关于加快推进老旧小区加装电梯的建议", 40),
    Column(
        "lead_proposer",
        "领衔人",
        True,
        "提出人名册中的姓名或集体名称,只填一人。",
        "戚敏敏",
    ),
    Column(
        "co_signers",
        "联名人",
        False,
        "按联名顺序填写,用顿号(、)、逗号或分号分隔;没有则留空。",
        "郭锦、邱小燕",
        24,
    ),
    Column(
        "lead_agency",
        "主办单位",
        False,
        "单位全称或简称,只填一个;分办时留空。",
        "市民政局",
        20,
    ),
    Column(
        "co_agencies",
        "会办单位",
        False,
        "可填多个,用顿号、逗号或分号分隔;须同时填写主办单位。",
        "市卫生健康委、市住房保障局",
        28,
    ),
    Column(
        "split_agencies",
        "分办单位",
        False,
        "各单位分别答复时填写两个及以上单位,此时主办单位、会办单位留空。",
        "",
        28,
    ),
    Column("is_key", "重点", False, "是否列为重点督办件:填“是”或“否”,留空为否。", "否", 8),
    Column("body", "内容", False, "建议提案正文,可留空。", "一、关于……\n二、关于……", 40),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
_BY_HEADER = {c.header: c for c in COLUMNS}


def split_names(text: str) -> list[str]:
    """The names in one cell, in order, without blanks."""
    return [n.strip() for n in NAME_SEPARATORS.split(text or "") if n.strip()]


def template_workbook() -> bytes:
    """Return the import template: the list with its header and an example row, and the guide."""
    book = Workbook()
    sheet = book.active
    sheet.title = "交办清单"
    sheet.append([c.header for c in COLUMNS])
    sheet.append([c.example for c in COLUMNS])
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True, color="C00000" if column.required else "000000")
        if column.required:
            header.fill = required_fill
        header.comment = Comment(("必填。" if column.required else "选填。") + column.help, "")
        sheet.column_dimensions[letter].width = column.width
        sheet.cell(row=2, column=index).font = Font(italic=True, color="808080")
    # Numbers like 0238 must stay text, or Excel drops the leading zero.
    number_letter = get_column_letter(COLUMN_KEYS.index("number") + 1)
    for row in range(2, 1002):
        sheet[f"{number_letter}{row}"].number_format = "@"
    key_letter = get_column_letter(COLUMN_KEYS.index("is_key") + 1)
    choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    choice.error, choice.errorTitle = "请填写“是”或“否”。", "重点"
    sheet.add_data_validation(choice)
    choice.add(f"{key_letter}2:{key_letter}5001")
    sheet.freeze_panes = "A2"

    guide = book.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "说明"])
    for column in COLUMNS:
        guide.append([column.header, "必填" if column.required else "选填", column.help])
    guide.append([])
    for line in (
        "第一个工作表的第一行为列名,请勿修改;第二行为示例,导入前请改写或删除。",
        "会议在上传页面选择;建议或提案按会议所属的人大或政协确定。",
        "每行须填写主办单位(可加会办单位)或分办单位,二者只能选一种。",
        f"每个文件不超过 {settings.PORTAL['IMPORT_MAX_ROWS']} 行、"
        f"{settings.PORTAL['IMPORT_MAX_MB']} MB。",
    ):
        guide.append([line])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 70

    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    """A cell's value as the text staff typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _header_name(value) -> str:
    # Tolerate the marks people add to headers: 编号*, 编号(必填), spaces.
    text = re.sub(r"[((][^))]*[))]", "", _text(value))
    return re.sub(r"[\s*＊]", "", text)


def _columns(header: tuple) -> list[str | None]:
    """Map each column of the header row to a column key; refuse unknown or missing headers."""
    names = [_header_name(v) for v in header]
    while names and not names[-1]:
        names.pop()
    unknown = [n for n in names if n and n not in _BY_HEADER]
    if unknown:
        raise InvalidInput(
            f"第一行有不认识的列名:{'、'.join(unknown)}。"
            f"列名应为:{'、'.join(_BY_HEADER)}。请使用导入模板。",
            field="file",
        )
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:
        raise InvalidInput(f"列名重复:{'、'.join(doubled)}。", field="file")
    missing = [c.header for c in COLUMNS if c.required and c.header not in names]
    if missing:
        raise InvalidInput(
            f"缺少必填的列:{'、'.join(missing)}。第一行须为列名,请使用导入模板。",
            field="file",
        )
    return [_BY_HEADER[n].key if n else None for n in names]


def _check_file(upload) -> str:
    name = PurePath(upload.name or "").name[:200]
    limit_mb = settings.PORTAL["IMPORT_MAX_MB"]
    if upload.size > limit_mb * 1024 * 1024:
        raise InvalidInput(f"“{name}”超过 {limit_mb} MB,请分成几个文件上传。", field="file")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InvalidInput(
            f"“{name}”是旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 后再上传。",
            field="file",
        )
    if PurePath(name).suffix.lower() != ".xlsx" or not head.startswith(b"PK\x03\x04"):
        raise InvalidInput(
            f"“{name}”不是 Excel 工作簿(.xlsx),请使用导入模板填写后上传。", field="file"
        )
    return name


def read_rows(upload) -> list[dict]:
    """Return the non-empty rows of the first sheet, each a dict of column key to text.

    Each row also carries ``line``, its row number in Excel, for messages.
    Raise ``InvalidInput`` for a file that is not a readable assignment list:
    not an .xlsx, damaged, too large, without the header row, or without rows.
    """
    name = _check_file(upload)
    max_rows = settings.PORTAL["IMPORT_MAX_ROWS"]
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:
        # openpyxl reports a damaged file with whatever its zip or XML layer raised.
        logger.info("Unreadable import file %r: %r", name, error)
        raise InvalidInput(f"“{name}”已损坏或不是 Excel 工作簿,无法读取。", field="file") from None
    try:
        rows = _sheet_rows(book, name, max_rows)
    except InvalidInput:
        raise
    except Exception as error:
        logger.info("Unreadable sheet in import file %r: %r", name, error)
        raise InvalidInput(f"“{name}”已损坏,无法读取其中的表格。", field="file") from None
    finally:
        book.close()
    if not rows:
        raise InvalidInput(f"“{name}”中只有列名,没有要导入的行。", field="file")
    return rows


def _sheet_rows(book, name: str, max_rows: int) -> list[dict]:
    if not book.worksheets:
        raise InvalidInput(f"“{name}”中没有工作表。", field="file")
    sheet = book.worksheets[0]
    # Files written by some programs declare wrong dimensions; read what is there.
    sheet.reset_dimensions()
    cells = enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1)
    header = next((values for _, values in cells if any(_text(v) for v in values)), None)
    if header is None:
        raise InvalidInput(f"“{name}”的第一个工作表是空的,请使用导入模板填写。", field="file")
    keys = _columns(header)
    rows, blank_run = [], 0
    for line, values in cells:
        texts = [_text(v) for v in values[: len(keys)]]
        if not any(texts):
            # Formatted but empty rows can run to the sheet's end; a long gap ends the list.
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(rows) == max_rows:
            raise InvalidInput(f"“{name}”超过 {max_rows} 行,请分成几个文件上传。", field="file")
        row = dict.fromkeys(COLUMN_KEYS, "")
        row.update({key: text for key, text in zip(keys, texts, strict=False) if key})
        row["line"] = line
        rows.append(row)
    return rows
