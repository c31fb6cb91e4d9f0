"""/healthz and /readyz, for load balancers; and the one JSON line logged per request."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import OperationalError


def test_liveness_answers_without_the_database(client):
    # No database access is allowed in this test: any query would fail it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_the_database_cache_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ready"
    assert set(data["checks"]) >= {"database", "cache", "broker"}
    assert all(check["ok"] for check in data["checks"].values())


@pytest.mark.django_db
def test_without_the_database_the_process_is_not_ready(client, monkeypatch):
    from portal import health

    def refuse(alias):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "_database", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "unavailable"
    assert "could not connect" in data["checks"]["database"]["error"]


@pytest.mark.django_db
def test_without_the_cache_the_process_serves_degraded(client, monkeypatch):
    from portal import health

    def refuse():
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(health, "_cache", refuse)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert not response.json()["checks"]["cache"]["ok"]


def test_health_endpoints_take_no_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_each_request_is_one_json_line(client, caplog, settings):
    logger = logging.getLogger("portal.requests")
    logger.setLevel(logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="portal.requests"):
            client.get("/replies/?q=%E5%85%BB%E8%80%81")
    finally:
        logger.setLevel(logging.WARNING)
    [record] = [r for r in caplog.records if r.name == "portal.requests"]
    from portal.logs import JsonFormatter

    line = json.loads(JsonFormatter().format(record))
    assert line["path"] == "/replies/"  # the query (a search, a token) is left out
    assert line["status"] == 200 and line["method"] == "GET"
    assert line["duration_ms"] >= 0 and line["bytes"] > 0
    assert line["user"] is None


@pytest.mark.django_db
def test_with_redis_down_the_public_pages_come_from_the_database(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    for url in ("/", "/replies/", "/stats/", "/api/v1/public/replies/"):
        assert client.get(url).status_code == 200, url
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "degraded"
    assert not ready.json()["checks"]["cache"]["ok"]


@pytest.mark.django_db
def test_public_pages_may_be_kept_a_little_and_private_ones_never(client, world):
    anonymous = client.get("/replies/")
    assert "public" in anonymous["Cache-Control"] and "max-age=10" in anonymous["Cache-Control"]
    login = client.get("/accounts/login/")  # a form with a CSRF token
    assert "private" in login["Cache-Control"]
    client.force_login(world.staff)
    signed_in = client.get("/replies/")
    assert "private" in signed_in["Cache-Control"]
    assert "public" not in signed_in["Cache-Control"]
