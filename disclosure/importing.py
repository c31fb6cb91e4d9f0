"""Read published reply pages (答复公开页面) saved as text or HTML.

``parse_file`` and ``parse_text`` turn one saved page into its letters, each a
``ParsedLetter`` with every field the page states: the disclosure header found by its
labels (索引号, 公开方式, 文号, 成文日期, 发布日期, 发布机构, 主题分类, 办理结果), the session,
number and title of the item from the title line or the acknowledgement paragraph, the
addressees from the salutation, the co-handlers named in the acknowledgement, the
signing date, the agency's contact line and the letter's text. Everything is converted
to Simplified characters. A page holding several letters is cut at each letter's
heading and salutation. What the page does not say is None.

``disclosure.management.commands.import_replies`` stores what this module reads.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import opencc


class ParseError(Exception):
    """A page that cannot be read as published replies; the message says why."""


@dataclass
class ParsedLetter:
    index_number: str | None = None
    disclosure: str | None = None
    document_number: str | None = None
    written_on: date | None = None
    signed_on: date | None = None
    published_on: date | None = None
    agency: str | None = None
    topic: str | None = None
    session: str | None = None
    proposal_number: str | None = None
    proposal_title: str | None = None
    addressees: list[str] = field(default_factory=list)
    co_handlers: list[str] = field(default_factory=list)
    result_category: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    body: str | None = None

    def as_json(self) -> dict:
        """The fields with dates as ISO strings, for ``json.dumps``."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, date):
                data[key] = value.isoformat()
        return data

    @property
    def kind(self) -> str:
        """建议 (people's congress) or 提案 (CPPCC), as the session names it."""
        if self.session and "政协" in self.session:
            return "提案"
        if self.session and "人大" in self.session:
            return "建议"
        return ""

    def fingerprint(self) -> str:
        """A hash of the letter's text, whitespace ignored: the same letter read twice."""
        text = re.sub(r"\s+", "", self.body or "")
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


DISCLOSURE_VALUES = {"主动公开": "public", "依申请公开": "on_request", "不予公开": "withheld"}

# Labels of the disclosure header, longest first so 信息来源 wins over 来源.
LABELS = {
    "索引号": "index_number",
    "索取号": "index_number",
    "公开方式": "disclosure",
    "公开类别": "disclosure",
    "发文字号": "document_number",
    "文件编号": "document_number",
    "文号": "document_number",
    "成文日期": "written_on",
    "发布日期": "published_on",
    "公开日期": "published_on",
    "发布时间": "published_on",
    "发布机构": "publisher",
    "发布单位": "publisher",
    "发文机关": "publisher",
    "信息来源": "source",
    "来源": "source",
    "主题分类": "topic",
    "办理结果": "result_category",
    "标题": "title",
    # Labels read only to end the value before them.
    "体裁分类": None,
    "关联类型": None,
    "浏览次数": None,
    "字体大小": None,
    "字体": None,
    "查看": None,
    "生效日期": None,
}
LABEL_RE = re.compile(
    "(" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")\s*[::]"
)

NUMERAL = "〇零一二三四五六七八九十百"
ISO_DATE_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
CHINESE_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
DATE_LINE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
ORG_SUFFIX = r"(?:委员会|办公室|局|委|厅|办|部|署|院|政府|中心)"
ORG_NAME_RE = re.compile(rf"^[\u4e00-\u9fff()()]{{2,30}}{ORG_SUFFIX}$")
PAGE_AGENCY_RE = re.compile(
    rf"^([\u4e00-\u9fff]{{2,8}}[省市区县][\u4e00-\u9fff]{{1,20}}?{ORG_SUFFIX})"
)
TITLE_AGENCY_RE = re.compile(rf"^([\u4e00-\u9fff()()]{{2,40}}?{ORG_SUFFIX})(?:[((][^))]*[))])?关于")
SALUTATION_RE = re.compile(
    r"^(?:尊敬的)?[^。,,;;::“”《》]{1,150}(?:委员|代表|工作站|小组|委员会|党派|支部)[::]$"
)
HEADING_RE = re.compile(r"^(?:\d+[.、.])?.{0,80}号.{0,20}(?:答复|复函|的函)")
CONTACT_RE = re.compile(
    r"[((]?\s*联系人[::]\s*(?P<name>[^,,;;))\s]+)\s*[,,;;]?\s*"
    r"(?:联系)?电话[::]\s*(?P<phone>[\d\-—()() ]+\d)\s*[))]?"
)
REPLY_FOLLOWS_RE = re.compile(r"^(?:答复情况|答复意见|办理情况|答复内容)(?:如下)?[::]$")
PAGE_END_MARKERS = ("分享到", "扫一扫在手机打开当前页", "【本文地址】", "【打印本页】", "关闭窗口")

NPC_SESSION_RE = re.compile(
    rf"(?<![\u4e00-\u9fff])?(?:[\u4e00-\u9fff]{{2,3}}?)?(?P<level>[省市区县])第?(?P<term>[{NUMERAL}]+)届"
    rf"(?:人民代表大会|人大)第?(?P<number>[{NUMERAL}]+)次会议"
)
CPPCC_SESSION_RE = re.compile(
    rf"(?P<level>[省市区县]|全国)政协第?(?P<term>[{NUMERAL}]+)届第?(?P<number>[{NUMERAL}]+)次会议"
)
NUMBER_RES = [
    re.compile(r"第\s*(\d+)\s*号(?:代表)?(?:提案|建议|议案)"),
    re.compile(r"(?<!\d)(\d+)\s*号(?:提案|建议)"),
    re.compile(r"[((]\s*第?\s*(\d+)\s*号?(?:提案|建议)?\s*[))]"),
]
CLAUSE = r"[^,,。;;::]"
CO_HANDLER_RES = [
    re.compile(
        rf"(?:综合|汇总)({CLAUSE}+?)(?:等(?:会办)?(?:部门|单位))?的?(?:会办|回复|答复)?意见"
    ),
    re.compile(r"会同([^。;;::]+?)(?:对建议|认真|进行|共同|研究)"),
    re.compile(
        rf"({CLAUSE}+?)(?:等(?:部门|单位))?(?:结合工作实际[,,])?提出了?(?:相关|会办)(?:答复)?意见"
    ),
    re.compile(rf"结合({CLAUSE}+?)(?:等(?:部门|单位))?的?(?:回复|会办|答复)意见"),
    re.compile(rf"({CLAUSE}+?)会办(?!意见|单位)"),
    re.compile(rf"({CLAUSE}+?)经(?:认真)?研究"),
]


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _converter().convert(text)


# Reading files


class _TextExtractor(HTMLParser):
    BLOCKS = {
        "p", "div", "br", "li", "tr", "table", "section", "article", "header", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "title", "ul", "ol", "blockquote", "pre", "hr",
    }  # fmt: skip
    SKIP = {"script", "style", "head", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


HTML_RE = re.compile(r"<(?:!doctype|html|body|p|div|br|span|table|head|meta)\b", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """The page's text, one paragraph per line; scripts and styles left out."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "".join(extractor.parts)
    return re.sub(r"\n\s*\n+", "\n\n", text)


def decode(data: bytes) -> str:
    """UTF-8 text, or GB18030 as older Chinese sites save it; ParseError when neither."""
    if not data.strip():
        raise ParseError("文件为空")
    if b"\x00" in data:
        raise ParseError("不是文本文件(含二进制内容)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
        if controls > max(3, len(text) // 100):
            raise ParseError("不是文本文件(含大量控制字符)")
        return text
    raise ParseError("无法识别文件编码(应为 UTF-8 或 GB18030)")


def parse_file(path: str | Path) -> list[ParsedLetter]:
    """The letters of a saved page; ParseError says why a file cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ParseError(f"无法读取文件({error.strerror or error})") from error
    return parse_text(decode(data))


# Parsing


def _iso(text: str | None) -> date | None:
    if not text:
        return None
    match = ISO_DATE_RE.search(text) or CHINESE_DATE_RE.search(text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _lines(text: str) -> list[str]:
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\r\n", "\n")
    return [line.strip() for line in text.replace("\r", "\n").split("\n")]


def header_fields(lines: list[str]) -> dict[str, str]:
    """The labelled values of a disclosure header; the first non-empty value of each wins."""
    found: dict[str, str] = {}
    for line in lines:
        matches = list(LABEL_RE.finditer(line))
        for i, match in enumerate(matches):
            key = LABELS[match[1]]
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[match.end() : end].strip(" |")
            if key and value and key not in found:
                found[key] = value
    return found


def _strip_parenthetical(name: str) -> str:
    return re.sub(r"[((][^))]*[))]", "", name).strip()


def _agency_name(value: str | None) -> str | None:
    if not value:
        return None
    name = _strip_parenthetical(value.split()[0] if value.split() else value)
    return name if ORG_NAME_RE.match(name) else None


def _balanced_title(text: str) -> str | None:
    """The first 《…》 that names an item (关于…, …建议/提案), nested 《》 kept."""
    for start in (m.start() for m in re.finditer("《", text)):
        depth = 0
        for i in range(start, len(text)):
            if text[i] == "《":
                depth += 1
            elif text[i] == "》":
                depth -= 1
                if depth == 0:
                    title = text[start + 1 : i]
                    if title.startswith("关于") or title.endswith(("建议", "提案")):
                        return title
                    break
    match = re.search(r"[“\"](关于[^”\"]+?(?:建议|提案|议案))[”\"]", text)
    return match[1] if match else None


def _title(text: str) -> str | None:
    title = _balanced_title(text)
    if title:
        title = title.replace("〈", "《").replace("〉", "》")
    return title


def _session(text: str) -> str | None:
    candidates = []
    for regex, template in (
        (NPC_SESSION_RE, "{level}{term}届人大{number}次会议"),
        (CPPCC_SESSION_RE, "{level}政协{term}届{number}次会议"),
    ):
        match = regex.search(text)
        if match:
            candidates.append((match.start(), template.format(**match.groupdict())))
    return min(candidates)[1] if candidates else None


def _number(text: str) -> str | None:
    for regex in NUMBER_RES:
        match = regex.search(text)
        if match:
            return match[1]
    return None


def _addressees(salutation: str | None) -> list[str]:
    if not salutation:
        return []
    text = re.sub(r"^尊敬的", "", re.sub(r"[::]$", "", salutation.strip()))
    suffix = r"(?:等)?(?:人大|政协)?(?:代表|委员)$"
    names = []
    for part in re.split(r"[、,,]", re.sub(suffix, "", text)):
        name = re.sub(suffix, "", part.strip()).strip()
        if name:
            names.append(name)
    return names


def _co_handlers(text: str, agency: str | None) -> list[str]:
    own = {"我局", "我委", "我办", "本局", "民政局"}
    if agency:
        own |= {agency, re.sub(r"^[\u4e00-\u9fff]{2,3}?(?=[省市区县])", "", agency)}
    for regex in CO_HANDLER_RES:
        for match in regex.finditer(text):
            clause = re.split(r"[及和]各", match[1])[0]
            clause = re.sub(r"^(?:经|并|由|我局|我委)+", "", clause.strip())
            items = []
            for part in re.split(r"[、,,]", clause):
                name = _strip_parenthetical(re.sub(r"等(?:部门|单位)?$", "", part.strip()))
                if name and name not in own:
                    items.append(name)
            if items and all(ORG_NAME_RE.match(name) for name in items):
                return list(dict.fromkeys(items))
    return []


def _cut_at_page_end(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if line.startswith(PAGE_END_MARKERS):
            return lines[:i]
    return lines


def _letter_starts(lines: list[str]) -> list[tuple[int, int]]:
    """(start, salutation) line indexes of each letter; start is its heading when it has one."""
    starts = []
    for i, line in enumerate(lines):
        if not SALUTATION_RE.match(line):
            continue
        start = i
        previous = next((j for j in range(i - 1, -1, -1) if lines[j]), None)
        if previous is not None and HEADING_RE.match(lines[previous]):
            start = previous
        starts.append((start, i))
    return starts


def _signature(lines: list[str]) -> tuple[str | None, date | None]:
    """The signing agency and date at the foot of a letter (the last date line)."""
    for i in range(len(lines) - 1, -1, -1):
        match = DATE_LINE_RE.match(lines[i].replace(" ", ""))
        if match:
            signed = _iso(lines[i].replace(" ", ""))
            agency = next((lines[j] for j in range(i - 1, -1, -1) if lines[j]), None)
            return (_agency_name(agency) if agency else None), signed
    return None, None


def _body(lines: list[str]) -> str:
    return "\n\n".join(line for line in lines if line)


def parse_text(text: str) -> list[ParsedLetter]:
    """The letters of one page (HTML or text, Traditional or Simplified)."""
    if HTML_RE.search(text):
        text = html_to_text(text)
    lines = _cut_at_page_end(_lines(simplified(text)))
    starts = _letter_starts(lines)
    if starts:
        header_lines = lines[: starts[0][0]]
        segments = [
            (start, salutation, starts[k + 1][0] if k + 1 < len(starts) else len(lines))
            for k, (start, salutation) in enumerate(starts)
        ]
    else:
        follows = next((i for i, line in enumerate(lines) if REPLY_FOLLOWS_RE.match(line)), None)
        if follows is None:
            raise ParseError("未找到答复函(没有称呼行,也没有“答复情况如下”)")
        header_lines = lines[: follows + 1]
        segments = [(follows + 1, None, len(lines))]

    header = header_fields(header_lines)
    header_text = "\n".join(header_lines)
    page_title = next((line for line in header_lines if TITLE_AGENCY_RE.match(line)), None)
    page_heading = next((m[1] for line in header_lines if (m := PAGE_AGENCY_RE.match(line))), None)
    published_on = _iso(header.get("published_on")) or _iso(header_text)
    disclosure = header.get("disclosure", "").split()
    header_agency = (
        _agency_name(header.get("publisher"))
        or (TITLE_AGENCY_RE.match(page_title)[1] if page_title else None)
        or _agency_name(header.get("source"))
        or page_heading
    )

    letters = []
    for start, salutation, end in segments:
        segment = lines[start:end]
        body_from = (salutation - start) if salutation is not None else 0
        contact_at = next(
            (i for i in range(len(segment) - 1, -1, -1) if CONTACT_RE.search(segment[i])), None
        )
        if contact_at is not None:
            segment = segment[: contact_at + 1]
        signer, signed_on = _signature(segment)
        if contact_at is None and signed_on is not None:
            last_date = max(
                i for i, line in enumerate(segment) if DATE_LINE_RE.match(line.replace(" ", ""))
            )
            segment = segment[: last_date + 1]
        letter_lines = segment[body_from:]
        paragraphs = [line for line in letter_lines if line]
        heading = "\n".join(segment[:body_from])
        opening = "\n".join(paragraphs[:3])
        acknowledgement = f"{page_title or ''}\n{heading}\n{opening}"
        agency = signer or header_agency
        contact = CONTACT_RE.search(segment[contact_at]) if contact_at is not None else None
        letters.append(
            ParsedLetter(
                index_number=header["index_number"].split()[0]
                if "index_number" in header
                else None,
                disclosure=DISCLOSURE_VALUES.get(disclosure[0]) if disclosure else None,
                document_number=header.get("document_number"),
                written_on=signed_on or _iso(header.get("written_on")),
                signed_on=signed_on,
                published_on=published_on,
                agency=agency,
                topic=header.get("topic"),
                session=_session(acknowledgement) or _session(header_text),
                proposal_number=_number(acknowledgement) or _number(header_text),
                proposal_title=_title(opening) or header.get("title"),
                addressees=_addressees(lines[salutation] if salutation is not None else None),
                co_handlers=_co_handlers(opening, agency),
                result_category=header.get("result_category"),
                contact_name=contact["name"] if contact else None,
                contact_phone=contact["phone"].strip() if contact else None,
                body=_body(letter_lines) or None,
            )
        )
    # A page of several letters of one session: letters that do not name it take it
    # from the others, when those all name the same one.
    named = {letter.session for letter in letters if letter.session}
    if len(letters) > 1 and len(named) == 1:
        for letter in letters:
            letter.session = letter.session or next(iter(named))
    return letters
