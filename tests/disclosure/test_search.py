"""Searching published replies: jieba words in a tsvector and trigram substrings on
PostgreSQL, containment on SQLite; counts, explanations and highlighted snippets.

The publications are the real letters of ``proposals/demo/seeds/``, recorded directly as
imported publications and indexed.
"""

import datetime
import itertools

import pytest
import time_machine
from django.core.management import call_command

from disclosure import search
from disclosure.models import Publication, PublicationSearch
from disclosure.services import reply_publish
from proposals.demo.data import SEED_CASES
from proposals.demo.loader import letter_text
from responses.richtext import from_plain
from tests import factories

from . import cases

_serials = itertools.count(1)

# number → (agency, title as published, index number)
SEEDS = {
    "607": (
        "杭州市民政局",
        "杭州市民政局关于市政协十二届二次会议第607号提案的答复",
        "002489524/2023-00364",
    ),
    "52": ("遂宁市民政局", "遂宁市民政局关于市政协七届六次会议第52号提案的复函", ""),
    "0238": ("上海市民政局", "市十五届人大五次会议第0238号代表建议的答复情况", ""),
    "20210549": ("深圳市民政局", "第20210549号建议案的答复函", ""),
    "20210248": ("深圳市民政局", "第20210248号建议案的答复函", ""),
}


def _case(number):
    return next(c for c in SEED_CASES if c.number == number)


def publish_seed(number: str, *, body: str | None = None) -> Publication:
    """Record seed letter ``number`` as a publication and index it."""
    case = _case(number)
    agency_name, title, index_number = SEEDS[number]
    agency = factories.AgencyFactory(name=agency_name, short_name=agency_name[2:])
    published_on = case.published_on
    serial = next(_serials)
    publication = Publication.objects.create(
        source=Publication.Source.IMPORTED,
        agency=agency,
        year=published_on.year,
        serial=serial,
        index_number=index_number or f"{agency.org_code}/{published_on.year}-{serial:05d}",
        title=title,
        body=from_plain(body if body is not None else letter_text(case)),
        published_on=published_on,
        publisher=agency_name,
        kind="建议" if "人大" in title or "建议案" in title else "提案",
        proposal_number=case.number,
        proposal_title=case.title,
        disclosure="public",
    )
    search.index(publication)
    return publication


@pytest.fixture
def seeds(db):
    return {number: publish_seed(number) for number in SEEDS}


def numbers(queryset):
    return [p.proposal_number for p in queryset]


def found(q, queryset=None):
    result = search.search(queryset if queryset is not None else Publication.objects.all(), q)
    return numbers(result.results), result.explanation


# -- PostgreSQL: words, phrases, numbers, ranking -----------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "word, expected, absent",
    [
        ("养老", {"607", "20210549", "20210248"}, {"0238"}),
        ("社区", {"607", "52", "0238", "20210549"}, set()),
        ("应急", {"52", "0238"}, set()),
    ],
)
def test_two_character_words_are_found(seeds, word, expected, absent):
    results, explanation = found(word)
    assert expected <= set(results)
    assert not absent & set(results)
    assert explanation == f"共找到{len(results)}条包含“{word}”的答复。"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("一老一小", {"607"}),
        ("社区治理", {"52", "0238"}),
        ("智慧养老", {"20210549", "20210248"}),
        ("“社区应急管理”", {"52", "0238"}),
    ],
)
def test_phrases_are_found(seeds, phrase, expected):
    results, _ = found(phrase)
    assert set(results) == expected


@pytest.mark.postgres
def test_the_words_are_in_the_tsvector(seeds):
    entry = PublicationSearch.objects.get(publication=seeds["607"])
    assert entry.document is not None
    assert "一老一小" in entry.body_tokens.split()
    assert "养老" in entry.body_tokens.split()
    hit = Publication.objects.filter(
        search_entry__document=search.SearchQuery("养老 & 托育", config="simple")
    )
    assert list(hit) == [seeds["607"]]


@pytest.mark.postgres
def test_the_title_match_comes_first(seeds):
    # Both letters are about 智慧养老; only 20210248's proposal is called that.
    results, _ = found("智慧养老")
    assert results[0] == "20210248"
    results, _ = found("一站式社区")
    assert results[0] == "607"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "q, first",
    [("607", "607"), ("20210549", "20210549"), ("2023-00364", "607"), ("002489524", "607")],
)
def test_proposal_and_index_numbers_are_found(seeds, q, first):
    results, _ = found(q)
    assert results[0] == first


@pytest.mark.postgres
def test_substrings_of_three_characters_are_found(seeds):
    # “服务圈” is inside “15分钟公共服务圈”, which jieba does not cut there.
    results, _ = found("分钟公共服务圈")
    assert results == ["607"]


@pytest.mark.postgres
def test_all_terms_must_match(seeds):
    results, _ = found("养老 一老一小")
    assert results == ["607"]


@pytest.mark.postgres
def test_a_term_found_nowhere_explains_itself(seeds):
    results, explanation = found("航空航天")
    assert results == []
    assert "没有找到同时包含“航空航天”的答复" in explanation
    results, explanation = found("养老 航空航天")
    assert results == []
    assert "其中“航空航天”没有匹配的答复" in explanation
    assert "减少检索词" in explanation


@pytest.mark.postgres
def test_filters_combine_with_search(seeds):
    shenzhen = seeds["20210549"].agency
    results, _ = found("养老", Publication.objects.filter(agency=shenzhen))
    assert set(results) == {"20210549", "20210248"}
    results, _ = found("养老", Publication.objects.filter(year=2023))
    assert results == ["607"]
    results, explanation = found("一老一小", Publication.objects.filter(year=2021))
    assert results == []
    assert "取消部分筛选条件" in explanation
    results, explanation = found("养老", Publication.objects.filter(year=1999))
    assert "当前筛选条件下没有已公开的答复" in explanation


@pytest.mark.postgres
def test_snippets_mark_the_words_and_escape_the_rest(seeds):
    text = snippet_of(seeds["607"], "一老一小")
    assert "<mark>一老一小</mark>" in text
    assert text.count("…") >= 1
    risky = publish_seed("52", body="<script>alert('养老')</script> 社区养老服务 & 更多")
    text = snippet_of(risky, "养老")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&#x27;<mark>养老</mark>&#x27;)&lt;/script&gt;" in text
    assert "&amp; 更多" in text


def snippet_of(publication, q):
    return str(search.snippet(publication, q))


@pytest.mark.postgres
def test_rebuilding_the_index(seeds, capsys):
    PublicationSearch.objects.all().delete()
    assert found("养老")[0] == []
    call_command("rebuild_search_index")
    assert "已重建 5 条答复的检索索引" in capsys.readouterr().out
    assert "20210248" in found("养老")[0]


# -- every database -----------------------------------------------------------------------


@pytest.mark.django_db
def test_containment_finds_terms_and_explains_an_empty_result(seeds):
    results, explanation = found("一老一小")
    assert results == ["607"]
    assert explanation == "共找到1条包含“一老一小”的答复。"
    assert found("2023-00364")[0] == ["607"]
    assert found("社区治理 遂宁")[0] == ["52"]
    results, explanation = found("航空航天")
    assert results == []
    assert explanation.startswith("没有找到同时包含“航空航天”的答复。")


@pytest.mark.django_db
def test_the_title_match_comes_first_everywhere(seeds):
    assert found("智慧养老")[0][0] == "20210248"


@pytest.mark.django_db
def test_filters_combine_with_search_everywhere(seeds):
    results, _ = found("社区", Publication.objects.filter(year=2023))
    assert results == ["607"]


@pytest.mark.django_db
def test_a_blank_query_changes_nothing(seeds):
    queryset = Publication.objects.filter(year=2021)
    result = search.search(queryset, "  ")
    assert result.results is queryset
    assert result.explanation == ""


def test_quoted_phrases_and_numbers_are_terms():
    terms = search.parse('“社区治理” 养老  2023-00364 "一老一小"')
    assert [(t.text, t.phrase, t.is_number) for t in terms] == [
        ("社区治理", True, False),
        ("一老一小", True, False),
        ("养老", False, False),
        ("2023-00364", False, True),
    ]


@pytest.mark.django_db
def test_snippets_are_escaped_everywhere():
    text = str(
        search.snippet(
            Publication(
                body=from_plain("前言<b>粗体</b>。" * 3 + "推进社区治理<script>x</script>")
            ),
            "社区治理",
        )
    )
    assert "<mark>社区治理</mark>" in text
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text


@pytest.mark.django_db
def test_agency_names_are_words(seeds):
    assert "深圳市民政局" in search.words("深圳市民政局答复")


@pytest.mark.django_db
def test_publishing_indexes_the_publication_once_committed(
    world, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 5, 26, 2, tzinfo=datetime.UTC)):
        letter = cases.sent(world, title="关于推进一老一小服务的建议")
    with (
        time_machine.travel(datetime.datetime(2026, 6, 12, 1, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        publication = reply_publish(letter=letter, by=world.lead_clerk)
    assert callbacks
    entry = PublicationSearch.objects.get(publication=publication)
    assert publication.index_number.lower() in entry.plain
    results, _ = found("一老一小")
    assert list(results) == [publication.proposal_number]


@pytest.mark.postgres
@pytest.mark.parametrize("oldest_first", [False, True])
@pytest.mark.parametrize("q", ["养老", "社区", "“社区应急管理”", "社区 养老"])
def test_fetching_the_matches_and_walking_the_dates_give_the_same_pool(
    seeds, monkeypatch, q, oldest_first
):
    monkeypatch.setattr(search, "POOL", 2)
    # However the planner judges fifteen rows, walking is made the dearer path: the pool
    # is then fetched, and must be the one the walk gives.
    monkeypatch.setattr(search, "WALK_COST", 10_000)
    decisions = []
    decide = search._few_enough
    monkeypatch.setattr(
        search, "_few_enough", lambda *args: decisions.append(decide(*args)) or decisions[-1]
    )
    publications = Publication.objects.all()
    walked = search.search(publications, q, oldest_first=oldest_first)
    assert decisions == []  # without sizes the planner walks the dates
    total = publications.count()
    fetched = search.search(publications, q, oldest_first=oldest_first, sizes=(total, total))
    assert decisions == [True]
    assert numbers(fetched.results) == numbers(walked.results)
    assert (fetched.count, fetched.capped, fetched.explanation) == (
        walked.count,
        walked.capped,
        walked.explanation,
    )
    assert walked.count <= 2


@pytest.mark.postgres
def test_a_common_word_walks_the_dates(seeds, monkeypatch):
    monkeypatch.setattr(search, "FETCH_LIMIT", 0)  # every estimate is above it
    total = Publication.objects.count()
    result = search.search(Publication.objects.all(), "养老", sizes=(total, total))
    assert {"607", "20210549", "20210248"} <= set(numbers(result.results))


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_search_row_keeps_what_the_walk_tests_in_the_row():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'disclosure_publicationsearch'::regclass AND attname IN "
            "('document', 'plain', 'body_tokens')"
        )
        storage = dict(cursor.fetchall())
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('disclosure_publication', 'disclosure_publicationsearch')"
        )
        options = dict(cursor.fetchall())
    # The tsvector and the plain text stay in the row (compressed); the words go out of line.
    assert storage == {"document": "m", "plain": "m", "body_tokens": "x"}
    assert options == {
        "disclosure_publicationsearch": ["toast_tuple_target=8160"],
        "disclosure_publication": ["parallel_workers=0"],
    }
