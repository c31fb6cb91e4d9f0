"""The WSGI front (``disclosure.caching.KeptPagesFront``): a public page a process answered
lately is answered again before Django runs, as it went out, and only while it is current."""

from __future__ import annotations

import json
import logging
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from disclosure import caching, counting
from disclosure.caching import KeptPagesFront
from tests.public.test_pages import publish


@pytest.fixture
def django_app():
    """Django's own WSGI application, counting the requests it answers. Inside a test's
    transaction the connection must outlive each request, as ``django.test.Client`` keeps it."""
    handler = WSGIHandler()
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return handler(environ, start_response)

    app.calls = calls
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def front(django_app, settings):
    settings.PORTAL = {**settings.PORTAL, "PUBLIC_RECHECK_SECONDS": 0, "PUBLIC_HELD_PAGES": 50}
    return KeptPagesFront(django_app)


def get(app, path: str, **environ):
    """Ask the WSGI application ``app`` for ``path``: (status, headers, body)."""
    path, _, query = path.partition("?")
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, **environ}
    env.setdefault("HTTP_HOST", "testserver")
    env.setdefault("SERVER_NAME", "testserver")
    setup_testing_defaults(env)
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered.update(status=status, headers=headers)

    result = app(env, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return answered["status"], dict(answered["headers"]), body


def test_a_page_answered_once_is_answered_again_without_django_as_it_went_out(
    world, front, django_app, django_assert_num_queries, caplog
):
    reply = publish(world)
    url = reverse("public:detail", args=[reply.pk])
    first = get(front, url)
    assert first[0] == "200 OK" and reply.title.encode() in first[2]
    counting.flush()
    caplog.set_level(logging.INFO, logger="portal.requests")
    caplog.clear()
    with django_assert_num_queries(0):
        again = get(front, url, REMOTE_ADDR="10.0.0.7")
    assert django_app.calls == [url]
    assert again == first
    assert "X-Content-Type-Options" in again[1] and "X-Frame-Options" in again[1]
    assert "public" in again[1]["Cache-Control"]
    assert counting.pending(reply.pk) == 1
    (line,) = [r for r in caplog.records if r.name == "portal.requests"]
    assert line.fields["status"] == 200 and line.fields["path"] == url
    assert line.fields["client"] == "10.0.0.7" and line.fields["bytes"] == len(first[2])
    assert json.loads(caching_json(line))["duration_ms"] >= 0


def caching_json(record) -> str:
    from portal.logs import JsonFormatter

    return JsonFormatter().format(record)


def test_a_publication_retires_the_held_pages(world, front, django_app):
    reply = publish(world)
    listing = reverse("public:list")
    get(front, listing)
    get(front, listing)
    assert len(django_app.calls) == 1
    second = publish(world, title="关于增设公交站点的建议")
    caching.invalidate()  # as the publication's commit does
    status, _, body = get(front, listing)
    assert status == "200 OK" and second.title.encode() in body and reply.title.encode() in body
    assert len(django_app.calls) == 2


def test_the_version_is_asked_again_only_after_the_recheck_time(
    world, django_app, settings, monkeypatch
):
    settings.PORTAL = {**settings.PORTAL, "PUBLIC_RECHECK_SECONDS": 1.0}
    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    front = KeptPagesFront(django_app)
    publish(world)
    listing = reverse("public:list")
    get(front, listing)
    caching.invalidate()
    get(front, listing)
    assert len(django_app.calls) == 1, "held within the recheck time"
    now[0] += 1.0
    get(front, listing)
    assert len(django_app.calls) == 2, "asked again once the time has passed"


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": "portal_primary=1"},
        {"HTTP_AUTHORIZATION": "Token abc"},
        {"HTTP_IF_MODIFIED_SINCE": "Sat, 05 Dec 2026 00:00:00 GMT"},
        {"REQUEST_METHOD": "HEAD"},
        {"REQUEST_METHOD": "POST"},
    ],
    ids=["signed-in", "pinned", "token", "conditional", "head", "post"],
)
def test_what_the_front_never_answers(world, front, django_app, environ):
    reply = publish(world)
    url = reverse("public:detail", args=[reply.pk])
    get(front, url)
    get(front, url, **environ)
    assert len(django_app.calls) == 2


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_COOKIE": "portal_text=large"},
        {"HTTP_COOKIE": "portal_script=hant"},
        {"HTTP_HOST": "localhost", "SERVER_NAME": "localhost"},
        {"wsgi.url_scheme": "https"},
        {"QUERY_STRING": "page=1"},
    ],
    ids=["large-text", "traditional", "host", "scheme", "query"],
)
def test_a_page_is_held_for_its_address_and_the_readers_choices(world, front, django_app, environ):
    reply = publish(world)
    url = reverse("public:detail", args=[reply.pk])
    get(front, url)
    get(front, url, **environ)
    assert len(django_app.calls) == 2


def test_an_error_page_is_never_held(world, front, django_app):
    publish(world)
    missing = reverse("public:detail", args=[999999])
    assert get(front, missing)[0].startswith("404")
    assert get(front, missing)[0].startswith("404")
    assert len(django_app.calls) == 2


def test_while_the_version_cannot_be_read_every_request_goes_to_django(
    world, front, django_app, monkeypatch
):
    reply = publish(world)
    url = reverse("public:detail", args=[reply.pk])
    get(front, url)
    real_get = caching.cache.get
    monkeypatch.setattr(
        caching.cache,
        "get",
        lambda key, *a, **k: None if key == caching.VERSION_KEY else real_get(key, *a, **k),
    )
    status, _, body = get(front, url)
    assert status == "200 OK" and reply.title.encode() in body
    assert len(django_app.calls) == 2


def test_it_holds_at_most_its_size_the_least_lately_read_going_first(world, django_app, settings):
    settings.PORTAL = {**settings.PORTAL, "PUBLIC_RECHECK_SECONDS": 0, "PUBLIC_HELD_PAGES": 2}
    front = KeptPagesFront(django_app)
    replies = [publish(world, title=f"关于第{n}件事的建议") for n in range(3)]
    urls = [reverse("public:detail", args=[reply.pk]) for reply in replies]
    for url in urls:
        get(front, url)
    assert len(front.pages) == 2
    get(front, urls[2])
    assert len(django_app.calls) == 3, "the latest is held"
    get(front, urls[0])
    assert len(django_app.calls) == 4, "the first went when the third came"


def test_none_held_when_turned_off(world, django_app, settings):
    settings.PORTAL = {**settings.PORTAL, "PUBLIC_HELD_PAGES": 0}
    front = KeptPagesFront(django_app)
    reply = publish(world)
    url = reverse("public:detail", args=[reply.pk])
    get(front, url)
    get(front, url)
    assert len(django_app.calls) == 2 and not front.pages
