"""Public reads go to the read replica, writes and everything else to the primary, and a
replica that fails or lags is passed over without an error page.

The replica here is a second connection (the alias ``replica``) to the test database, as
the standby is a second server holding the same rows; which connection ran a query tells
where the router sent it.
"""

from __future__ import annotations

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.services import reply_publish
from portal import replica
from tests.disclosure import cases

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def with_replica(monkeypatch):
    """The alias ``replica`` as a second connection to the test database."""
    primary = connections["default"].settings_dict
    backend = load_backend(primary["ENGINE"])
    connections[replica.REPLICA] = backend.DatabaseWrapper(dict(primary), replica.REPLICA)
    monkeypatch.setattr(replica, "configured", lambda: True)
    replica.health.checked_at, replica.health.resting_until = -replica.CHECK_EVERY, 0.0
    yield
    connections[replica.REPLICA].close()
    del connections[replica.REPLICA]


@pytest.fixture
def published(world, seeded):
    return reply_publish(letter=cases.sent(world, title="关于养老服务的建议"), by=world.lead_clerk)


def _where(client, method: str, url: str, **data):
    """Run a request; return the response and the queries each connection ran."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[replica.REPLICA]) as standby,
    ):
        response = getattr(client, method)(url, data)
    return response, len(primary), len(standby)


def test_an_anonymous_public_read_goes_to_the_replica(with_replica, published):
    client = Client()
    for url in (
        reverse("public:list"),
        reverse("public:detail", args=[published.pk]),
        reverse("stats:public"),
        "/api/v1/public/replies/",
    ):
        response, on_primary, on_replica = _where(client, "get", url)
        assert response.status_code == 200, url
        assert on_replica > 0, url
        assert on_primary == 0, f"{url} read the primary {on_primary} times"


def test_signed_in_pages_and_writes_use_the_primary(with_replica, published, world):
    client = Client()
    client.force_login(world.staff)
    response, on_primary, on_replica = _where(client, "get", reverse("public:list"))
    assert response.status_code == 200 and on_primary > 0 and on_replica == 0
    response, on_primary, on_replica = _where(client, "get", reverse("stats:dashboard"))
    assert response.status_code == 200 and on_replica == 0


def test_a_write_pins_the_browser_to_the_primary(with_replica, published):
    client = Client()
    response = client.post(reverse("set_text_size"), {"size": "large", "next": "/"})
    assert response.cookies[replica.PIN_COOKIE]["max-age"] == 10
    response, on_primary, on_replica = _where(client, "get", reverse("public:list"))
    assert response.status_code == 200 and on_replica == 0 and on_primary > 0


def test_a_token_caller_reads_the_primary(with_replica, published):
    _, _, on_replica = _where(
        Client(HTTP_AUTHORIZATION="Bearer pt_unknown"), "get", "/api/v1/public/replies/"
    )
    assert on_replica == 0


def test_the_router_never_writes_to_the_replica(with_replica):
    router = replica.ReplicaRouter()
    token = replica._reading.set(True)
    try:
        assert router.db_for_write(None) == replica.DEFAULT
        assert router.db_for_read(None) == replica.REPLICA
        assert not router.allow_migrate(replica.REPLICA, "proposals")
    finally:
        replica._reading.reset(token)
    assert router.db_for_read(None) == replica.DEFAULT


def test_a_replica_that_fails_midway_is_answered_from_the_primary(
    with_replica, published, monkeypatch
):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    execute = CursorWrapper.execute

    def standby_gone(self, sql, params=None):
        if self.db.alias == replica.REPLICA and "disclosure_publication" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", standby_gone)
    client = Client(raise_request_exception=False)
    response, on_primary, _ = _where(client, "get", reverse("public:list"))
    assert response.status_code == 200
    assert "关于养老服务的建议" in response.content.decode()
    assert on_primary > 0
    # Left alone for a while: the next visitor is served by the primary from the start.
    response, on_primary, on_replica = _where(client, "get", reverse("public:list"))
    assert response.status_code == 200 and on_replica == 0


def test_a_replica_too_far_behind_is_passed_over(with_replica, published, monkeypatch, settings):
    monkeypatch.setattr(replica, "lag_seconds", lambda: 42.0)
    response, on_primary, on_replica = _where(Client(), "get", reverse("public:list"))
    assert response.status_code == 200 and on_replica == 0 and on_primary > 0


def test_a_replica_that_does_not_answer_is_passed_over(with_replica, published, monkeypatch):
    from django.db import OperationalError

    def refuse():
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(replica, "lag_seconds", refuse)
    response, on_primary, on_replica = _where(Client(), "get", reverse("public:list"))
    assert response.status_code == 200 and on_replica == 0 and on_primary > 0
