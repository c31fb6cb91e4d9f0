"""Open data: the published replies the list's filters choose, streamed as CSV or JSON.

Rows are read in chunks and written as they come, so an export of every reply uses
little memory. Only what the public pages show is exported: no contact details.
"""

from __future__ import annotations

import csv
import json

from django.http import StreamingHttpResponse
from django.urls import reverse

from responses import richtext

from .public import filtered

FIELDS = [
    ("index_number", "索引号"),
    ("title", "标题"),
    ("publisher", "发布机构"),
    ("document_number", "发文字号"),
    ("written_on", "成文日期"),
    ("published_on", "发布日期"),
    ("topic", "主题分类"),
    ("genre", "体裁分类"),
    ("disclosure", "公开方式"),
    ("kind", "类别"),
    ("session_label", "会议"),
    ("proposal_number", "建议提案编号"),
    ("proposal_title", "建议提案标题"),
    ("result_category", "办理结果"),
    ("co_handlers", "会办单位"),
    ("url", "网址"),
    ("text", "答复全文"),
]


def _rows(request):
    replies = filtered(request.GET, ranked=False).replies
    for reply in replies.iterator(chunk_size=1000):
        yield {
            "index_number": reply.index_number,
            "title": reply.title,
            "publisher": reply.publisher,
            "document_number": reply.document_number,
            "written_on": reply.written_on.isoformat() if reply.written_on else None,
            "published_on": reply.published_on.isoformat(),
            "topic": str(reply.topic) if reply.topic_id else None,
            "genre": reply.genre,
            "disclosure": reply.get_disclosure_display(),
            "kind": reply.kind,
            "session_label": reply.session_label,
            "proposal_number": reply.proposal_number,
            "proposal_title": reply.proposal_title,
            "result_category": reply.result_category,
            "co_handlers": reply.co_handlers,
            "url": request.build_absolute_uri(reverse("public:detail", args=[reply.pk])),
            "text": richtext.to_plain(reply.body),
        }


class _Echo:
    def write(self, value):
        return value


def export_csv(request):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow([label for _, label in FIELDS])
        for row in _rows(request):
            values = [row[key] for key, _ in FIELDS]
            yield writer.writerow(["、".join(v) if isinstance(v, list) else v for v in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="replies.csv"'
    return response


def export_json(request):
    def lines():
        yield "[\n"
        first = True
        for row in _rows(request):
            yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False)
            first = False
        yield "\n]\n"

    response = StreamingHttpResponse(lines(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="replies.json"'
    return response
