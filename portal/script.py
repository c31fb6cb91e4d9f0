"""繁體: any page shown in Traditional characters, for readers who prefer them.

The choice is a cookie set by the header's 繁體/简体 control. Pages are written in
Simplified; the middleware converts the text between tags with OpenCC (s2t), leaving
tags and attribute values alone so links, form values and scripts keep working.
Conversions are cached per text fragment: the same labels recur on every page.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

SCRIPT_COOKIE = "portal_script"
TRADITIONAL = "hant"

_TEXT = re.compile(r">([^<>]+)<")
_RAW = re.compile(r"(<(script|style|textarea)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_s2t = opencc.OpenCC("s2t")
_t2s = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def to_traditional(text: str) -> str:
    return _s2t.convert(text)


def to_simplified(text: str) -> str:
    """What a reader typed in Traditional, as the portal stores it."""
    return _t2s.convert(text) if text else text


def convert_html(html: str) -> str:
    def text_nodes(part: str) -> str:
        return _TEXT.sub(lambda m: ">" + to_traditional(m.group(1)) + "<", part)

    pieces = _RAW.split(html)
    out, skip = [], 0
    for i, piece in enumerate(pieces):
        if skip:
            skip -= 1
            continue
        if i % 3 == 1:  # a script, style or textarea block, kept as written
            out.append(piece)
            skip = 1  # the captured tag name follows
        else:
            out.append(text_nodes(piece))
    return "".join(out)


class TraditionalScriptMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.traditional = request.COOKIES.get(SCRIPT_COOKIE) == TRADITIONAL
        response = self.get_response(request)
        if (
            request.traditional
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and response.status_code == 200
        ):
            response.content = convert_html(response.content.decode(response.charset)).encode(
                response.charset
            )
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
