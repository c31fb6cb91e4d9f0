"""The schema tells the truth about refusals: every operation documents the errors it can
answer, in the one shape; and the command that gives a program its personal token."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from accounts.models import ApiToken
from portal.schema import statuses_of
from tests import factories

ERROR_REF = "#/components/schemas/ApiError"
ME = "/api/v1/me/"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_schema_is_valid_openapi(schema):
    validate_schema(schema)


def test_every_operation_documents_its_refusals_in_the_one_error_shape(schema):
    assert schema["components"]["schemas"]["ApiError"]["required"] == ["error"]
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "429" in responses, (method, path)
        for status in statuses_of(method, operation):
            assert str(status) in responses, (method, path, status)
        for status, response in responses.items():
            if status.startswith("4"):
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": ERROR_REF}, (method, path, status)


def test_signed_in_operations_document_401_and_steps_403_and_409(schema):
    for path, method, operation in operations(schema):
        security = operation.get("security", [])
        responses = operation["responses"]
        assert "401" in responses, (method, path)  # a bad token is refused even on public ones
        if {} not in security and method in {"post", "patch"}:
            assert "403" in responses, (method, path)
            assert "400" in responses, (method, path)
    steps = {
        ("post", "/api/v1/letters/{id}/submit/"),
        ("post", "/api/v1/letters/{id}/approve/"),
        ("post", "/api/v1/letters/{id}/send/"),
        ("post", "/api/v1/letters/{id}/publish/"),
        ("patch", "/api/v1/letters/{id}/"),
        ("post", "/api/v1/assignments/{id}/rate/"),
        ("post", "/api/v1/assignments/{id}/rehandle/"),
        ("post", "/api/v1/opinions/"),
    }
    for method, path in steps:
        assert "409" in schema["paths"][path][method]["responses"], (method, path)
    revisions = schema["paths"]["/api/v1/letters/{id}/revisions/"]["get"]["responses"]
    assert "403" in revisions


def test_lists_document_the_404_of_a_page_that_does_not_exist(schema):
    assert "404" in schema["paths"]["/api/v1/sessions/"]["get"]["responses"]


@pytest.mark.django_db
def test_a_nul_character_in_a_public_filter_is_a_400(client):
    for name in ("session", "category", "agency", "topic", "year"):
        response = client.get(reverse("public-reply-list"), {name: "市政协\x00会议"})
        assert response.status_code == 400, (name, response.content)
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert list(error["fields"]) == [name]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", ["/api/v1/public/replies/1%0A2/", "/api/v1/nothing%0A", "/api/v1/%0A/more/"]
)
def test_an_address_with_a_newline_is_a_json_404_too(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


# The api_token command


@pytest.mark.django_db
def test_the_command_prints_a_token_that_opens_the_api(client):
    factories.UserFactory(username="mz_clerk")
    out = StringIO()
    call_command("api_token", "mz_clerk", "--name", "办公系统", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("pt_")
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "mz_clerk"


@pytest.mark.django_db
def test_the_command_gives_several_users_a_token_each_in_order(client):
    for username in ("cppcc_staff", "qiminmin"):
        factories.UserFactory(username=username)
    out = StringIO()
    call_command("api_token", "qiminmin", "cppcc_staff", "--name", "检查", stdout=out)
    first, second = out.getvalue().split()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {first}").json()["username"] == "qiminmin"
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {second}").json()["username"] == "cppcc_staff"


@pytest.mark.django_db
def test_replace_revokes_the_token_of_the_same_name(client):
    user = factories.UserFactory(username="mz_leader")
    out = StringIO()
    call_command("api_token", "mz_leader", "--name", "检查", stdout=out)
    old = out.getvalue().strip()
    with pytest.raises(CommandError, match="已有名为“检查”的有效令牌"):
        call_command("api_token", "mz_leader", "--name", "检查", stdout=StringIO())

    out = StringIO()
    call_command("api_token", "mz_leader", "--name", "检查", "--replace", stdout=out)
    new = out.getvalue().strip()
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {new}").status_code == 200
    assert ApiToken.objects.active().filter(user=user).count() == 1
    assert ApiToken.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_or_inactive_user():
    factories.UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="没有登录名为“nobody”的用户"):
        call_command("api_token", "nobody", "--name", "x", stdout=StringIO())
    with pytest.raises(CommandError, match="已停用"):
        call_command("api_token", "gone", "--name", "x", stdout=StringIO())
    assert not ApiToken.objects.exists()
