"""The public version of a reply letter: the text as published, without the proposers'
contact details and without what the clerk marked to be left out.

Removed:

- text inside ``<span class="redact">`` (marked by the clerk while drafting);
- every phone number, e-mail address and postal address recorded for the item's
  proposers (the lead, the co-signers, and the proposers of items merged into it),
  wherever it appears: a number also with spaces, hyphens, brackets, ``+86`` or
  full-width digits, a landline also without its area code, an address also with spaces;
- any other mobile number (``1[3-9]`` and nine digits) and e-mail address, and any
  landline written after 电话, 手机, 联系方式, 座机 or 传真.

Kept: the agency's own contact, which published letters carry (``(联系人:吴强,
联系电话:89586323)``): the agency's recorded contact phone, and every number or mailbox
in a ``联系人:…`` line that names someone other than a proposer. Government mailboxes
(``….gov.cn``) are kept too. A proposer's own recorded details are removed even there.

Each removed stretch is replaced by ``***``, so a reader sees that something was
withheld (as published letters do) and the sentence still reads; a paragraph made
only of removed text becomes a paragraph of ``***``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from responses import richtext

MASK = "***"

MARKED = "标记隐去的内容"
PROPOSER_PHONE = "提出人电话"
PROPOSER_EMAIL = "提出人电子邮箱"
PROPOSER_ADDRESS = "提出人通讯地址"
MOBILE = "手机号码"
LANDLINE = "电话号码"
EMAIL = "电子邮箱"

# Addresses shorter than this are not looked for: a bare "杭州市" would blank the letter.
MIN_ADDRESS_LENGTH = 6

_SEP = r"[\s\-‐–—.()]{0,2}"
_MOBILE = r"(?:\+?86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}"
_LANDLINE = r"(?:\(?0\d{2,3}\)?[\s\-]?)?\d{7,8}(?:(?:转|-)\d{1,6})?"
_NOT_AFTER = r"(?<![\d])"
_NOT_BEFORE = r"(?![\d元万亿%])"
MOBILE_RE = re.compile(_NOT_AFTER + _MOBILE + _NOT_BEFORE)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE_CONTEXT_RE = re.compile(
    r"(?:电话号码|联系电话|电话|手机号码|手机号|手机|联系方式|座机|固话|传真|tel)"
    r"[::\s]*(?:是|为)?[::\s]*",
    re.IGNORECASE,
)
NUMBER_AT_RE = re.compile(rf"{_NOT_AFTER}(?:{_MOBILE}|{_LANDLINE}){_NOT_BEFORE}")
NUMBER_SEPARATOR_RE = re.compile(r"\s*(?:[、,,/;;]|或|和|及)\s*")
CONTACT_LINE_RE = re.compile(r"联系人[::]?\s*(?P<name>[^,,;;、()()\s::]{1,20})")
CONTACT_LINE_END_RE = re.compile(r"[))]")
PHONE_IN_FIELD_RE = re.compile(r"\+?[\d(][\d\s\-()]{5,}\d")


@dataclass(frozen=True)
class Removal:
    """One stretch of text left out of the public version, and why."""

    kind: str
    text: str


@dataclass
class PublicVersion:
    html: str
    removals: list[Removal] = field(default_factory=list)


def public_version(letter) -> str:
    """The letter's body as it is published (HTML in the letter's subset)."""
    return redact(letter).html


def redact(letter) -> PublicVersion:
    """The public version of ``letter`` and the list of what it leaves out."""
    assignment = letter.assignment
    finder = ContactFinder(assignment.proposal.proposers_with_merged(), assignment.agency)
    return redact_markup(letter.body, finder)


def redact_markup(markup: str, finder: ContactFinder) -> PublicVersion:
    """Redact a letter body (HTML, or plain text with one paragraph per line)."""
    removals: list[Removal] = []
    parts: list[str] = []
    list_open: str | None = None
    for block in richtext.blocks(richtext.normalise(markup)):
        inner = _redact_block(block, finder, removals)
        wanted = None if block.kind != "li" else ("ol" if block.number else "ul")
        if wanted != list_open:
            if list_open:
                parts.append(f"</{list_open}>")
            if wanted:
                parts.append(f"<{wanted}>")
            list_open = wanted
        parts.append(f"<li>{inner}</li>" if wanted else f"<p>{inner}</p>")
    if list_open:
        parts.append(f"</{list_open}>")
    unique = list(dict.fromkeys(removals))
    return PublicVersion(html=richtext.clean("".join(parts)), removals=unique)


def _normalised(text: str) -> str:
    """``text`` with full-width letters, digits and signs made half-width, one character
    for one, so that positions in it are positions in ``text``."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", _normalised(text))


def _number_pattern(digits: str) -> re.Pattern:
    """Match the number ``digits`` however it is written: grouped, bracketed, with +86."""
    body = _SEP.join(re.escape(d) for d in digits)
    prefix = r"(?:\+?86[\s\-]?)?" if digits.startswith("1") else r"\(?"
    return re.compile(rf"{_NOT_AFTER}{prefix}{body}(?!\d)")


def _numbers_in(phone: str) -> set[str]:
    """The numbers recorded in a phone field, as digits; a landline also without its
    area code (010 and 02x are three digits long, the others four)."""
    numbers = set()
    for candidate in PHONE_IN_FIELD_RE.findall(_normalised(phone or "")):
        digits = re.sub(r"\D", "", candidate)
        if len(digits) == 13 and digits.startswith("861"):
            digits = digits[2:]
        if len(digits) < 7:
            continue
        numbers.add(digits)
        numbers.update(group for group in re.findall(r"\d+", candidate) if len(group) >= 7)
        if digits.startswith("0") and not digits.startswith("00") and 10 <= len(digits) <= 12:
            numbers.add(digits[3:] if digits[1] in "12" else digits[4:])
    return numbers


class ContactFinder:
    """Finds the contact details to remove from a letter of ``agency`` to ``proposers``."""

    def __init__(self, proposers, agency):
        self.personal: list[tuple[re.Pattern, str]] = []
        self.proposer_names = [p.name for p in proposers if p.name]
        for proposer in proposers:
            for digits in sorted(_numbers_in(proposer.phone), key=len, reverse=True):
                self.personal.append((_number_pattern(digits), PROPOSER_PHONE))
            if proposer.email:
                email = re.escape(_normalised(proposer.email.strip()))
                self.personal.append((re.compile(email, re.IGNORECASE), PROPOSER_EMAIL))
            address = "".join(_normalised(proposer.address or "").split())
            if len(address) >= MIN_ADDRESS_LENGTH:
                pattern = r"\s*".join(re.escape(c) for c in address)
                self.personal.append((re.compile(pattern), PROPOSER_ADDRESS))
        self.agency_numbers = _numbers_in(agency.contact_phone) if agency else set()

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Where ``text`` holds contact details to remove: (start, end, kind) each."""
        text = _normalised(text)
        found = [
            (m.start(), m.end(), kind)
            for pattern, kind in self.personal
            for m in pattern.finditer(text)
        ]
        kept = self._agency_contact_lines(text)

        def keep(start: int, end: int, digits: str | None = None) -> bool:
            if any(a <= start and end <= b for a, b in kept):
                return True
            return digits is not None and self._is_agency_number(digits)

        for m in MOBILE_RE.finditer(text):
            if not keep(m.start(), m.end(), _digits(m.group())):
                found.append((m.start(), m.end(), MOBILE))
        for m in EMAIL_RE.finditer(text):
            if not m.group().lower().endswith(".gov.cn") and not keep(m.start(), m.end()):
                found.append((m.start(), m.end(), EMAIL))
        for start, end in self._numbers_after_phone_words(text):
            if not keep(start, end, _digits(text[start:end])):
                found.append((start, end, LANDLINE))
        return found

    def _is_agency_number(self, digits: str) -> bool:
        if len(digits) == 13 and digits.startswith("861"):
            digits = digits[2:]
        return any(
            digits == own or digits.endswith(own) or own.endswith(digits)
            for own in self.agency_numbers
            if len(digits) >= 7
        )

    def _agency_contact_lines(self, text: str) -> list[tuple[int, int]]:
        """The ``联系人:…`` stretches naming someone other than a proposer."""
        lines = []
        for m in CONTACT_LINE_RE.finditer(text):
            name = m.group("name")
            if any(proposer in name for proposer in self.proposer_names):
                continue
            end = CONTACT_LINE_END_RE.search(text, m.end())
            lines.append((m.start(), end.end() if end else len(text)))
        return lines

    def _numbers_after_phone_words(self, text: str) -> list[tuple[int, int]]:
        """Numbers written after 电话/手机/联系方式…, one or a list of them."""
        spans = []
        for context in PHONE_CONTEXT_RE.finditer(text):
            at = context.end()
            while number := NUMBER_AT_RE.match(text, at):
                spans.append((number.start(), number.end()))
                separator = NUMBER_SEPARATOR_RE.match(text, number.end())
                if separator is None:
                    break
                at = separator.end()
        return spans


def _redact_block(block: richtext.Block, finder: ContactFinder, removals: list[Removal]) -> str:
    """One paragraph's HTML with its removed stretches replaced by the mask."""
    text = block.text
    removed = [None] * len(text)
    offset = 0
    for run in block.runs:
        if run.redacted:
            removed[offset : offset + len(run.text)] = [MARKED] * len(run.text)
        offset += len(run.text)
    for start, end, kind in finder.spans(text):
        for i in range(start, end):
            removed[i] = removed[i] or kind

    out: list[str] = []
    offset = 0
    for run in block.runs:
        kept: list[str] = []
        for i, char in enumerate(run.text, offset):
            if not removed[i]:
                kept.append(char)
                continue
            if kept:
                out.append(_formatted("".join(kept), run))
                kept = []
            if i == 0 or not removed[i - 1]:
                end = i
                while end < len(text) and removed[end]:
                    end += 1
                if text[i:end].strip():
                    removals.append(Removal(removed[i], text[i:end].strip()))
                out.append(MASK)
        if kept:
            out.append(_formatted("".join(kept), run))
        offset += len(run.text)
    return "".join(out)


def _formatted(text: str, run: richtext.Run) -> str:
    markup = html.escape(text, quote=False)
    for flag, tag in ((run.underline, "u"), (run.italic, "em"), (run.bold, "strong")):
        if flag:
            markup = f"<{tag}>{markup}</{tag}>"
    return markup
