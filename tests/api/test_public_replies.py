"""The public API (``/api/v1/public/replies/``): what the public portal shows, for anyone,
read-only, with the portal's filters and search, and nothing more."""

import datetime
import itertools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import search
from disclosure.api import DateCursorPagination
from disclosure.models import Publication
from disclosure.services import publication_withdraw
from portal import clock
from proposals.models import Topic
from responses.models import ReplyLetter, ResultCategory
from responses.richtext import from_plain
from tests.disclosure import cases
from tests.public.test_pages import publish

LIST = reverse("public-reply-list")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TWELFTH_SECOND = "市政协十二届二次会议"
TWELFTH_THIRD = "市政协十二届三次会议"

_serials = itertools.count(1)


def detail(pk) -> str:
    return reverse("public-reply-detail", args=[pk])


def ok(response) -> dict:
    assert response.status_code == 200, response.content.decode()
    return response.json()


def refused(response, status: int) -> dict:
    """The one error shape, with a Chinese message."""
    assert response.status_code == status, response.content.decode()
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert CHINESE.search(error["message"])
    return error


def titles(body: dict) -> list[str]:
    return [item["title"] for item in body["results"]]


def record(agency, title: str, published_on: datetime.date, **fields) -> Publication:
    """An imported publication with the metadata a test chooses, indexed for search."""
    fields.setdefault("body", from_plain(f"{title}收悉。现答复如下:一、加强社区服务。"))
    publication = Publication.objects.create(
        source=Publication.Source.IMPORTED,
        agency=agency,
        year=published_on.year,
        serial=next(_serials),
        index_number=f"{agency.org_code}/{published_on.year}-{next(_serials):05d}",
        title=title,
        published_on=published_on,
        publisher=agency.name,
        kind="提案",
        disclosure=ReplyLetter.Disclosure.PUBLIC,
        **fields,
    )
    search.index(publication)
    return publication


@pytest.fixture
def topics(db):
    parent = Topic.objects.create(name="测试主题")
    return (
        Topic.objects.create(name="养老服务", parent=parent),
        Topic.objects.create(name="城市交通", parent=parent),
    )


@pytest.fixture
def varied(world, topics):
    """Three replies that differ in every filter: agency, year, session, result, topic."""
    elderly, transport = topics
    return {
        "养老": record(
            world.lead_agency,
            "关于养老服务的建议",
            datetime.date(2023, 5, 10),
            session_label=TWELFTH_SECOND,
            result_category="解决采纳",
            topic=elderly,
        ),
        "公交": record(
            world.co_agency,
            "关于公交线路的建议",
            datetime.date(2024, 4, 1),
            session_label=TWELFTH_THIRD,
            result_category="正在解决",
            topic=transport,
        ),
        "护理": record(
            world.co_agency,
            "关于养老护理人才的建议",
            datetime.date(2024, 6, 3),
            session_label=TWELFTH_SECOND,
            result_category="解决采纳",
            topic=elderly,
        ),
    }


# -- anyone reads what is published --------------------------------------------------------


def test_anyone_lists_and_reads_a_published_reply(world, client):
    reply = publish(world, document_number="杭民函〔2026〕12号")
    body = ok(client.get(LIST))
    assert (body["count"], body["explanation"], body["previous"]) == (1, None, None)
    [item] = body["results"]
    assert item["id"] == reply.pk
    assert item["url"] == f"http://testserver{detail(reply.pk)}"
    assert item["page_url"] == f"http://testserver/replies/{reply.pk}/"
    assert item["snippet"] is None
    assert "body_text" not in item and "body_html" not in item

    full = ok(client.get(item["url"]))
    assert {k: full[k] for k in item if k != "snippet"} == {
        k: v for k, v in item.items() if k != "snippet"
    }
    assert full["index_number"] == reply.index_number
    assert full["disclosure"] == "主动公开"
    assert full["document_number"] == "杭民函〔2026〕12号"
    assert full["published_on"] == reply.published_on.isoformat()
    assert full["publisher"] == reply.publisher
    assert full["genre"] == "函"
    assert full["agency"] == {"id": world.lead_agency.pk, "name": "杭州市民政局"}
    assert full["proposal_title"] == "关于完善“15分钟公共服务圈”的建议"
    assert full["source"] == "portal"
    assert "现答复如下" in full["body_text"] and "<" not in full["body_text"]
    assert full["body_html"] == reply.body


def test_a_reply_carries_its_disclosure_table_and_case(world, client, varied):
    reply = varied["养老"]
    full = ok(client.get(detail(reply.pk)))
    assert full["topic"] == {"id": reply.topic_id, "label": "测试主题 › 养老服务"}
    assert full["session_label"] == TWELFTH_SECOND
    assert full["result_category"] == "解决采纳"
    assert full["kind"] == "提案"
    assert full["source"] == "imported"
    assert full["written_on"] is None and full["signed_on"] is None


# -- filters: the portal's own, and a bad value is an error -------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["护理", "公交", "养老"]),
        ({"agency": "co_agency"}, ["护理", "公交"]),
        ({"year": "2024"}, ["护理", "公交"]),
        ({"session": TWELFTH_SECOND}, ["护理", "养老"]),
        ({"category": "正在解决"}, ["公交"]),
        ({"topic": "elderly"}, ["护理", "养老"]),
        ({"sort": "old"}, ["养老", "公交", "护理"]),
        ({"agency": "co_agency", "year": "2024", "topic": "elderly"}, ["护理"]),
        ({"q": "养老"}, ["养老", "护理"]),
        ({"q": "养老", "agency": "lead_agency"}, ["养老"]),
        ({"q": "养老", "year": "2024"}, ["护理"]),
        ({"q": "养老", "session": TWELFTH_THIRD}, []),
        ({"q": "建议", "category": "正在解决"}, ["公交"]),
        ({"q": "建议", "topic": "elderly", "sort": "old"}, ["养老", "护理"]),
        ({"q": "建议", "sort": "new"}, ["护理", "公交", "养老"]),
    ],
)
def test_each_filter_chooses_and_combines_with_a_search(
    world, client, varied, topics, params, expected
):
    ids = {"co_agency": world.co_agency.pk, "lead_agency": world.lead_agency.pk}
    ids["elderly"] = topics[0].pk
    params = {name: ids.get(value, value) for name, value in params.items()}
    body = ok(client.get(LIST, params))
    wanted = [varied[word].title for word in expected]
    if "q" in params and "sort" not in params:  # by relevance: the databases rank differently
        assert sorted(titles(body)) == sorted(wanted)
    else:
        assert titles(body) == wanted
    if "q" in params:
        assert body["explanation"].startswith(
            f"共找到{len(expected)}条" if expected else "没有找到"
        )
        assert body["count"] == len(expected)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"agency": "99999"}, "agency"),
        ({"agency": "99999999999999999999999"}, "agency"),
        ({"agency": "民政局"}, "agency"),
        ({"year": "1948"}, "year"),
        ({"year": "3000"}, "year"),
        ({"year": "abc"}, "year"),
        ({"year": "二〇二四"}, "year"),
        ({"session": "市政协九届一次会议"}, "session"),
        ({"category": "不存在"}, "category"),
        ({"topic": "0"}, "topic"),
        ({"sort": "relevance"}, "sort"),
        ({"q": "养" * 101}, "q"),
        ({"q": "养老", "year": "3000"}, "year"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(client, varied, params, field):
    error = refused(client.get(LIST, params), 400)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    [message] = error["fields"][field]
    assert CHINESE.search(message), message


@pytest.mark.parametrize(
    "params",
    [
        {"agency": "other_agency"},
        {"topic": "unused"},
        {"session": "npc_session"},
        {"category": "C类"},
        {"year": "1949"},
        {"year": "next"},
        {"agency": "other_agency", "year": "2024"},
        {"q": "养老", "agency": "other_agency"},
        {"q": "养老", "year": "1999", "sort": "old"},
    ],
)
def test_a_value_that_names_something_without_replies_finds_none(world, client, varied, params):
    # Each names an agency, topic, session or result category that exists, or a year
    # that may have replies, none of which any published reply has yet.
    unused = Topic.objects.create(name="未用主题")
    category = ResultCategory.objects.exclude(name__in=["解决采纳", "正在解决"]).first()
    values = {
        "other_agency": world.other_agency.pk,
        "unused": unused.pk,
        "npc_session": world.npc_session.label,
        "C类": category.name,
        "next": clock.today().year + 1,
    }
    body = ok(client.get(LIST, {name: values.get(v, v) for name, v in params.items()}))
    assert body["results"] == []
    assert body["next"] is None and body["previous"] is None
    if "q" in params:
        assert body["count"] == 0 and body["explanation"].startswith("没有找到")
    elif len(params) == 1:
        assert body["count"] == 0


def test_the_html_list_still_leaves_out_a_value_without_replies(world, client, varied):
    # The page's filters offer only what has replies; another value is left out, with a
    # notice, and the whole list shown, as before.
    page = client.get(reverse("public:list"), {"agency": world.other_agency.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert "已忽略" in text and "关于养老服务的建议" in text


def test_a_bad_cursor_or_page_is_a_400(client, varied):
    error = refused(client.get(LIST, {"cursor": "not-a-cursor"}), 400)
    assert list(error["fields"]) == ["cursor"]
    error = refused(client.get(LIST, {"q": "养老", "page": "9"}), 400)
    assert error["fields"] == {"page": ["没有这一页。"]}


def test_a_search_marks_its_terms_in_each_snippet_and_explains(client, varied):
    body = ok(client.get(LIST, {"q": "养老服务"}))
    assert body["explanation"] == "共找到1条包含“养老服务”的答复。"
    [item] = body["results"]
    assert item["title"] == "关于养老服务的建议"
    assert "<mark>养老服务</mark>" in item["snippet"]
    assert "body_text" not in item


def test_a_snippet_is_escaped_text_with_marks_only(world, client):
    record(
        world.lead_agency,
        "关于养老服务的建议",
        datetime.date(2024, 1, 5),
        body=from_plain("<script>alert('养老')</script> 社区养老 & 更多"),
    )
    [item] = ok(client.get(LIST, {"q": "养老"}))["results"]
    assert "<script>" not in item["snippet"]
    assert "&lt;script&gt;alert(&#x27;<mark>养老</mark>&#x27;)" in item["snippet"]


@pytest.mark.postgres
def test_on_postgresql_a_two_character_word_is_found_as_a_word(world, client):
    # 养老 is only in the text, as a word of its own; 老服 is inside 养老服务, not a word.
    body = from_plain("现答复如下:我局将加强社区养老,做好养老服务。")
    found = record(world.lead_agency, "关于社区建设的建议", datetime.date(2024, 1, 5), body=body)
    record(world.lead_agency, "关于公交线路的建议", datetime.date(2024, 1, 6))
    result = ok(client.get(LIST, {"q": "养老"}))
    assert [item["id"] for item in result["results"]] == [found.pk]
    assert "<mark>养老</mark>" in result["results"][0]["snippet"]
    assert ok(client.get(LIST, {"q": "老服"}))["results"] == []


def test_on_sqlite_a_search_matches_by_containment(world, client):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite matches by containment; PostgreSQL by words (above)")
    body = from_plain("现答复如下:我局将做好养老服务。")
    found = record(world.lead_agency, "关于社区建设的建议", datetime.date(2024, 1, 5), body=body)
    result = ok(client.get(LIST, {"q": "老服"}))
    assert [item["id"] for item in result["results"]] == [found.pk]


def test_traditional_characters_search_in_simplified(client, varied):
    assert titles(ok(client.get(LIST, {"q": "養老服務"}))) == ["关于养老服务的建议"]


# -- nothing that is not public -----------------------------------------------------------


def test_what_is_not_published_or_is_withdrawn_is_absent_and_404(
    world, client, django_capture_on_commit_callbacks
):
    kept = publish(world, title="关于养老服务的建议")
    gone = publish(world, title="关于路灯维修的建议")
    sent_only = cases.sent(world, title="关于路灯照明的建议")
    withheld = cases.sent(
        world,
        title="关于不宜公开事项的建议",
        disclosure=ReplyLetter.Disclosure.WITHHELD,
        reason="涉及个人隐私。",
    )
    assert ok(client.get(detail(gone.pk)))["id"] == gone.pk
    with django_capture_on_commit_callbacks(execute=True):
        publication_withdraw(
            publication=gone, by=world.lead_leader, reason="公开文本中遗留了提出人的住址。"
        )
    for params in ({}, {"q": "路灯"}, {"q": "不宜公开"}, {"q": "建议"}):
        body = ok(client.get(LIST, params))
        assert titles(body) in ([kept.title], []), params
        assert body["count"] == len(body["results"])
    for letter in (sent_only, withheld):
        assert not Publication.objects.filter(letter=letter).exists()
    for pk in (gone.pk, kept.pk + 100, "abc"):
        error = refused(client.get(detail(pk)), 404)
        assert error["code"] == "not_found"


def test_no_response_carries_contact_details_or_the_publisher(world, client):
    imported = record(
        world.lead_agency,
        "关于养老服务的建议",
        datetime.date(2024, 1, 5),
        contact_name="鲍文卿",
        contact_phone="0571-87654321",
    )
    published = publish(world, title="关于养老服务设施的建议")
    responses = [
        client.get(LIST),
        client.get(LIST, {"q": "养老"}),
        client.get(detail(imported.pk)),
        client.get(detail(published.pk)),
    ]
    for response in responses:
        content = response.content.decode()
        assert response.status_code == 200
        for secret in ("鲍文卿", "0571-87654321", "87654321", "contact", "published_by"):
            assert secret not in content, secret
        assert world.lead_clerk.username not in content


# -- pages ----------------------------------------------------------------------------------


def walk(client, url, params=None, *, most: int = 50) -> list[list[int]]:
    """Every page's ids, following ``next`` from the first page (at most ``most`` pages)."""
    pages = []
    body = ok(client.get(url, params or {}))
    while len(pages) < most:
        pages.append([item["id"] for item in body["results"]])
        if not body["next"]:
            return pages
        body = ok(client.get(body["next"]))
    raise AssertionError(f"still a next page after {most} pages: {pages}")


@pytest.fixture
def seven(world):
    """Seven replies, four of them published on the same day (a cursor must tell them apart)."""
    days = [datetime.date(2024, 3, d) for d in (1, 2, 2, 2, 2, 5, 9)]
    return [record(world.lead_agency, f"关于第{n}件事的建议", day) for n, day in enumerate(days)]


@pytest.mark.parametrize(("sort", "newest_first"), [("", True), ("new", True), ("old", False)])
def test_the_cursor_walks_every_reply_once_in_order(client, seven, sort, newest_first):
    order = sorted(seven, key=lambda p: (p.published_on, p.pk), reverse=newest_first)
    pages = walk(client, LIST, {"page_size": 3, "sort": sort})
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [pk for page in pages for pk in page] == [p.pk for p in order]
    first = ok(client.get(LIST, {"page_size": 3, "sort": sort}))
    second = ok(client.get(first["next"]))
    assert [item["id"] for item in ok(client.get(second["previous"]))["results"]] == pages[0]


def test_the_cursor_counts_no_offset_within_a_day(client, seven, monkeypatch):
    # DRF's own cursor marks its place by the date and counts the replies of that date
    # already shown, up to ``offset_cutoff`` (1000); a day of more replies would loop.
    # With the cutoff at 1, only a place of date and id walks four replies of one day.
    monkeypatch.setattr(DateCursorPagination, "offset_cutoff", 1)
    pages = walk(client, LIST, {"page_size": 1}, most=len(seven) + 1)
    assert sorted(pk for [pk] in pages) == sorted(p.pk for p in seven)


def test_a_reply_published_during_a_walk_does_not_shift_the_pages(world, client, seven):
    newest_first = [p.pk for p in sorted(seven, key=lambda p: (p.published_on, p.pk))][::-1]
    first = ok(client.get(LIST, {"page_size": 3}))
    record(world.lead_agency, "关于新发布事项的建议", datetime.date(2024, 12, 1))
    second = ok(client.get(first["next"]))
    assert [item["id"] for item in second["results"]] == newest_first[3:6]


def test_page_size_is_20_by_default_and_at_most_100(world, client):
    for n in range(23):
        record(world.lead_agency, f"关于第{n}件事的建议", datetime.date(2024, 3, 1))
    assert len(ok(client.get(LIST))["results"]) == 20
    assert len(ok(client.get(LIST, {"page_size": 500}))["results"]) == 23
    assert len(ok(client.get(LIST, {"page_size": 100}))["results"]) == 23


def test_a_search_is_paged_by_number_over_its_pool(client, seven):
    first = ok(client.get(LIST, {"q": "建议", "page_size": 3}))
    assert first["count"] == 7 and first["previous"] is None
    assert "page=2" in first["next"] and "q=" in first["next"]
    pages = walk(client, LIST, {"q": "建议", "page_size": 3})
    assert sorted(pk for page in pages for pk in page) == sorted(p.pk for p in seven)
    assert [len(page) for page in pages] == [3, 3, 1]


def test_the_count_is_null_only_when_only_counting_the_table_would_tell(world, client, varied):
    assert ok(client.get(LIST))["count"] == 3
    assert ok(client.get(LIST, {"year": 2024}))["count"] == 2
    both = ok(client.get(LIST, {"year": 2024, "agency": world.co_agency.pk}))
    assert both["count"] is None and len(both["results"]) == 2


# -- throttling ------------------------------------------------------------------------------


def test_anonymous_clients_are_throttled_in_the_one_error_shape(settings, client, varied):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "100/min"}
    }
    cache.clear()
    assert client.get(LIST).status_code == 200
    assert client.get(detail(varied["养老"].pk)).status_code == 200
    response = client.get(LIST)
    error = refused(response, 429)
    assert error["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert client.get(LIST, REMOTE_ADDR="10.0.0.9").status_code == 200


# -- cost ------------------------------------------------------------------------------------


def queries(client, url, params=None) -> int:
    cache.clear()  # the facets are read again, as on the first request after a publication
    with CaptureQueriesContext(connection) as captured:
        ok(client.get(url, params or {}))
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "答复"}, {"year": "this"}, {"year": "this", "agency": "lead"}, {"page_size": 100}],
)
def test_a_page_costs_the_same_queries_for_2_and_6_replies(
    world, client, params, django_assert_max_num_queries
):
    for n in range(2):
        publish(world, title=f"关于第{n}件事的建议")
    values = {"this": clock.today().year, "lead": world.lead_agency.pk}
    params = {name: values.get(value, value) for name, value in params.items()}
    few = queries(client, LIST, params)
    for n in range(2, 6):
        publish(world, title=f"关于第{n}件事的建议")
    cache.clear()
    with django_assert_max_num_queries(few):
        assert len(ok(client.get(LIST, params))["results"]) == 6
    # The facets (2) and the page; a search adds its pool and, on PostgreSQL, its estimate.
    assert few <= (5 if "q" in params else 3)


def test_a_reply_reads_in_one_query(world, client, django_assert_max_num_queries):
    reply = publish(world)
    with django_assert_max_num_queries(1):
        ok(client.get(detail(reply.pk)))


def test_the_schema_documents_the_parameters_in_chinese(client):
    schema = ok(client.get(reverse("api_schema"), {"format": "json"}))
    operation = schema["paths"]["/api/v1/public/replies/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    expected = {"q", "agency", "year", "session", "category", "topic", "sort"}
    assert expected | {"cursor", "page", "page_size"} <= set(parameters)
    for name in expected:
        assert CHINESE.search(parameters[name]["description"]), name
    assert "security" not in operation or {} in operation["security"]
    component = next(
        c for name, c in schema["components"]["schemas"].items() if name == "PublicReplyDetail"
    )
    assert "contact_name" not in component["properties"]
    assert all(CHINESE.search(p.get("description", "")) for p in component["properties"].values())
