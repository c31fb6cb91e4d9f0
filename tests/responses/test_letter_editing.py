"""Editing reply letters: versions kept, no silent overwrite, signed letters frozen, drafts
generated in the background from the agency's template."""

import pytest
from django.urls import reverse

from proposals.errors import EditConflict, TransitionNotAllowed
from proposals.models import Event, Verb
from responses import history, richtext
from responses import services as rs
from responses.models import LetterRevision, ReplyLetter, ReplyTemplate
from tests import workflow as wf


def test_every_save_keeps_a_version(world):
    letter = wf.drafted(world)
    rs.reply_update(letter=letter, body="第二稿", expected_version=1, by=world.lead_clerk)
    rs.reply_update(letter=letter, body="第三稿", expected_version=2, by=world.lead_clerk)
    kept = list(letter.revisions.order_by("version").values_list("version", "body"))
    assert kept == [
        (1, richtext.from_plain(wf.REPLY_TEXT)),
        (2, "<p>第二稿</p>"),
        (3, "<p>第三稿</p>"),
    ]
    revision = letter.revisions.first()
    revision.body = "改写历史"
    with pytest.raises(Exception, match="不能修改"):
        revision.save()


def test_a_second_clerk_saving_an_older_version_is_refused_and_nothing_is_lost(world):
    letter = wf.drafted(world)
    rs.reply_update(letter=letter, body="甲的修改", expected_version=1, by=world.lead_clerk)
    with pytest.raises(EditConflict, match="已被他人修改"):
        rs.reply_update(letter=letter, body="乙的修改", expected_version=1, by=world.lead_clerk)
    letter.refresh_from_db()
    assert letter.body == "<p>甲的修改</p>" and letter.version == 2


def test_the_editor_keeps_the_refused_text_and_lets_the_clerk_save_after_merging(world, client):
    letter = wf.drafted(world)
    rs.reply_update(letter=letter, body="甲的修改", expected_version=1, by=world.lead_clerk)
    client.force_login(world.lead_clerk)
    form = {"body": "<p>乙的修改</p>", "disclosure": "public", "version": 1}
    response = client.post(reverse("responses:edit", args=[letter.pk]), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "他人已保存了第2版" in page and "乙的修改" in page and "甲的修改" in page
    assert response.context["form"].data["version"] == 2
    merged = {**form, "body": "<p>甲的修改</p><p>乙的修改</p>", "version": 2}
    client.post(reverse("responses:edit", args=[letter.pk]), merged)
    letter.refresh_from_db()
    assert letter.version == 3 and "乙的修改" in letter.body and "甲的修改" in letter.body


def test_a_signed_letter_is_not_changed_in_place(world):
    letter = wf.approved(world)
    signed_body, signed_version = letter.body, letter.version
    changed = rs.reply_update(
        letter=letter, body="签发后改动的正文", expected_version=signed_version, by=world.lead_clerk
    )
    assert changed.status == ReplyLetter.Status.DRAFT
    assert changed.version == signed_version + 1
    assert changed.approved_by is None
    assert LetterRevision.objects.get(letter=letter, version=signed_version).body == signed_body
    assert Event.objects.filter(verb=Verb.REPLY_REOPENED, data__reply=letter.pk).exists()
    with pytest.raises(TransitionNotAllowed):
        rs.reply_send(letter=changed, by=world.lead_clerk)
    rs.reply_submit(letter=changed, by=world.lead_clerk)
    rs.reply_approve(letter=changed, by=world.lead_leader)
    assert rs.reply_send(letter=changed, by=world.lead_clerk).status == ReplyLetter.Status.SENT


def test_a_sent_letter_cannot_change(world):
    letter = wf.sent(world)
    with pytest.raises(TransitionNotAllowed):
        rs.reply_update(letter=letter, body="改", by=world.lead_clerk)


def test_the_body_is_cleaned_of_everything_a_letter_does_not_use(world):
    letter = wf.drafted(world)
    dirty = (
        '<p onclick="steal()">您好<script>alert(1)</script><a href="javascript:x">链接</a>'
        '<span class="redact" style="color:red">13812345678</span>'
        '<span class="other">普通</span><img src=x onerror=alert(1)></p>'
    )
    rs.reply_update(letter=letter, body=dirty, by=world.lead_clerk)
    letter.refresh_from_db()
    assert letter.body == '<p>您好链接<span class="redact">13812345678</span><span>普通</span></p>'


def test_the_diff_marks_what_changed(world, client):
    letter = wf.drafted(world)
    rs.reply_update(
        letter=letter,
        body="<p>戚敏敏委员:</p><p>现答复如下:已经解决。</p>",
        expected_version=1,
        by=world.lead_clerk,
    )
    rs.reply_update(
        letter=letter,
        body="<p>戚敏敏委员:</p><p>现答复如下:正在解决。</p><p>下一步继续推进。</p>",
        expected_version=2,
        by=world.lead_clerk,
    )
    lines = history.diff(letter.revisions.get(version=2).body, letter.revisions.get(version=3).body)
    assert [line.change for line in lines] == ["same", "changed", "added"]
    changed = lines[1].pieces
    assert [(p.text, p.change) for p in changed if p.change] == [
        ("已经", "removed"),
        ("正在", "added"),
    ]
    client.force_login(world.lead_clerk)
    page = client.get(reverse("responses:history", args=[letter.pk])).content.decode()
    assert "<del>已经</del><ins>正在</ins>" in page
    client.force_login(world.other_clerk)
    assert client.get(reverse("responses:history", args=[letter.pk])).status_code == 404


# Drafts generated from the template


def test_generating_a_draft_in_the_background(world, client, django_capture_on_commit_callbacks):
    proposal = wf.signed(world)
    rs.opinion_submit(assignment=wf.co_of(proposal), body="同意主办意见。", by=world.co_clerk)
    lead = wf.lead_of(proposal)
    client.force_login(world.lead_clerk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("responses:new", args=[lead.pk]), {"generate": "1"})
    letter = ReplyLetter.objects.get(assignment=lead)
    assert response.url == reverse("responses:edit", args=[letter.pk])
    assert letter.generation == ReplyLetter.Generation.QUEUED and letter.body == ""
    waiting = client.get(reverse("responses:edit", args=[letter.pk])).content.decode()
    assert "data-progress-url" in waiting
    assert client.get(reverse("responses:progress", args=[letter.pk])).json()["finished"] is False

    for callback in callbacks:
        callback()
    letter.refresh_from_db()
    text = richtext.to_plain(letter.body)
    assert letter.generation == ReplyLetter.Generation.DONE and letter.version == 2
    assert text.startswith("戚敏敏委员、郭锦委员:")
    assert "经综合市卫生健康委的会办意见" in text
    assert letter.revisions.get(version=2).note == "按模板生成"
    assert client.get(reverse("responses:progress", args=[letter.pk])).json()["finished"] is True
    editor = client.get(reverse("responses:edit", args=[letter.pk])).content.decode()
    assert "同意主办意见。" in editor, "the co-handler's opinion is beside the draft"


def test_a_clerk_who_types_first_keeps_their_text(world, django_capture_on_commit_callbacks):
    lead = wf.lead_of(wf.signed(world))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = rs.reply_draft(assignment=lead, generate=True, by=world.lead_clerk)
    rs.reply_update(letter=letter, body="我自己写的", expected_version=1, by=world.lead_clerk)
    for callback in callbacks:
        callback()
    letter.refresh_from_db()
    assert letter.body == "<p>我自己写的</p>"
    assert letter.generation == ReplyLetter.Generation.NONE
    assert rs.reply_generate(letter.pk) is None, "a second delivery writes nothing"


def test_the_agencys_own_template_is_used_and_a_broken_one_fails_politely(
    world, django_capture_on_commit_callbacks
):
    own = ReplyTemplate.objects.create(
        body="cppcc",
        agency=world.lead_agency,
        name="市民政局模板",
        content="{{ addressee }}:\n特此答复。",
    )
    lead = wf.lead_of(wf.signed(world))
    with django_capture_on_commit_callbacks(execute=True):
        letter = rs.reply_draft(assignment=lead, generate=True, by=world.lead_clerk)
    letter.refresh_from_db()
    assert richtext.to_plain(letter.body) == "戚敏敏委员、郭锦委员:\n特此答复。"

    own.content = "{{ addressee|date:'Y' }}{% for x in %}"
    own.save()
    other = wf.lead_of(wf.signed(world, title="关于社区食堂的建议"))
    with django_capture_on_commit_callbacks(execute=True):
        broken = rs.reply_draft(assignment=other, generate=True, by=world.lead_clerk)
    broken.refresh_from_db()
    assert broken.generation == ReplyLetter.Generation.FAILED
    assert "模板语法错误" in broken.generation_error


def test_the_admin_refuses_a_template_with_a_syntax_error_and_previews_a_case(world, client):
    from accounts.models import User

    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    url = reverse("admin:responses_replytemplate_add")
    response = client.post(
        url, {"body": "cppcc", "name": "坏模板", "content": "{% if %}", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "模板语法错误" in response.content.decode()
    assert not ReplyTemplate.objects.filter(name="坏模板").exists()

    lead = wf.lead_of(wf.assigned(world))
    preview = client.post(
        reverse("admin:responses_replytemplate_preview"),
        {"content": "{{ addressee }}:{{ acknowledgement }}", "assignment": lead.pk},
    ).json()
    assert preview["text"].startswith("戚敏敏委员、郭锦委员:诸位委员在")
    error = client.post(
        reverse("admin:responses_replytemplate_preview"),
        {"content": "{% for %}", "assignment": lead.pk},
    ).json()
    assert "模板语法错误" in error["error"]
    page = client.get(url).content.decode()
    assert "实时预览" in page and "{{ acknowledgement }}" in page


def test_changing_a_signed_letter_in_the_browser_asks_for_a_new_signature(world, client):
    letter = wf.approved(world)
    client.force_login(world.lead_clerk)
    item = client.get(reverse("proposals:detail", args=[letter.assignment.proposal_id]))
    assert "修改(须重新签发)" in item.content.decode()
    form = client.get(reverse("responses:edit", args=[letter.pk])).content.decode()
    assert "须重新提交负责人审核签发" in form
    client.post(
        reverse("responses:edit", args=[letter.pk]),
        {"body": "<p>补充一段。</p>", "disclosure": "public", "version": letter.version},
    )
    letter.refresh_from_db()
    assert letter.status == ReplyLetter.Status.DRAFT and letter.approved_by is None
