"""The public portal: published replies for everyone, and nothing else."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import search
from disclosure.models import Publication
from disclosure.services import reply_publish
from responses.models import ReplyLetter
from tests.disclosure import cases


def publish(world, **kwargs) -> Publication:
    """A published reply, indexed for search at once (the tests' data is never committed)."""
    letter = cases.sent(world, **kwargs)
    reply = reply_publish(letter=letter, by=world.lead_clerk)
    search.index(reply)
    return reply


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_detail_and_print_pages_show_a_published_reply(world, client):
    reply = publish(world, document_number="杭民函〔2026〕12号")
    listing = text(client.get(reverse("public:list")))
    assert reply.title in listing and reply.index_number in listing
    page = text(client.get(reverse("public:detail", args=[reply.pk])))
    for value in (
        reply.index_number,
        "主动公开",
        "杭民函〔2026〕12号",
        reply.publisher,
        reply.published_on.strftime("%Y-%m-%d"),
        "函",
        "现答复如下",
        "关于完善“15分钟公共服务圈”的建议",
    ):
        assert value in page, value
    printed = text(client.get(reverse("public:print", args=[reply.pk])))
    assert reply.index_number in printed and "现答复如下" in printed
    assert text(client.get(reverse("home"))).count(reply.title) == 1


def test_what_is_not_published_is_not_public(world, client):
    published = publish(world)
    sent_only = cases.sent(world, title="关于路灯维修的建议")
    withheld = cases.sent(
        world,
        title="关于不宜公开事项的建议",
        disclosure=ReplyLetter.Disclosure.WITHHELD,
        reason="涉及个人隐私。",
    )
    pages = [
        text(client.get(reverse("home"))),
        text(client.get(reverse("public:list"))),
        text(client.get(reverse("public:list"), {"q": "路灯"})),
        text(client.get(reverse("public:list"), {"q": "不宜公开"})),
    ]
    for page in pages:
        assert sent_only.assignment.proposal.title not in page
        assert withheld.assignment.proposal.title not in page
    assert client.get(reverse("public:detail", args=[published.pk + 100])).status_code == 404
    assert client.get(reverse("public:print", args=[published.pk + 100])).status_code == 404


def test_the_public_version_hides_the_proposers_contact_details(world, client):
    proposer = world.lead_proposer
    proposer.phone = "13812345678"
    proposer.email = "qiminmin@example.com"
    proposer.save()
    body = (
        "戚敏敏委员:\n现答复如下。您留下的手机13812345678和邮箱qiminmin@example.com已收悉。\n"
        "(联系人:吴强,联系电话:89586323)"
    )
    reply = publish(world, body=body)
    page = text(client.get(reverse("public:detail", args=[reply.pk])))
    assert "13812345678" not in page and "qiminmin@example.com" not in page
    assert "89586323" in page, "the agency's own contact line is published"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "养老服务的建议"}, {"养老"}),
        ({"q": "公交 线路"}, {"公交"}),
        ({"q": "地铁"}, set()),
        ({"q": "第2号"}, {"公交"}),
        ({"category": "解决采纳"}, {"养老", "公交"}),
        ({"sort": "old"}, {"养老", "公交"}),
        ({"year": "1999"}, {"养老", "公交"}),
        ({"page": "abc"}, {"养老", "公交"}),
        ({"agency": "99999"}, {"养老", "公交"}),
    ],
)
def test_filters_and_search_combine_and_bad_values_are_calm(world, client, params, expected):
    publish(world, title="关于养老服务的建议")
    bus = publish(world, title="关于公交线路的建议")
    assert bus.proposal_number == "2"
    page = text(client.get(reverse("public:list"), params))
    shown = {word for word in ("养老", "公交") if f"关于{word}" in page}
    assert shown == expected
    if not expected:
        assert "没有找到符合条件的答复" in page and "减少关键词" in page
    if "year" in params or "agency" in params:
        assert "已忽略" in page


def test_an_agencys_replies_by_filter(world, client):
    publish(world, title="关于养老服务的建议")
    other = reply_publish(
        letter=cases.sent_by_co_agency(world, title="关于医疗服务的建议"), by=world.co_clerk
    )
    search.index(other)
    page = text(client.get(reverse("public:list"), {"agency": other.agency_id}))
    assert "关于医疗服务的建议" in page and "关于养老服务的建议" not in page


def _queries(client, url, params=None) -> int:
    """Queries of the page as rendered, not as served from the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "params"), [("public:list", {}), ("public:list", {"q": "答复"}), ("home", {})]
)
def test_public_lists_use_the_same_queries_for_2_and_6_replies(world, client, name, params):
    for n in range(2):
        publish(world, title=f"关于第{n}件事的建议")
    few = _queries(client, reverse(name), params)
    for n in range(2, 6):
        publish(world, title=f"关于第{n}件事的建议")
    assert _queries(client, reverse(name), params) == few
    assert few <= 8


def test_the_detail_page_reads_in_few_queries(world, client, django_assert_max_num_queries):
    reply = publish(world)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("public:detail", args=[reply.pk])).status_code == 200


def test_anonymous_pages_are_cached_until_a_reply_is_published(
    world, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(world, title="关于养老服务的建议")
    assert "关于养老服务的建议" in text(client.get(reverse("public:list")))
    with django_assert_max_num_queries(0):
        assert client.get(reverse("public:list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        publish(world, title="关于公交线路的建议")
    assert "关于公交线路的建议" in text(client.get(reverse("public:list")))


def test_detail_pages_answer_conditional_requests_and_count_visits(world, client):
    from disclosure import counting

    reply = publish(world)
    response = client.get(reverse("public:detail", args=[reply.pk]))
    assert response.status_code == 200 and response.has_header("Last-Modified")
    again = client.get(
        reverse("public:detail", args=[reply.pk]),
        headers={"if-modified-since": response["Last-Modified"]},
    )
    assert again.status_code == 304
    for _ in range(3):
        client.get(reverse("public:detail", args=[reply.pk]))
    assert counting.flush() >= 4
    from disclosure.models import PublicationStats

    assert PublicationStats.objects.get(publication=reply).views >= 4


def test_a_kept_page_is_answered_before_the_view_with_its_headers_and_counts_the_visit(
    world, client, django_assert_num_queries, monkeypatch
):
    from disclosure import counting, public

    reply = publish(world)
    url = reverse("public:detail", args=[reply.pk])
    first = client.get(url)
    counting.flush()
    monkeypatch.setattr(public, "_detail_page", lambda *args: pytest.fail("the view ran"))
    with django_assert_num_queries(0):
        kept = client.get(url)
    assert kept.status_code == 200 and kept.content == first.content
    assert dict(kept.items()) == dict(first.items())
    assert "public" in kept["Cache-Control"] and kept.has_header("X-Frame-Options")
    assert counting.pending(reply.pk) == 1


def test_a_signed_in_reader_is_never_answered_from_the_kept_pages(world, client):
    reply = publish(world)
    url = reverse("public:detail", args=[reply.pk])
    client.get(url)
    client.force_login(world.staff)
    response = client.get(url)
    assert response.status_code == 200 and "private" in response["Cache-Control"]


def test_the_qr_code_is_an_svg_of_the_page_address(world, client):
    reply = publish(world)
    response = client.get(reverse("public:qr", args=[reply.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert client.get(reverse("public:qr", args=[reply.pk + 99])).status_code == 404


def test_the_public_word_document_carries_the_public_text_only(world, client):
    import io as _io

    import docx

    proposer = world.lead_proposer
    proposer.phone = "13812345678"
    proposer.save()
    reply = publish(world, body="戚敏敏委员:\n请拨打13812345678联系。\n现答复如下。")
    response = client.get(reverse("public:docx", args=[reply.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    text = "\n".join(p.text for p in docx.Document(_io.BytesIO(content)).paragraphs)
    assert reply.title in text and "现答复如下" in text
    assert "13812345678" not in text
    assert client.get(reverse("public:docx", args=[reply.pk + 99])).status_code == 404
