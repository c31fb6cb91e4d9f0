"""Feeds, the sitemap and the open-data exports carry published replies only."""

import csv
import io
import json

from django.core.cache import cache
from django.urls import reverse

from disclosure.services import reply_publish
from disclosure.sitemaps import ReplySitemap
from responses.models import ReplyLetter
from tests.disclosure import cases


def setup_replies(world):
    published = reply_publish(
        letter=cases.sent(world, title="关于养老服务的建议"), by=world.lead_clerk
    )
    other = reply_publish(
        letter=cases.sent_by_co_agency(world, title="关于医疗服务的建议"), by=world.co_clerk
    )
    cases.sent(world, title="关于尚未公开事项的建议")
    cases.sent(
        world,
        title="关于不予公开事项的建议",
        disclosure=ReplyLetter.Disclosure.WITHHELD,
        reason="涉及个人隐私。",
    )
    return published, other


def streamed(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_feeds_list_published_replies(world, client):
    published, other = setup_replies(world)
    feed = client.get(reverse("feed_replies")).content.decode()
    assert "<feed" in feed and published.title in feed and other.title in feed
    assert "尚未公开事项" not in feed and "不予公开事项" not in feed
    agency = client.get(reverse("feed_agency", args=[other.agency_id])).content.decode()
    assert other.title in agency and published.title not in agency
    assert client.get(reverse("feed_agency", args=[99999])).status_code == 404


def test_the_sitemap_lists_every_published_reply(world, client):
    published, other = setup_replies(world)
    index = client.get(reverse("sitemap"))
    assert index.status_code == 200 and index["Content-Type"] == "application/xml"
    section = reverse("sitemap_section", args=["replies"])
    assert f"{section}</loc>" in index.content.decode()
    assert "Last-Modified" in index
    sitemap = client.get(section).content.decode()
    for reply in (published, other):
        assert reverse("public:detail", args=[reply.pk]) in sitemap
    assert sitemap.count("<url>") == 2
    assert client.get(reverse("sitemap_section", args=["nothing"])).status_code == 404
    assert client.get(section, {"p": "9"}).status_code == 404


def test_a_large_sitemap_is_split_into_pages_the_index_names(world, client, monkeypatch):
    monkeypatch.setattr(ReplySitemap, "limit", 1)
    published, other = setup_replies(world)
    section = reverse("sitemap_section", args=["replies"])
    index = client.get(reverse("sitemap")).content.decode()
    assert f"{section}</loc>" in index and f"{section}?p=2</loc>" in index
    assert f"{section}?p=3</loc>" not in index
    pages = [client.get(section, {"p": n}).content.decode() for n in (1, 2)]
    assert [page.count("<url>") for page in pages] == [1, 1]
    for reply in (published, other):
        assert sum(reverse("public:detail", args=[reply.pk]) in page for page in pages) == 1


def test_cached_sitemaps_keep_their_headers(world, client):
    setup_replies(world)
    first = client.get(reverse("sitemap"))
    again = client.get(reverse("sitemap"))
    for name in ("Content-Type", "Last-Modified", "X-Robots-Tag"):
        assert again[name] == first[name], name
    assert again.content == first.content


def test_exports_stream_the_filtered_replies_without_contact_details(world, client):
    world.lead_agency.contact_name = "吴强"
    world.lead_agency.contact_phone = "89586323"
    world.lead_agency.save()
    published, other = setup_replies(world)
    rows = list(
        csv.DictReader(
            io.StringIO(streamed(client.get(reverse("public:export_csv"))).lstrip("\ufeff"))
        )
    )
    assert {r["索引号"] for r in rows} == {published.index_number, other.index_number}
    assert all("联系人" not in key for key in rows[0])

    data = json.loads(
        streamed(client.get(reverse("public:export_json"), {"agency": other.agency_id}))
    )
    assert [d["index_number"] for d in data] == [other.index_number]
    assert data[0]["text"] and "contact_name" not in data[0]
    assert "尚未公开事项" not in json.dumps(data, ensure_ascii=False)


def test_an_export_reads_in_the_same_queries_however_many_rows(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from proposals.models import Topic

    parent = Topic.objects.first()
    child = Topic.objects.create(name="养老服务", parent=parent)

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            streamed(client.get(reverse("public:export_json")))
        return len(captured)

    for n in range(2):
        reply_publish(
            letter=cases.sent(world, title=f"关于第{n}件事的建议", topic=child), by=world.lead_clerk
        )
    few = queries()
    for n in range(2, 6):
        reply_publish(
            letter=cases.sent(world, title=f"关于第{n}件事的建议", topic=child), by=world.lead_clerk
        )
    assert queries() == few
