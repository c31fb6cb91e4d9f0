"""Personal API tokens: created on a page and shown once, sent as Bearer, revoked for good."""

import datetime
import hashlib
import re

import pytest
import time_machine
from django.urls import reverse

from accounts import tokens
from accounts.models import ApiToken
from agencies.models import Body
from portal import clock
from proposals.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from tests import factories

RAW = re.compile(r"pt_[A-Za-z0-9_-]{43}")
ME = "/api/v1/me/"


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_refused_401(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == 401
    assert re.search(r"[\u4e00-\u9fff]", error["message"]), error["message"]
    return error


# Creating on the page


def test_a_token_created_on_the_page_is_shown_once_and_opens_the_api(world, client):
    client.force_login(world.lead_clerk)
    response = client.post(reverse("accounts:tokens"), {"name": "统计脚本", "expires_on": ""})
    assert response.status_code == 200, "shown in the answer to the POST, not after a redirect"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "不会再次显示" in text
    (raw,) = set(RAW.findall(text))

    assert raw not in str(dict(client.session))
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "统计脚本" in listing and raw[:8] in listing
    assert raw not in listing

    client.logout()
    me = client.get(ME, **bearer(raw))
    assert me.status_code == 200
    assert me.json()["username"] == "lead_clerk"


def test_the_page_is_for_signed_in_users(world, client):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_account_pages_link_to_each_other(world, client):
    client.force_login(world.stranger)
    assert reverse("accounts:tokens") in client.get(reverse("password_change")).content.decode()
    assert reverse("password_change") in client.get(reverse("accounts:tokens")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  ", "expires_on": ""}, "请填写令牌名称。"),
        ({"name": "长" * 51, "expires_on": ""}, "令牌名称不能超过50个字。"),
        ({"name": "脚本", "expires_on": "2026-02-30"}, "请填写有效日期"),
        ({"name": "脚本", "expires_on": "2020-01-01"}, "有效期不能早于今天。"),
        ({"name": "已有", "expires_on": ""}, "您已有名为“已有”的有效令牌"),
    ],
)
def test_bad_input_is_shown_again_with_a_chinese_message(world, client, data, message):
    tokens.token_create(user=world.stranger, name="已有")
    client.force_login(world.stranger)
    response = client.post(reverse("accounts:tokens"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert 'aria-invalid="true"' in text
    assert not RAW.search(text)
    assert ApiToken.objects.filter(user=world.stranger).count() == 1


def test_the_same_name_may_be_used_again_once_the_old_token_is_revoked(world):
    old, _ = tokens.token_create(user=world.stranger, name="办公系统")
    tokens.token_revoke(token=old, by=world.stranger)
    new, _ = tokens.token_create(user=world.stranger, name="办公系统")
    assert new.pk != old.pk


def test_another_user_may_use_the_same_name(world):
    tokens.token_create(user=world.stranger, name="办公系统")
    token, _ = tokens.token_create(user=world.staff, name="办公系统")
    assert token.user == world.staff


# The limit


def test_at_most_ten_active_tokens_each(world, client):
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.token_create(user=world.stranger, name=f"令牌{n}")
    with pytest.raises(InvalidInput, match="最多可有 10 个有效令牌"):
        tokens.token_create(user=world.stranger, name="第十一个")

    client.force_login(world.stranger)
    response = client.post(reverse("accounts:tokens"), {"name": "第十一个"})
    assert response.status_code == 200
    assert "最多可有 10 个有效令牌" in response.content.decode()
    assert ApiToken.objects.filter(user=world.stranger).count() == 10

    tokens.token_revoke(token=ApiToken.objects.first(), by=world.stranger)
    assert tokens.token_create(user=world.stranger, name="第十一个")[0].pk


def test_expired_tokens_do_not_count_against_the_limit(world):
    today = clock.today()
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.token_create(user=world.stranger, name=f"令牌{n}", expires_on=today)
    with time_machine.travel(datetime.timedelta(days=1)):
        assert tokens.token_create(user=world.stranger, name="令牌0")[0].is_active


# What is stored


def test_only_the_digest_and_the_first_eight_characters_are_kept(world):
    token, raw = tokens.token_create(user=world.stranger, name="脚本")
    assert raw.startswith("pt_") and len(raw) > 40
    token.refresh_from_db()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(raw in value for value in stored)


def test_each_token_is_different(world):
    raws = {tokens.token_create(user=world.stranger, name=f"令牌{n}")[1] for n in range(3)}
    assert len(raws) == 3


# Authenticating


def test_a_bearer_token_tells_who_the_caller_is_and_their_roles(world, client):
    _, raw = tokens.token_create(user=world.lead_leader, name="脚本")
    response = client.get(ME, **bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "id": world.lead_leader.pk,
        "username": "lead_leader",
        "full_name": world.lead_leader.full_name,
        "roles": {
            "staff_bodies": [],
            "agencies": [{"agency_id": world.lead_agency.pk, "role": "leader"}],
            "proposer_id": None,
        },
    }


@pytest.mark.parametrize(
    ("who", "staff_bodies", "is_proposer"),
    [("staff", [Body.CPPCC], False), ("lead_proposer_user", [], True), ("stranger", [], False)],
)
def test_me_names_staff_bodies_and_the_proposer(world, client, who, staff_bodies, is_proposer):
    _, raw = tokens.token_create(user=getattr(world, who), name="脚本")
    roles = client.get(ME, HTTP_AUTHORIZATION=f"Token {raw}").json()["roles"]
    assert roles["staff_bodies"] == staff_bodies
    assert roles["agencies"] == []
    assert roles["proposer_id"] == (world.lead_proposer.pk if is_proposer else None)


def test_the_session_still_opens_the_api(world, client):
    client.force_login(world.staff)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["roles"]["staff_bodies"] == ["cppcc"]


def test_without_credentials_the_api_answers_401(world, client):
    error = assert_refused_401(client.get(ME))
    assert error["code"] == "not_authenticated"


def _revoked(world):
    token, raw = tokens.token_create(user=world.stranger, name="脚本")
    tokens.token_revoke(token=token, by=world.stranger)
    return raw


def _inactive_user(world):
    _, raw = tokens.token_create(user=world.stranger, name="脚本")
    world.stranger.is_active = False
    world.stranger.save()
    return raw


@pytest.mark.parametrize(
    "header",
    [
        lambda world: "Bearer pt_" + "x" * 43,
        lambda world: "Bearer " + tokens.token_create(user=world.stranger, name="脚本")[1][:-1],
        lambda world: "Bearer " + _revoked(world),
        lambda world: "Bearer " + _inactive_user(world),
        lambda world: "Bearer",
        lambda world: "Bearer two parts",
        lambda world: "Bearer 令牌".encode().decode("latin-1"),
    ],
    ids=["unknown", "altered", "revoked", "inactive-user", "empty", "two-parts", "not-ascii"],
)
def test_a_bad_token_is_refused_with_401_in_the_one_shape(world, client, header):
    error = assert_refused_401(client.get(ME, HTTP_AUTHORIZATION=header(world)))
    assert error["code"] == "authentication_failed"


def test_an_expired_token_is_refused_the_day_after_its_last_day(world, client):
    _, raw = tokens.token_create(user=world.stranger, name="脚本", expires_on=clock.today())
    assert client.get(ME, **bearer(raw)).status_code == 200
    with time_machine.travel(datetime.timedelta(days=1)):
        assert_refused_401(client.get(ME, **bearer(raw)))


def test_a_bad_token_is_refused_even_with_a_session(world, client):
    client.force_login(world.staff)
    assert_refused_401(client.get(ME, **bearer("pt_" + "x" * 43)))


def test_the_schema_documents_the_bearer_scheme_and_me(world, client):
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"tokenAuth": []} in me["security"]
    assert me["summary"] == "当前用户"


# Noting use


def test_last_used_at_is_written_at_most_once_a_minute(world, client):
    token, raw = tokens.token_create(user=world.stranger, name="脚本")
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.get(ME, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        client.get(ME, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        client.get(ME, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == later


def test_the_use_of_a_token_is_not_written_twice_within_the_minute(
    world, django_assert_num_queries
):
    token, _ = tokens.token_create(user=world.stranger, name="脚本")
    tokens.token_used(token=token)
    fresh = ApiToken.objects.get(pk=token.pk)
    with django_assert_num_queries(0):
        tokens.token_used(token=fresh)
    stale = ApiToken.objects.get(pk=token.pk)
    stale.last_used_at = None  # as read by a request that raced the first
    tokens.token_used(token=stale)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == token.last_used_at


# Revoking


def test_revoking_on_the_page_stops_the_token(world, client):
    token, raw = tokens.token_create(user=world.stranger, name="脚本")
    client.force_login(world.stranger)
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert reverse("accounts:token_revoke", args=[token.pk]) in listing
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    text = response.content.decode()
    assert "已撤销" in text
    assert reverse("accounts:token_revoke", args=[token.pk]) not in text
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert_refused_401(client.get(ME, **bearer(raw)))


def test_revoking_needs_a_post(world, client):
    token, _ = tokens.token_create(user=world.stranger, name="脚本")
    client.force_login(world.stranger)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_is_refused_calmly(world, client):
    token, _ = tokens.token_create(user=world.stranger, name="脚本")
    first = tokens.token_revoke(token=token, by=world.stranger).revoked_at
    with pytest.raises(TransitionNotAllowed, match="已经撤销"):
        tokens.token_revoke(token=token, by=world.stranger)

    client.force_login(world.stranger)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    assert "已经撤销,无需再次撤销" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at == first


def test_another_user_cannot_revoke_my_token(world, client):
    token, raw = tokens.token_create(user=world.lead_clerk, name="脚本")
    client.force_login(world.stranger)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert token.prefix not in client.get(reverse("accounts:tokens")).content.decode()
    with pytest.raises(NotPermitted):
        tokens.token_revoke(token=token, by=world.staff)
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    assert client.get(ME, **bearer(raw)).status_code == 200


def test_an_administrator_revokes_from_the_admin_through_the_service(world, client):
    token, raw = tokens.token_create(user=world.lead_clerk, name="脚本")
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    changelist = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert token.prefix in changelist and token.digest not in changelist
    change = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert token.digest not in change.content.decode()

    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "已撤销 1 个令牌" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert_refused_401(client.get(ME, **bearer(raw)))
