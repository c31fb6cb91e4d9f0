"""Attachments through the API: listed, uploaded (multipart/form-data) and downloaded with
the pages' service and scoping; every refusal in the one error shape, never a 500."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from django.urls import reverse

from proposals import services as ps
from proposals.models import Attachment, Event, Verb
from tests import workflow as wf

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
OUTSIDERS = ["other_clerk", "other_proposer_user", "npc_staff", "stranger"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def listing(pk: int) -> str:
    return reverse("proposal-attachments", args=[pk])


def download(pk: int, attachment_pk: int) -> str:
    return reverse("proposal-attachment", args=[pk, attachment_pk])


def upload(client, pk: int, name: str = "调研报告.pdf", content: bytes = PDF, **extra):
    return client.post(listing(pk), {"file": SimpleUploadedFile(name, content)}, **extra)


def refused(response, status: int, code: str | None = None) -> dict:
    """The one error shape, with a Chinese message."""
    assert response.status_code == status, response.content.decode()
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert CHINESE.search(error["message"]), error["message"]
    if code:
        assert error["code"] == code
    return error


def _attached(world, proposal, name: str = "附件.pdf") -> Attachment:
    return ps.proposal_attach(
        proposal=proposal, upload=SimpleUploadedFile(name, PDF), by=world.staff
    )


# Upload


def test_staff_upload_a_file_that_is_listed_and_downloaded(world, client):
    proposal = wf.accepted(world)
    client.force_login(world.staff)
    response = upload(client, proposal.pk)
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["name"], body["content_type"], body["size"]) == (
        "调研报告.pdf",
        "application/pdf",
        len(PDF),
    )
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.proposal == proposal and attachment.uploaded_by == world.staff
    assert body["download_url"] == f"http://testserver{download(proposal.pk, attachment.pk)}"
    event = proposal.events.get(verb=Verb.ATTACHED)
    assert (event.actor, event.note) == (world.staff, "调研报告.pdf")

    listed = client.get(listing(proposal.pk)).json()
    assert listed == [body]
    detail = client.get(reverse("proposal-detail", args=[proposal.pk])).json()
    assert detail["attachments"] == [body]

    file = client.get(body["download_url"])
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF
    assert file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%B0%83%E7%A0%94" in file["Content-Disposition"]


def test_a_proposer_attaches_to_their_own_draft_only(world, client):
    draft = wf.draft(world)
    client.force_login(world.lead_proposer_user)
    assert upload(client, draft.pk, "照片.png", PNG).status_code == 201
    client.force_login(world.cosigner_user)  # signs it, does not edit it
    refused(upload(client, draft.pk), 403, "permission_denied")
    submitted = wf.submitted(world, title="关于公交线路的建议")
    client.force_login(world.lead_proposer_user)  # submitted: staff attach from now on
    refused(upload(client, submitted.pk), 403, "permission_denied")
    assert Attachment.objects.filter(proposal=submitted).count() == 0


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("程序.exe", b"MZ\x90\x00", "不是允许的文件类型"),
        ("说明.txt", "纯文本".encode(), "不是允许的文件类型"),
        ("没有扩展名", PDF, "不是允许的文件类型"),
        ("改名的程序.pdf", b"MZ\x90\x00\x03", "与扩展名不符"),
        ("图片.png", PDF, "与扩展名不符"),
    ],
)
def test_a_file_of_another_type_is_a_400_on_the_file(world, client, name, content, why):
    proposal = wf.submitted(world)
    client.force_login(world.staff)
    error = refused(upload(client, proposal.pk, name, content), 400, "invalid")
    [message] = error["fields"]["file"]
    assert why in message
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_a_400(world, client, settings):
    settings.PORTAL = settings.PORTAL | {"ATTACHMENT_MAX_MB": 1}
    proposal = wf.submitted(world)
    client.force_login(world.staff)
    big = PDF + b"0" * (1024 * 1024)
    error = refused(upload(client, proposal.pk, "大文件.pdf", big), 400, "invalid")
    assert "超过 1 MB" in error["fields"]["file"][0]
    assert upload(client, proposal.pk, "小文件.pdf", PDF).status_code == 201


@pytest.mark.parametrize(
    "data",
    [{}, {"file": "不是文件"}, {"file": SimpleUploadedFile("空.pdf", b"")}],
    ids=["no-file", "text", "empty"],
)
def test_no_usable_file_is_a_400_on_the_file(world, client, data):
    proposal = wf.submitted(world)
    client.force_login(world.staff)
    error = refused(client.post(listing(proposal.pk), data), 400, "invalid")
    assert list(error["fields"]) == ["file"]
    assert not Attachment.objects.exists()


def test_only_multipart_is_taken(world, client):
    proposal = wf.submitted(world)
    client.force_login(world.staff)
    json = client.post(listing(proposal.pk), {"file": "x"}, content_type="application/json")
    assert "multipart/form-data" in refused(json, 415, "unsupported_media_type")["message"]
    broken = client.post(
        listing(proposal.pk), b"--nothing--", content_type="multipart/form-data; boundary="
    )
    assert "multipart/form-data" in refused(broken, 400, "parse_error")["message"]


def test_too_many_files_at_once_is_a_400(world, client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    proposal = wf.submitted(world)
    client.force_login(world.staff)
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(3)]
    body = encode_multipart("BoUnDaRy", {"file": files})
    response = client.post(
        listing(proposal.pk), body, content_type="multipart/form-data; boundary=BoUnDaRy"
    )
    refused(response, 400, "too_large")
    assert not Attachment.objects.exists()


def test_a_finished_item_takes_no_file(world, client):
    proposal = wf.submitted(world)
    ps.proposal_withdraw(proposal=proposal, note="另行提出。", by=world.lead_proposer_user)
    client.force_login(world.staff)
    error = refused(upload(client, proposal.pk), 409, "transition_not_allowed")
    assert "已撤回" in error["message"]
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(verb=Verb.ATTACHED).exists()


def test_an_attachment_is_not_deleted(world, client):
    proposal = wf.submitted(world)
    attachment = _attached(world, proposal)
    client.force_login(world.staff)
    refused(client.delete(download(proposal.pk, attachment.pk)), 405, "method_not_allowed")
    refused(client.delete(listing(proposal.pk)), 405, "method_not_allowed")
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# Who may see: as the pages


@pytest.mark.parametrize("who", OUTSIDERS)
def test_an_outsider_finds_neither_the_files_nor_a_place_to_put_one(world, client, who):
    proposal = wf.assigned(world)
    attachment = _attached(world, proposal)
    client.force_login(getattr(world, who))
    refused(client.get(listing(proposal.pk)), 404, "not_found")
    refused(client.get(download(proposal.pk, attachment.pk)), 404, "not_found")
    refused(upload(client, proposal.pk), 404, "not_found")
    page = client.get(reverse("proposals:attachment", args=[attachment.pk]))
    assert page.status_code == 404
    assert Attachment.objects.filter(proposal=proposal).count() == 1


@pytest.mark.parametrize("who", ["staff", "lead_clerk", "co_clerk", "cosigner_user"])
def test_whoever_sees_the_item_downloads_its_files(world, client, who):
    proposal = wf.assigned(world)
    attachment = _attached(world, proposal)
    client.force_login(getattr(world, who))
    assert [a["id"] for a in client.get(listing(proposal.pk)).json()] == [attachment.pk]
    # Whatever the client says it accepts, the answer is the file.
    file = client.get(download(proposal.pk, attachment.pk), HTTP_ACCEPT="application/pdf")
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF


def test_an_attachment_is_found_only_under_its_own_item(world, client):
    proposal = wf.submitted(world)
    other = wf.submitted(world, title="关于公交线路的建议")
    attachment = _attached(world, other)
    client.force_login(world.staff)
    refused(client.get(download(proposal.pk, attachment.pk)), 404, "not_found")


def test_a_missing_file_is_a_404(world, client):
    proposal = wf.submitted(world)
    attachment = _attached(world, proposal)
    attachment.file.delete(save=False)
    client.force_login(world.staff)
    refused(client.get(download(proposal.pk, attachment.pk)), 404, "not_found")


def test_without_credentials_it_is_a_401(world, client):
    proposal = wf.submitted(world)
    attachment = _attached(world, proposal)
    refused(client.get(download(proposal.pk, attachment.pk)), 401, "not_authenticated")
    refused(upload(client, proposal.pk), 401, "not_authenticated")


# The schema


def test_the_schema_describes_the_multipart_upload_and_the_download(client, db):
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/proposals/{id}/attachments/"]
    post = operations["post"]
    assert list(post["requestBody"]["content"]) == ["multipart/form-data"]
    assert post["requestBody"]["required"] is True
    ref = post["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert body["required"] == ["file"]
    assert body["properties"]["file"]["type"] == "string"
    assert body["properties"]["file"]["format"] == "binary"
    assert CHINESE.search(body["properties"]["file"]["description"])
    assert {"201", "400", "403", "404", "409", "415"} <= set(post["responses"])
    assert "multipart/form-data" in post["responses"]["415"]["description"]
    assert CHINESE.search(post["summary"]) and CHINESE.search(post["description"])
    listed = operations["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["type"] == "array"

    get = schema["paths"]["/api/v1/proposals/{id}/attachments/{attachment_pk}/"]["get"]
    # The file comes with its own type, each of which the schema names.
    downloaded = get["responses"]["200"]["content"]
    assert set(downloaded) == {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/jpeg",
        "image/png",
    }
    for content in downloaded.values():
        assert content["schema"] == {"type": "string", "format": "binary"}
    assert "404" in get["responses"]
    assert "delete" not in operations
