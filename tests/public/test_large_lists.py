"""What keeps the public lists fast on a large portal: counts read from the cached facets,
and a search that ranks a bounded pool of its newest matches."""

import csv
import io

import pytest
from django import forms
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import public, search
from disclosure.models import Publication
from disclosure.services import reply_publish
from portal.forms import QuickSelect
from tests.disclosure import cases
from tests.public.test_pages import publish, text


def listed(page: str, titles: list[str]) -> list[str]:
    """``titles`` in the order ``page`` shows them."""
    found = [(page.index(t), t) for t in titles if t in page]
    return [t for _, t in sorted(found)]


@pytest.fixture
def three(world):
    """Three published replies, oldest first: two of the lead agency, one of the co-handler."""
    first = publish(world, title="关于养老服务第一件的建议")
    second = publish(world, title="关于养老服务第二件的建议")
    third = reply_publish(
        letter=cases.sent_by_co_agency(world, title="关于养老服务第三件的建议"), by=world.co_clerk
    )
    search.index(third)
    return first, second, third


def test_a_list_is_counted_from_the_facets_without_counting_the_table(world, client, three):
    first, _, third = three
    with CaptureQueriesContext(connection) as captured:
        page = text(client.get(reverse("public:list")))
    assert "共 3 件" in page
    assert not [q["sql"] for q in captured if "COUNT(*)" in q["sql"]]
    filtered = text(client.get(reverse("public:list"), {"agency": third.agency_id}))
    assert "共 1 件" in filtered
    both = text(client.get(reverse("public:list"), {"agency": first.agency_id, "year": first.year}))
    assert "共 2 件" in both


def test_the_count_follows_a_new_publication(
    world, client, three, django_capture_on_commit_callbacks
):
    assert "共 3 件" in text(client.get(reverse("public:list")))
    with django_capture_on_commit_callbacks(execute=True):
        publish(world, title="关于养老服务第四件的建议")
    assert "共 4 件" in text(client.get(reverse("public:list")))


def test_counted_reads_one_filter_from_the_facets_and_leaves_combinations(world, three):
    first, _, third = three
    browse = public.facets()
    assert public.counted(browse, {}) == 3
    assert public.counted(browse, {"agency": first.agency_id}) == 2
    assert public.counted(browse, {"year": third.year}) == 3
    assert public.counted(browse, {"category": first.result_category}) == 3
    assert public.counted(browse, {"year": first.year - 1}) == 0
    assert public.counted(browse, {"agency": third.agency_id, "year": third.year}) is None


def test_the_filter_form_reads_no_table(world, client, three, django_assert_num_queries):
    client.get(reverse("public:list"))  # the facets are cached
    with django_assert_num_queries(2):  # a page of ids, then their rows
        page = text(client.get(reverse("public:list"), {"agency": three[2].agency_id, "page": 1}))
    assert f'<option value="{three[2].agency_id}" selected>{three[2].publisher}</option>' in page


def test_the_facets_follow_a_renamed_agency(
    world, client, three, django_capture_on_commit_callbacks
):
    client.get(reverse("public:list"))
    with django_capture_on_commit_callbacks(execute=True):
        world.co_agency.name = "杭州市卫生健康委员会(更名)"
        world.co_agency.save()
    assert "杭州市卫生健康委员会(更名)" in text(client.get(reverse("public:list")))


def test_a_search_past_the_pool_ranks_the_newest_and_says_so(world, client, three, monkeypatch):
    first, second, third = three
    monkeypatch.setattr(search, "POOL", 2)
    titles = [r.title for r in three]
    page = text(client.get(reverse("public:list"), {"q": "养老服务"}))
    assert "超过2条" in page and "最新的2条" in page and "增加检索词" in page
    assert set(listed(page, titles)) == {second.title, third.title}
    cache.clear()
    oldest = text(client.get(reverse("public:list"), {"q": "养老服务", "sort": "old"}))
    assert "最早的2条" in oldest
    assert listed(oldest, titles) == [first.title, second.title]


def test_a_search_within_the_pool_is_counted_exactly(world, client, three, monkeypatch):
    monkeypatch.setattr(search, "POOL", 3)
    page = text(client.get(reverse("public:list"), {"q": "养老服务"}))
    assert "共找到3条包含“养老服务”的答复" in page
    assert "超过" not in page


def test_an_export_of_a_search_holds_every_match(world, client, three, monkeypatch):
    monkeypatch.setattr(search, "POOL", 1)
    response = client.get(reverse("public:export_csv"), {"q": "养老服务"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(r[1] for r in rows[1:]) == sorted(r.title for r in three)


@pytest.mark.parametrize("value", ["", "y", "missing"])
def test_a_quick_select_draws_what_the_template_widget_draws(value):
    choices = [("", "全部"), ("x", "<甲>&"), ("y", "乙")]
    attrs = {"aria-describedby": "id_a_help", "class": "wide"}

    class Drawn(forms.Form):
        a = forms.ChoiceField(choices=choices, required=True, widget=forms.Select(attrs=attrs))

    class Quick(forms.Form):
        a = forms.ChoiceField(choices=choices, required=True, widget=QuickSelect(attrs=attrs))

    def markup(form) -> str:
        return "".join(line.strip() for line in str(form(data={"a": value})["a"]).splitlines())

    assert markup(Quick) == markup(Drawn)
    assert "&lt;甲&gt;&amp;" in markup(Quick)


def test_a_publications_year_is_its_dates(world, three):
    first = three[0]
    wrong = Publication(
        source=Publication.Source.IMPORTED,
        agency=first.agency,
        year=first.published_on.year - 1,
        title="年份与发布日期不符的答复",
        body="<p>现答复如下。</p>",
        published_on=first.published_on,
        publisher=first.publisher,
        disclosure="public",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        wrong.save()
