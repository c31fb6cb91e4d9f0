"""What changed between two versions of a reply letter, paragraph by paragraph.

Paragraphs are compared as plain text; a paragraph that was changed is shown with
the characters taken out and put in, which is what a reader of Chinese text needs
(a word-level diff would need word boundaries Chinese does not write).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from . import richtext


@dataclass
class Piece:
    text: str
    change: str = ""  # "", "removed" or "added"


@dataclass
class Line:
    change: str  # "same", "removed", "added" or "changed"
    pieces: list[Piece]


def _chars(old: str, new: str) -> list[Piece]:
    pieces = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece(old[a1:a2]))
            continue
        if a2 > a1:
            pieces.append(Piece(old[a1:a2], "removed"))
        if b2 > b1:
            pieces.append(Piece(new[b1:b2], "added"))
    return pieces


def diff(old_body: str, new_body: str) -> list[Line]:
    """The lines of the newer version, with removals and additions marked."""
    old = richtext.to_plain(old_body).splitlines()
    new = richtext.to_plain(new_body).splitlines()
    lines: list[Line] = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [Line("same", [Piece(text)]) for text in new[b1:b2]]
        else:
            lines += _replaced(old[a1:a2], new[b1:b2])
    return lines


def _replaced(old: list[str], new: list[str]) -> list[Line]:
    """Paragraphs replaced by others: a close pair is one changed paragraph, the rest are
    removed or added."""
    lines, i = [], 0
    for text in new:
        if i < len(old) and SequenceMatcher(None, old[i], text, autojunk=False).ratio() >= 0.5:
            lines.append(Line("changed", _chars(old[i], text)))
            i += 1
        else:
            lines.append(Line("added", [Piece(text, "added")]))
    removed = [Line("removed", [Piece(text, "removed")]) for text in old[i:]]
    return removed + lines
