"""What every API endpoint shares: the one error shape, the schema and its documentation."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from rest_framework import exceptions

from portal.api import exception_handler
from proposals.errors import EditConflict, InvalidInput, NotPermitted, TransitionNotAllowed
from proposals.models import ProtectedFromDeletion


@pytest.mark.parametrize(
    ("exc", "status", "code", "fields"),
    [
        (
            InvalidInput("标题不能为空。", field="title"),
            400,
            "invalid",
            {"title": ["标题不能为空。"]},
        ),
        (InvalidInput("内容有误。"), 400, "invalid", {}),
        (NotPermitted("您不是该单位的办理人员。"), 403, "permission_denied", {}),
        (TransitionNotAllowed("该件已签收。"), 409, "transition_not_allowed", {}),
        (EditConflict("他人已修改。"), 409, "edit_conflict", {}),
        (ProtectedFromDeletion("办理记录不可删除。"), 409, "protected", {}),
        (Http404(), 404, "not_found", {}),
        (PermissionDenied(), 403, "permission_denied", {}),
        (exceptions.NotAuthenticated(), 401, "not_authenticated", {}),
        (exceptions.ParseError(), 400, "parse_error", {}),
        (exceptions.MethodNotAllowed("PATCH"), 405, "method_not_allowed", {}),
        (
            exceptions.ValidationError({"year": ["请输入整数。"], "q": "太长。"}),
            400,
            "invalid",
            {"year": ["请输入整数。"], "q": ["太长。"]},
        ),
        (
            exceptions.ValidationError(["两项不能同时为空。"]),
            400,
            "invalid",
            {"non_field_errors": ["两项不能同时为空。"]},
        ),
        (exceptions.Throttled(wait=42), 429, "throttled", {}),
    ],
)
def test_every_refusal_has_the_one_shape(rf, exc, status, code, fields):
    response = exception_handler(exc, {"request": rf.get("/api/v1/"), "view": None})
    assert response.status_code == status
    error = response.data["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert (error["status"], error["code"], error["fields"]) == (status, code, fields)
    assert re.search(r"[\u4e00-\u9fff]", error["message"]), error["message"]


def test_a_throttled_client_is_told_when_to_come_back(rf):
    response = exception_handler(exceptions.Throttled(wait=42), {"request": rf.get("/")})
    assert response["Retry-After"] == "42"
    assert "42 秒" in response.data["error"]["message"]


def test_an_unexpected_exception_is_not_hidden(rf):
    assert exception_handler(ValueError("bug"), {"request": rf.get("/")}) is None


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_address_is_a_json_404(client, method):
    response = getattr(client, method)("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_the_schema_is_openapi_3_in_chinese(client):
    response = client.get(reverse("api_schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "建议提案办理平台 API"


@pytest.mark.django_db
def test_the_documentation_loads_nothing_from_the_internet(client):
    page = client.get(reverse("api_docs")).content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert assets, "the page names its scripts and styles"
    external = [a for a in assets if re.match(r"(https?:)?//", a)]
    assert not external
    assert '"validatorUrl": null' in page
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
