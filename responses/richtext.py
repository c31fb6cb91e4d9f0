"""The reply letter's body: a small, sanitized subset of HTML.

Clerks edit letters as rich text; whatever a browser sends is cleaned with nh3
down to what an official letter uses: paragraphs, bold, italics, underline,
numbered and bulleted lists, line breaks, and ``<span class="redact">`` for
text the clerk marks to be left out of the published version (隐去).

Everything else in the portal (the Word document, the public version, the
diff between versions) reads the body through :func:`blocks`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

REDACT_CLASS = "redact"

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ol", "ul", "li", "span"}
ATTRIBUTES = {"span": {"class"}}
_BLOCK_TAGS = {"p", "li"}


def _only_redaction_class(tag: str, attribute: str, value: str) -> str | None:
    if tag == "span" and attribute == "class":
        return REDACT_CLASS if REDACT_CLASS in value.split() else None
    return value


def clean(markup: str) -> str:
    """Return ``markup`` reduced to the letter's subset of HTML (scripts, styles, links gone)."""
    cleaned = nh3.clean(
        markup or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_only_redaction_class,
        link_rel=None,
        strip_comments=True,
    )
    return cleaned.strip()


def from_plain(text: str) -> str:
    """Turn plain text (one paragraph per line) into the letter's HTML."""
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines if line)


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(p|br|ol|ul|li|strong|em|span)\b", text or "", re.IGNORECASE))


def normalise(text: str) -> str:
    """Clean HTML, or wrap plain text: what a form or an import hands over becomes a body."""
    return clean(text) if looks_like_html(text) else from_plain(text)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    redacted: bool = False


@dataclass
class Block:
    """One paragraph or list item, as runs of formatted text."""

    runs: list[Run]
    kind: str = "p"  # "p", or "li" for a list item
    number: int | None = None  # the item's number in an ordered list

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    def public_text(self, mask: str = "") -> str:
        return "".join(mask if run.redacted else run.text for run in self.runs)


class _Reader(HTMLParser):
    FORMATS = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.open: list[str] = []
        self.redact_depth = 0
        self.spans: list[bool] = []
        self.lists: list[list] = []  # [kind, counter]

    def _block(self, kind: str = "p") -> Block:
        if self.current is None:
            number = None
            if kind == "li" and self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                number = self.lists[-1][1]
            self.current = Block(runs=[], kind=kind, number=number)
        return self.current

    def _close_block(self):
        if self.current is not None and self.current.text.strip():
            self.blocks.append(self.current)
        self.current = None

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._close_block()
            self._block(tag)
        elif tag in ("ol", "ul"):
            self._close_block()
            self.lists.append([tag, 0])
        elif tag == "br":
            self._close_block()
        elif tag == "span":
            redacted = REDACT_CLASS in (dict(attrs).get("class") or "").split()
            self.spans.append(redacted)
            self.redact_depth += redacted
        elif tag in self.FORMATS:
            self.open.append(self.FORMATS[tag])

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self._close_block()
        elif tag in ("ol", "ul"):
            self._close_block()
            if self.lists:
                self.lists.pop()
        elif tag == "span" and self.spans:
            self.redact_depth -= self.spans.pop()
        elif tag in self.FORMATS and self.FORMATS[tag] in self.open:
            self.open.reverse()
            self.open.remove(self.FORMATS[tag])
            self.open.reverse()

    def handle_data(self, data):
        if not data.strip() and self.current is None:
            return
        self._block().runs.append(
            Run(
                text=data,
                bold="bold" in self.open,
                italic="italic" in self.open,
                underline="underline" in self.open,
                redacted=self.redact_depth > 0,
            )
        )

    def close(self):
        super().close()
        self._close_block()


def blocks(markup: str) -> list[Block]:
    """The body's paragraphs and list items, in order, each as formatted runs."""
    reader = _Reader()
    reader.feed(markup or "")
    reader.close()
    return reader.blocks


def to_plain(markup: str) -> str:
    """The body as plain text, one paragraph per line (list items keep their numbers)."""
    lines = []
    for block in blocks(markup):
        prefix = f"{block.number}. " if block.number else ""
        lines.append(prefix + block.text.strip())
    return "\n".join(lines)
