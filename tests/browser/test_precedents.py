"""往年相似建议提案 in real Chromium: the proposer's draft page lists earlier items as the
title is typed, and the clerk quotes an earlier reply's paragraph into the letter editor
with one click."""

import pytest
from playwright.sync_api import expect

from tests import workflow as wf
from tests.proposals.precedents import TOPIC_BODY, TOPIC_TITLE, letter_of, replied

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARAGRAPH = "二、关于运营补贴。每餐补贴三元,由区财政承担。"


def test_the_draft_page_follows_the_title_as_it_is_typed(world, visitors):
    earlier = replied(world, publish=True)
    page = visitors.sign_in(world.lead_proposer_user.username)
    page.goto("/proposals/drafts/new/")
    panel = page.get_by_role("region", name="往年相似建议提案")
    expect(panel).to_contain_text("填写标题和正文后")
    page.get_by_label("标题").fill(TOPIC_TITLE)
    expect(
        panel.get_by_role("link", name=f"阅读{world.lead_agency.display_name}的公开答复")
    ).to_be_visible()
    expect(panel).to_contain_text(earlier.title)
    assert not visitors.problems, visitors.problems


def test_the_clerk_quotes_a_paragraph_into_the_editor(world, visitors):
    replied(world, reply=f"委员:\n一、关于老年助餐点。\n{PARAGRAPH}", publish=True)
    letter = wf.drafted(world, title=TOPIC_TITLE, body=TOPIC_BODY)
    page = visitors.sign_in(world.lead_clerk.username)
    page.goto(f"/letters/{letter.pk}/edit/")
    panel = page.get_by_role("region", name="往年相似建议提案")
    panel.get_by_text("逐段查看,引用到本答复").click()
    panel.get_by_role("button", name="引用此段").nth(2).click()
    editor = page.get_by_role("textbox", name="答复正文")
    expect(editor).to_contain_text(PARAGRAPH)
    assert page.url.endswith(f"/letters/{letter.pk}/edit/"), "nothing was sent yet"
    letter.refresh_from_db()
    assert PARAGRAPH not in letter.body
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存(第2版)")).to_be_visible()
    assert PARAGRAPH in letter_of(letter.assignment.proposal).body
    assert not visitors.problems, visitors.problems
