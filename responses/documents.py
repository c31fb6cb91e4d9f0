"""The reply letter as a Word document, in the layout of official letters (GB/T 9704-2012).

The layout is a docxtpl template. The portal's standard one is built here in code with
python-docx, once per process: A4 with the standard margins (top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm), the title centred in 方正小标宋简体 二号, the body in 仿宋_GB2312
三号 on a fixed 28.95 pt line with a two-character first-line indent, headings ``一、…`` in
黑体 and ``(一)…`` in 楷体_GB2312, the signing agency and the date on the right, and the page
number as ``— 1 —`` in 宋体 四号 in the footer (right on odd pages, left on even ones).
Fonts are named in the document, never embedded: the reader's machine supplies them.

An agency may upload its own template (``ReplyTemplate.docx``), e.g. with its letterhead. It
uses the variables of :data:`DOCX_VARIABLES`: typically ``{{ title }}``,
``{{ document_number }}`` and, on a paragraph of its own, ``{{p body }}``, which becomes the
body already laid out as above. :func:`check_docx_template` vets such an upload.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaError
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import drafting, richtext

logger = logging.getLogger(__name__)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
PAGE_NUMBER_SIZE = 14  # 四号
# A fixed 28.95 pt line (in twips): 22 lines fill the 225 mm type area.
LINE = 579
CHAR = BODY_SIZE * 20  # one character of the body, in twips

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_TEMPLATE_UNPACKED = 50 * 1024 * 1024

DOCX_VARIABLES = {
    "title": "标题,如“杭州市民政局关于市政协十二届二次会议第607号提案的答复”",
    "document_number": "发文字号,如“杭民函〔2023〕45号”;未填写时为空",
    "agency": "承办单位全称",
    "session": "会议名称,如“市政协十二届二次会议”",
    "number": "建议提案编号,如“607”",
    "kind": "建议或提案",
    "proposal_title": "建议提案标题",
    "date": "成文日期(中文),如“2023年5月26日”;签发前为空",
    "body": "已按公文格式排好的正文(含称呼、署名、日期和联系人);须单独成段,写作 {{p body }}",
    "blocks": (
        "正文的段落列表,供自行排版:每段有 text(文字)、role(addressee 称呼、paragraph 正文、"
        "heading1 一级标题、heading2 二级标题、item 列表项、signature 署名、date 日期、"
        "note 附注)和 runs(保留加粗等格式的文字,写作 {{r block.runs }})"
    ),
}


class DocxTemplateError(ValueError):
    """A Word template that cannot be used, with a message the person uploading can act on."""


class _Environment(SandboxedEnvironment):
    """Templates come from agencies: they render in a sandbox, and every value is escaped for
    XML unless it is markup built here. A Word template renders many letters, so each of its
    parts is compiled once."""

    def __init__(self):
        super().__init__(autoescape=True)
        self._compiled = lru_cache(maxsize=256)(super().from_string)

    def from_string(self, source, globals=None, template_class=None):
        if globals is None and template_class is None:
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


_ENV = _Environment()

# ---------------------------------------------------------------------------------------------
# The body, paragraph by paragraph

_FIRST_LEVEL = re.compile(r"^[一二三四五六七八九十百]+、")
_SECOND_LEVEL = re.compile(r"^[(\uff08][一二三四五六七八九十百]+[)\uff09]")
_DATE = re.compile(
    r"^(\d{4}|[〇○零一二三四五六七八九]{4})年"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})月"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})日$"
)
# Letters are typed with full-width punctuation; imported text often has the ASCII kind.
_SENTENCE_PUNCTUATION = set("。,;:!?\uff0c\uff1b\uff1a\uff01\uff1f")
_OPENING, _CLOSING, _COLON = "(\uff08", ")\uff09", ":\uff1a"
_EDGE_SPACE = " \t\r\n\u3000\xa0"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAKS = re.compile(r"[\t\r\n\f]+")
_SIGNATURE_LINES = 3  # a joint reply is signed by a few agencies, one per line
_SIGNATURE_LENGTH = 40
_CLOSINGS = {"此复", "特此函复", "特此答复", "特此回复"}


@dataclass
class Paragraph:
    """One paragraph of the letter as laid out: its role and its runs, each with its font."""

    role: str
    runs: list[tuple[richtext.Run, str]]
    right_chars: float = 0  # right indent of the signature and date, in characters
    space_before: bool = False  # a blank line above (before the signature)

    @property
    def text(self) -> str:
        return "".join(run.text for run, _ in self.runs)

    @property
    def align(self) -> str:
        return {"signature": "right", "date": "right"}.get(self.role, "both")

    def for_template(self) -> dict:
        return {
            "text": self.text,
            "role": self.role,
            "align": self.align,
            "runs": Markup("".join(_run_xml(run) for run, _ in self.runs)),
        }


def _clean(text: str) -> str:
    return _BREAKS.sub(" ", _CONTROL.sub("", text))


def _trim(runs: list[richtext.Run]) -> list[richtext.Run]:
    """Drop the spaces a letter was aligned with (the indent and the right alignment are
    the layout's now) and empty runs."""
    runs = [replace(run, text=_clean(run.text)) for run in runs]
    while runs and not runs[0].text.strip(_EDGE_SPACE):
        runs.pop(0)
    while runs and not runs[-1].text.strip(_EDGE_SPACE):
        runs.pop()
    if not runs:
        return []
    runs[0] = replace(runs[0], text=runs[0].text.lstrip(_EDGE_SPACE))
    runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip(_EDGE_SPACE))
    return [run for run in runs if run.text]


def _split(runs: list[richtext.Run], at: int):
    """The runs cut at character ``at``: (before, after)."""
    before, after, seen = [], [], 0
    for run in runs:
        if seen + len(run.text) <= at:
            before.append(run)
        elif seen >= at:
            after.append(run)
        else:
            cut = at - seen
            before.append(replace(run, text=run.text[:cut]))
            after.append(replace(run, text=run.text[cut:]))
        seen += len(run.text)
    return before, after


def _heading(role: str, font: str, runs: list[richtext.Run]) -> Paragraph:
    """A numbered heading. When the text runs on after its first sentence (``一、…。我市…``),
    only that sentence takes the heading font, the rest stays in the body font."""
    text = "".join(run.text for run in runs)
    stop = text.find("。")
    if 0 <= stop < len(text) - 1:
        lead, rest = _split(runs, stop + 1)
        return Paragraph(role, [(r, font) for r in lead] + [(r, BODY_FONT) for r in rest])
    return Paragraph(role, [(r, font) for r in runs])


def _width(text: str) -> float:
    """The text's width in characters of the body: Chinese is one, Latin and digits half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def _is_note(text: str) -> bool:
    return text[:1] in _OPENING and text[-1:] in _CLOSING


def _is_signature(text: str) -> bool:
    return (
        len(text) <= _SIGNATURE_LENGTH
        and text not in _CLOSINGS
        and not _SENTENCE_PUNCTUATION & set(text)
        and not _FIRST_LEVEL.match(text)
        and not _SECOND_LEVEL.match(text)
        and not _DATE.match(text)
    )


def _mark_signature(paragraphs: list[Paragraph]) -> None:
    """Find the closing lines (the signing agency over the date, before any trailing
    ``(联系人:…)``) and set them on the right, as GB/T 9704 does for an unsealed letter: the
    longest line two characters from the right margin, the others centred over it."""
    end = len(paragraphs) - 1
    while end > 0 and _is_note(paragraphs[end].text):
        paragraphs[end].role = "note"
        end -= 1
    date = paragraphs[end] if end > 0 else None
    if date is None or not _DATE.match(re.sub(r"\s", "", date.text)):
        return
    date.role = "date"
    closing = [date]
    start = end - 1
    while start > 0 and len(closing) <= _SIGNATURE_LINES and _is_signature(paragraphs[start].text):
        paragraphs[start].role = "signature"
        closing.insert(0, paragraphs[start])
        start -= 1
    widest = max(_width(p.text) for p in closing)
    for paragraph in closing:
        paragraph.right_chars = 2 + (widest - _width(paragraph.text)) / 2
    closing[0].space_before = True


def letter_paragraphs(body: str, *, public: bool = False) -> list[Paragraph]:
    """The letter's body as laid-out paragraphs; ``public`` leaves out text marked 隐去."""
    paragraphs = []
    for block in richtext.blocks(richtext.normalise(body)):
        runs = [run for run in block.runs if not (public and run.redacted)]
        if block.kind == "li" and block.number:
            runs.insert(0, richtext.Run(f"{block.number}."))
        runs = _trim(runs)
        if not runs:
            continue
        text = "".join(run.text for run in runs)
        if not paragraphs and text[-1:] in _COLON and "。" not in text:
            paragraphs.append(Paragraph("addressee", [(r, BODY_FONT) for r in runs]))
        elif _FIRST_LEVEL.match(text):
            paragraphs.append(_heading("heading1", HEADING_FONT, runs))
        elif _SECOND_LEVEL.match(text):
            paragraphs.append(_heading("heading2", SUBHEADING_FONT, runs))
        else:
            role = "item" if block.kind == "li" else "paragraph"
            paragraphs.append(Paragraph(role, [(r, BODY_FONT) for r in runs]))
    if paragraphs:
        _mark_signature(paragraphs)
    return paragraphs


# ---------------------------------------------------------------------------------------------
# WordprocessingML, children in the order the schema requires


def _rpr(font: str | None, size: int | None, run: richtext.Run) -> str:
    parts = []
    if font:
        parts.append(
            f'<w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}" w:cs="{font}"'
            ' w:hint="eastAsia"/>'
        )
    if run.bold:
        parts.append("<w:b/><w:bCs/>")
    if run.italic:
        parts.append("<w:i/><w:iCs/>")
    if size:
        parts.append(f'<w:sz w:val="{size * 2}"/><w:szCs w:val="{size * 2}"/>')
    if run.underline:
        parts.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def _run_xml(run: richtext.Run, font: str | None = None, size: int | None = None) -> str:
    return f'<w:r>{_rpr(font, size, run)}<w:t xml:space="preserve">{escape(run.text)}</w:t></w:r>'


def _paragraph_xml(paragraph: Paragraph) -> str:
    before = LINE if paragraph.space_before else 0
    spacing = f'<w:spacing w:before="{before}" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
    if paragraph.role in ("signature", "date"):
        chars = paragraph.right_chars
        indent = f'<w:ind w:right="{round(chars * CHAR)}" w:rightChars="{round(chars * 100)}"/>'
        align = '<w:jc w:val="right"/>'
    elif paragraph.role == "addressee":
        indent, align = "", '<w:jc w:val="both"/>'
    else:
        indent = f'<w:ind w:firstLine="{2 * CHAR}" w:firstLineChars="200"/>'
        align = '<w:jc w:val="both"/>'
    runs = "".join(_run_xml(run, font, BODY_SIZE) for run, font in paragraph.runs)
    return f"<w:p><w:pPr>{spacing}{indent}{align}</w:pPr>{runs}</w:p>"


def body_xml(paragraphs: list[Paragraph]) -> Markup:
    """The paragraphs as WordprocessingML, ready for ``{{p body }}``."""
    return Markup("".join(_paragraph_xml(p) for p in paragraphs))


# ---------------------------------------------------------------------------------------------
# The standard template


def _fonts(element_rpr, font: str, size: int) -> None:
    """Name the font for every script (ascii, hAnsi, eastAsia, cs) and set the size."""
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for slot in ("w:ascii", "w:eastAsia", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), font)
    fonts.set(qn("w:hint"), "eastAsia")
    for tag in ("w:sz", "w:szCs"):
        found = element_rpr.find(qn(tag))
        if found is None:
            found = OxmlElement(tag)
            element_rpr.append(found)
        found.set(qn("w:val"), str(size * 2))


def _run(paragraph, text: str, font: str = BODY_FONT, size: int = BODY_SIZE):
    run = paragraph.add_run(text)
    _fonts(run._r.get_or_add_rPr(), font, size)
    return run


def _line(document, text: str = "", *, font=BODY_FONT, size=BODY_SIZE, align=None):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE)
    if align is not None:
        paragraph.alignment = align
    if text:
        _run(paragraph, text, font, size)
    return paragraph


def _field(paragraph, instruction: str, placeholder: str, font: str, size: int) -> None:
    """A field (e.g. PAGE) as Word writes it: begin, instruction, separate, result, end."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        run = _run(paragraph, "", font, size)
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
        else:
            mark = OxmlElement("w:instrText")
            mark.set(qn("xml:space"), "preserve")
            mark.text = text
        run._r.append(mark)
    _run(paragraph, placeholder, font, size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    _run(paragraph, "", font, size)._r.append(end)


def _page_number(footer, align) -> None:
    """``— 1 —`` in 宋体 四号, one character in from the outer edge."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    one_char = Pt(PAGE_NUMBER_SIZE)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = one_char
    else:
        fmt.left_indent = one_char
    _run(paragraph, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field(paragraph, " PAGE ", "1", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _run(paragraph, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _defaults(document) -> None:
    """The body's font, size, language and line as the document's defaults, so that
    anything added to the letter in Word matches it."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _fonts(rpr, BODY_FONT, BODY_SIZE)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(LINE))
        spacing.set(qn("w:lineRule"), "exact")


@cache
def default_template() -> bytes:
    """The portal's standard letter layout as a docxtpl template (built once per process)."""
    document = Document()
    _defaults(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's line sits about 7 mm below the type area.
    section.footer_distance = Mm(21)

    _line(document, "{%p if document_number %}")
    _line(document, "{{ document_number }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(document)
    _line(document, "{%p endif %}")
    _line(
        document, "{{ title }}", font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _line(document)
    _line(document, "{{p body }}")

    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    properties = document.core_properties
    properties.author = properties.comments = properties.last_modified_by = ""
    properties.title = properties.subject = properties.keywords = ""
    _slim(document)
    out = io.BytesIO()
    document.save(out)
    return _with_font_table(out.getvalue())


# Parts of python-docx's starting document a letter does not use; fewer parts to read and
# write makes every letter faster.
_UNUSED_PARTS = {"stylesWithEffects", "webSettings", "customXml", "numbering", "thumbnail"}
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Footer", "FooterChar"}


def _slim(document) -> None:
    for rels in (document.part.package.rels, document.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _UNUSED_PARTS:
                rels.pop(rid)
    styles = document.styles.element
    for child in list(styles):
        if child.tag == qn("w:latentStyles") or (
            child.tag == qn("w:style") and child.get(qn("w:styleId")) not in _KEPT_STYLES
        ):
            styles.remove(child)
    lang = document.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")


# The fonts the layout names, with the font Word should use where one is missing: Windows
# today ships 仿宋 and 楷体, not the older 仿宋_GB2312 and 楷体_GB2312.
_SUBSTITUTES = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    HEADING_FONT: "SimHei",
    SUBHEADING_FONT: "楷体",
    PAGE_NUMBER_FONT: "SimSun",
}


def _with_font_table(package: bytes) -> bytes:
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in _SUBSTITUTES.items()
    )
    table = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"{fonts}</w:fonts>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = table if item.filename == "word/fontTable.xml" else old.read(item)
            new.writestr(item, data)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Rendering


def letter_title(letter) -> str:
    """杭州市民政局关于市政协十二届二次会议第607号提案的答复"""
    assignment = letter.assignment
    proposal = assignment.proposal
    agency = assignment.agency.name
    if proposal.number:
        return (
            f"{agency}关于{proposal.session.label}第{proposal.number}号"
            f"{proposal.get_kind_display()}的答复"
        )
    return f"{agency}关于《{proposal.title}》的答复"


def docx_filename(letter) -> str:
    """第607号提案答复函.docx (a later round says so)."""
    proposal = letter.assignment.proposal
    name = f"第{proposal.number}号{proposal.get_kind_display()}答复函"
    if not proposal.number:
        name = f"{proposal.get_kind_display()}答复函"
    if letter.round > 1:
        name += f"(第{letter.round}次办理)"
    return f"{name}.docx"


def letter_context(letter, *, public: bool = False) -> dict:
    """What a Word template is rendered with; see :data:`DOCX_VARIABLES`."""
    assignment = letter.assignment
    proposal = assignment.proposal
    paragraphs = letter_paragraphs(letter.body, public=public)
    return {
        "title": letter_title(letter),
        "document_number": letter.document_number,
        "agency": assignment.agency.name,
        "session": proposal.session.label,
        "number": proposal.number,
        "kind": proposal.get_kind_display(),
        "proposal_title": proposal.title,
        "date": drafting.chinese_date(letter.written_on) if letter.written_on else "",
        "body": body_xml(paragraphs),
        "blocks": [p.for_template() for p in paragraphs],
    }


def _render(template: bytes, context: dict) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=_ENV, autoescape=True)
    properties = document.docx.core_properties
    properties.title = context["title"]
    properties.author = properties.last_modified_by = context["agency"]
    properties.created = properties.modified = timezone.now()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _agency_template(letter) -> bytes | None:
    template = drafting.template_for(letter.assignment)
    if template is None or not template.docx:
        return None
    try:
        with template.docx.open("rb") as file:
            return file.read()
    except OSError:
        logger.warning("答复函 Word 模板文件无法读取:%s", template.docx.name, exc_info=True)
        return None


def letter_docx(letter, *, public: bool = False) -> bytes:
    """The letter as a .docx: in the agency's own Word template when it has one, else in the
    standard layout. ``public`` leaves out the text marked to be hidden when published."""
    context = letter_context(letter, public=public)
    custom = _agency_template(letter)
    if custom is not None:
        try:
            return _render(custom, context)
        except Exception:  # an uploaded template may fail in many ways; the letter must not
            logger.warning(
                "答复函 Word 模板无法生成,改用标准版式(答复函 %s)", letter.pk, exc_info=True
            )
    return _render(default_template(), context)


# ---------------------------------------------------------------------------------------------
# Vetting an agency's template

SAMPLE_BODY = (
    "<p>戚敏敏委员:</p>"
    "<p>您在市政协十二届二次会议上提出的《关于完善“15分钟公共服务圈”,打造一站式社区服务"
    "综合体的建议》(第607号)收悉。我局高度重视,认真研究,经综合市卫生健康委的会办意见,"
    "现将办理情况答复如下:</p>"
    "<p><strong>一、关于加强规划布局</strong></p>"
    "<p>我市建立专班工作机制,<u>定期检查重点工作进度</u>,确保各项政策落到实处。</p>"
    "<p>(一)关于社区服务综合体建设</p>"
    "<ol><li>新建、改建社区服务综合体;</li><li>盘活存量用房。</li></ol>"
    "<p>下一步,我局将继续加大社区服务综合体建设力度。</p>"
    "<p>感谢您对我们工作的关心和支持。</p>"
    "<p>杭州市民政局</p><p>2023年5月26日</p>"
    '<p>(联系人:<span class="redact">吴强</span>,联系电话:<span class="redact">89586323'
    "</span>)</p>"
)


def sample_context() -> dict:
    """A letter to try a template against: every variable, every kind of paragraph."""
    paragraphs = letter_paragraphs(SAMPLE_BODY)
    return {
        "title": "杭州市民政局关于市政协十二届二次会议第607号提案的答复",
        "document_number": "杭民函〔2023〕45号",
        "agency": "杭州市民政局",
        "session": "市政协十二届二次会议",
        "number": "607",
        "kind": "提案",
        "proposal_title": "关于完善“15分钟公共服务圈”,打造一站式社区服务综合体的建议",
        "date": "2023年5月26日",
        "body": body_xml(paragraphs),
        "blocks": [p.for_template() for p in paragraphs],
    }


def _near(error: Exception) -> str:
    lines = [line.strip() for line in getattr(error, "docx_context", None) or []]
    text = "".join(line for line in lines if line)[:40]
    return f"(在“{text}”附近)" if text else ""


_TAG_MARKS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_TAG_PAIRS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_TEMPLATE_PARTS = ("document.main+xml", "header+xml", "footer+xml")


def _unbalanced_tag(data: bytes) -> str | None:
    """The text of the first paragraph whose template marks do not pair up. A tag must open
    and close within its paragraph: one left open swallows the paragraphs after it."""
    package = Document(io.BytesIO(data)).part.package
    for part in package.iter_parts():
        if not part.content_type.endswith(_TEMPLATE_PARTS):
            continue
        for paragraph in part.element.iter(qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            expected = None
            for mark in _TAG_MARKS.findall(text):
                if mark in _TAG_PAIRS and expected is None:
                    expected = _TAG_PAIRS[mark]
                elif mark == expected:
                    expected = None
                else:
                    return text[:40]
            if expected is not None:
                return text[:40]
    return None


def check_docx_template(uploaded_file) -> None:
    """Refuse an agency's Word template that cannot be used, with the reason in Chinese:
    not a .docx, damaged, bad template markup, unknown variables, or no place for the body."""
    name = getattr(uploaded_file, "name", "") or ""
    if not name.lower().endswith(".docx"):
        raise DocxTemplateError("请上传 .docx 格式的 Word 文档(不支持 .doc、.wps、.dotx 等格式)。")
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_TEMPLATE_BYTES:
        raise DocxTemplateError("模板文件不能超过 10 MB。")
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_TEMPLATE_BYTES + 1)
    uploaded_file.seek(0)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise DocxTemplateError("模板文件不能超过 10 MB。")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocxTemplateError("文件不是有效的 Word(.docx)文档:可能已损坏,或只是改了扩展名。")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if sum(item.file_size for item in package.infolist()) > MAX_TEMPLATE_UNPACKED:
            raise DocxTemplateError("模板文件解压后过大,请精简后重新上传。")
    try:
        Document(io.BytesIO(data))
    except Exception as error:
        raise DocxTemplateError(
            "无法打开这份 Word 文档:它可能已损坏,或是模板(.dotx)、启用宏的文档(.docm)。"
            "请在 Word 中另存为 .docx 后重新上传。"
        ) from error

    unbalanced = _unbalanced_tag(data)
    if unbalanced:
        raise DocxTemplateError(
            f"模板标记有误(在“{unbalanced}”中):{{{{ 与 }}}}、{{% 与 %}} 须成对,且写在同一段内。"
        )
    try:
        rendered = _render(data, sample_context())
        Document(io.BytesIO(rendered))
    except TemplateSyntaxError as error:
        raise DocxTemplateError(f"模板标记有误{_near(error)}:{error.message}") from error
    except JinjaError as error:
        raise DocxTemplateError(f"模板无法生成{_near(error)}:{error}") from error
    except Exception as error:
        raise DocxTemplateError(
            f"模板无法生成:{error}。请检查 {{% %}} 标记是否成对、是否各自单独成段。"
        ) from error

    used = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env=_ENV)
    unknown = sorted(used - set(DOCX_VARIABLES) - set(_ENV.globals))
    if unknown:
        raise DocxTemplateError(
            f"模板使用了未定义的变量:{'、'.join(unknown)}。"
            f"可用的变量有:{'、'.join(DOCX_VARIABLES)}。"
        )
    if not used & {"body", "blocks"}:
        raise DocxTemplateError("模板中没有正文的位置:请在单独的一段中写入 {{p body }}。")


# ---------------------------------------------------------------------------------------------
# A published reply, as the public downloads it


def publication_docx(publication) -> bytes:
    """A published reply in the standard layout, from its public text (already redacted)."""
    paragraphs = letter_paragraphs(publication.body, public=True)
    context = {
        "title": publication.title,
        "document_number": publication.document_number,
        "agency": publication.publisher,
        "session": publication.session_label,
        "number": publication.proposal_number,
        "kind": publication.kind,
        "proposal_title": publication.proposal_title,
        "date": drafting.chinese_date(publication.written_on) if publication.written_on else "",
        "body": body_xml(paragraphs),
        "blocks": [p.for_template() for p in paragraphs],
    }
    return _render(default_template(), context)
