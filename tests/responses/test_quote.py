"""引用此段: the clerk writing a reply sees the earlier replies of similar items beside the
editor, and quotes a paragraph into the letter: with the page's script into the editor,
without it by saving it at the end of the letter, against the version they last read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responses import services as rs
from responses.richtext import from_plain
from tests import workflow as wf
from tests.proposals.precedents import (
    TOPIC_BODY,
    TOPIC_TITLE,
    index_all,
    letter_of,
    replied,
)

FIRST = "一、关于老年助餐点。全市已建成老年助餐点三百个。"
SECOND = "二、关于运营补贴。每餐补贴三元,由区财政承担。"


@pytest.fixture
def writing(world):
    """An earlier item with its reply published, and the lead clerk's draft on a new one."""
    earlier = replied(world, reply=f"委员:\n{FIRST}\n{SECOND}", publish=True)
    letter = wf.drafted(world, title=TOPIC_TITLE, body=TOPIC_BODY)
    index_all()
    publication = letter_of(earlier).publication
    return letter, publication


def _form(letter, **changes) -> dict:
    return {"body": letter.body, "disclosure": "public", "version": letter.version, **changes}


def test_the_editor_lists_each_paragraph_of_the_earlier_reply_to_quote(world, writing, client):
    letter, publication = writing
    client.force_login(world.lead_clerk)
    page = client.get(reverse("responses:edit", args=[letter.pk])).content.decode()
    assert "往年相似建议提案" in page
    assert FIRST in page and SECOND in page
    assert f'name="quote" value="p{publication.pk}:2"' in page
    assert 'form="letter-form"' in page and 'id="letter-form"' in page


def test_quoting_without_the_script_saves_the_paragraph_at_the_end(world, writing, client):
    letter, publication = writing
    client.force_login(world.lead_clerk)
    typed = letter.body + "<p>刚刚写的一段。</p>"
    response = client.post(
        reverse("responses:edit", args=[letter.pk]),
        _form(letter, body=typed, quote=f"p{publication.pk}:2"),
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.body.endswith("<p>刚刚写的一段。</p>" + from_plain(SECOND))
    assert letter.version == 2
    assert letter.revisions.get(version=2).saved_by == world.lead_clerk


def test_a_quote_against_an_older_version_is_refused_and_kept_in_the_editor(world, writing, client):
    letter, publication = writing
    rs.reply_update(letter=letter, body="他人的修改", expected_version=1, by=world.lead_clerk)
    client.force_login(world.lead_clerk)
    response = client.post(
        reverse("responses:edit", args=[letter.pk]),
        _form(letter, version=1, quote=f"p{publication.pk}:1"),
    )
    assert response.status_code == 200
    assert "他人已保存了第2版" in response.content.decode()
    assert FIRST in response.context["form"].data["body"], "the quote waits in the editor"
    letter.refresh_from_db()
    assert letter.version == 2 and FIRST not in letter.body


def test_only_a_reply_the_clerk_may_read_is_quoted(world, writing, client):
    letter, _ = writing
    others = replied(
        world,
        agency=world.other_agency,
        clerk=world.other_clerk,
        reply="交通局未公开的答复:送餐车辆通行。",
    )
    client.force_login(world.lead_clerk)
    for quote in (f"l{letter_of(others).pk}:0", "p999999:0", "x1:0", "p1:abc"):
        response = client.post(
            reverse("responses:edit", args=[letter.pk]), _form(letter, quote=quote)
        )
        assert response.status_code == 200
        assert "所引用的段落不存在或您无权查看" in response.content.decode()
    letter.refresh_from_db()
    assert letter.version == 1 and "送餐车辆" not in letter.body


def test_the_quoted_text_is_cleaned_and_text_hidden_from_publication_stays_hidden(world, client):
    own = replied(world, reply="委员:\n老年助餐服务已覆盖全部街道。")
    sent = letter_of(own)
    hidden = '<p>联系人手机<span class="redact">13812345678</span>。</p>'
    script = "<p>&lt;script&gt;alert(1)&lt;/script&gt;已落实。</p>"
    sent.body = sent.body + hidden + script
    sent.save(update_fields=["body"])
    letter = wf.drafted(world, title=TOPIC_TITLE, body=TOPIC_BODY)
    index_all()
    client.force_login(world.lead_clerk)
    for number in (2, 3):
        letter.refresh_from_db()
        client.post(
            reverse("responses:edit", args=[letter.pk]),
            _form(letter, quote=f"l{sent.pk}:{number}"),
        )
    letter.refresh_from_db()
    assert "13812345678" not in letter.body and "联系人手机***。" in letter.body
    assert "<script>" not in letter.body and "&lt;script&gt;" in letter.body


def test_a_new_letter_can_start_from_a_quote(world, client):
    earlier = replied(world, reply=f"委员:\n{FIRST}", publish=True)
    proposal = wf.signed(world, title=TOPIC_TITLE, body=TOPIC_BODY)
    index_all()
    publication = letter_of(earlier).publication
    client.force_login(world.lead_clerk)
    lead = wf.lead_of(proposal)
    response = client.post(
        reverse("responses:new", args=[lead.pk]),
        {"body": "", "disclosure": "public", "quote": f"p{publication.pk}:1"},
    )
    assert response.status_code == 302
    assert FIRST in letter_of(proposal).body


def test_the_editor_reads_in_constant_queries(world, client):
    letter = wf.drafted(world, title=TOPIC_TITLE, body=TOPIC_BODY)
    for n in range(2):
        replied(world, title=f"{TOPIC_TITLE}({n})", publish=n == 0)
    index_all()
    client.force_login(world.lead_clerk)
    url = reverse("responses:edit", args=[letter.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(2, 6):
        replied(world, title=f"{TOPIC_TITLE}({n})", publish=n % 2 == 0)
    index_all()
    assert queries() == few
