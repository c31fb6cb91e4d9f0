"""The API answers in Chinese whatever language the client asks for; the admin still follows
the reader's language."""

import re

import pytest
from django.urls import reverse

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b(?:This|field|required|valid|choice|Select|integer)\b")


def _messages(error: dict) -> list[str]:
    return [error["message"]] + [m for ms in error["fields"].values() for m in ms]


def _all_chinese(response) -> dict:
    assert response["Content-Language"] == "zh-hans"
    error = response.json()["error"]
    for message in _messages(error):
        assert CHINESE.search(message) and not ENGLISH_WORDS.search(message), message
    return error


def test_an_english_client_reads_drfs_own_messages_in_chinese(world, client):
    client.force_login(world.staff)
    response = client.post(
        reverse("proposal-list"), {"title": 12}, content_type="application/json", **ENGLISH
    )
    assert response.status_code == 400
    error = _all_chinese(response)
    assert error["fields"]["session"] == ["该字段是必填项。"]


def test_an_english_client_reads_a_filters_refusal_in_chinese(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("proposal-list"), {"status": "bogus"}, **ENGLISH)
    assert response.status_code == 400
    assert set(_all_chinese(response)["fields"]) == {"status"}


@pytest.mark.django_db
def test_an_english_client_reads_the_schema_in_chinese(client):
    schema = client.get(reverse("api_schema"), {"format": "json"}, **ENGLISH).json()
    [page] = [
        p for p in schema["paths"]["/api/v1/proposals/"]["get"]["parameters"] if p["name"] == "page"
    ]
    assert CHINESE.search(page["description"]), page["description"]


@pytest.mark.django_db
def test_the_admin_keeps_the_readers_language(client):
    response = client.get(reverse("admin:login"), **ENGLISH)
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()
    chinese = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese["Content-Language"] == "zh-hans"
