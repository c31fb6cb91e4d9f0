"""Anonymous public pages are served from the cache (Redis when configured).

Every cached page's key carries a version number; publishing (or importing) a reply
bumps it once the transaction commits, so no visitor sees a list without the reply
just published, and so does withdrawing one, so no visitor is served a withdrawn
reply's page from the cache. Signed-in users always get a fresh page. A kept page is answered by
``PublicPageCacheMiddleware`` near the top of the stack: the rest of the stack, the URL
resolver and the view do not run for it. In front of Django, ``KeptPagesFront`` holds in
each process the pages it answered lately, as they went out, and answers them again
without running Django at all.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import get_path_info, get_script_name
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from agencies.models import Agency
from portal.http import PIN_COOKIE, anonymous_read
from portal.logs import log_request
from proposals.models import Topic

from . import counting
from .models import Publication, PublicationWithdrawal

VERSION_KEY = "public:version"
TIMEOUT = 600


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        current = int(time.time() * 1000)
        cache.add(VERSION_KEY, current, timeout=None)
        current = cache.get(VERSION_KEY, current)
    return current


FACETS_KEY = "public:facets"


def new_page_version() -> None:
    """Retire every cached page (the shared facets stay)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)


def invalidate() -> None:
    """A reply was published or withdrawn: retire the cached pages and what the public
    browses by."""
    new_page_version()
    cache.delete(FACETS_KEY)


def shared(key: str, compute):
    """A value every public page shares, kept until the next publication."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value


@receiver(post_save, sender=Publication)
def _published(sender, instance, created, **kwargs):
    transaction.on_commit(invalidate)


@receiver(post_save, sender=PublicationWithdrawal)
def _withdrawn(sender, instance, created, **kwargs):
    transaction.on_commit(invalidate)


@receiver(post_save, sender=Agency)
@receiver(post_save, sender=Topic)
def _renamed(sender, instance, created, **kwargs):
    # The facets carry agency and topic names for the filter form.
    transaction.on_commit(invalidate)


def cached_public_page(view):
    """Mark an anonymous GET's page as one the public page cache may keep.

    The page says ``Cache-Control: public, max-age=…`` (``PORTAL_PUBLIC_MAX_AGE``), so a
    front server's microcache and the browser may keep it that long too, and
    ``PublicPageCacheMiddleware`` keeps it until the next publication.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return response
        if (
            not request.user.is_authenticated
            and response.status_code == 200
            and not response.streaming
        ):
            if not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse (the sitemaps)
            patch_cache_control(response, public=True, max_age=settings.PORTAL["PUBLIC_MAX_AGE"])
            response.keep_public = True
        return _conditional(request, response)

    return wrapper


class PublicPageCacheMiddleware:
    """Answer an anonymous read of a kept public page before the rest of the stack runs.

    A page is kept as the stack below answered it (its headers included) when its view is
    a ``cached_public_page`` and the answer may be shared; it is kept until a publication
    or withdrawal retires every kept page (``invalidate``). The reader's display choices
    are in the key. A kept reply's page still counts the visit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not anonymous_read(request):
            return self.get_response(request)
        choices = ",".join(
            request.COOKIES.get(name, "") for name in ("portal_text", "portal_script")
        )
        # The key's first word names the kept entry's form: a release that changes the form
        # changes the word, and never reads what an earlier one kept. An entry carries the
        # version it was kept under, so one round trip to the cache fetches both.
        # The address is hashed: a long search stays a short key.
        address = f"{choices}:{request.get_full_path()}".encode()
        key = f"kept:{hashlib.sha256(address).hexdigest()}"
        found = cache.get_many([VERSION_KEY, key])
        current = found.get(VERSION_KEY) or version()
        kept = found.get(key)
        if kept is not None and kept[0] == current:
            _, content, headers, visit = kept
            response = _conditional(request, HttpResponse(content, headers=headers))
            if response.status_code == 200:
                if visit is not None:
                    counting.seen(visit)
                response.keep_public, response.counts_visit_of = True, visit
                response.kept_version = current
            return response
        response = self.get_response(request)
        if getattr(response, "keep_public", False) and not response.cookies:
            # Kept under the version read before the page was made: a publication meanwhile
            # makes it out of date at once.
            visit = getattr(response, "counts_visit_of", None)
            entry = (current, response.content, dict(response.items()), visit)
            cache.set(key, entry, timeout=TIMEOUT)
            response.kept_version = current
        return response


class KeptPagesFront:
    """The WSGI application in front of Django: a GET of a public page this process answered
    lately is answered again as it went out (every middleware's headers included) without
    running Django.

    It holds a page Django marked kept (``PublicPageCacheMiddleware`` keeps it in the shared
    cache too), under the page version it was made under, and answers it only while that
    version is current. It reads the current version from the shared cache at most every
    ``PUBLIC_RECHECK_SECONDS``: a publication or withdrawal reaches every process within that
    time, well inside the ``max-age`` the page gives front caches and browsers. While the
    version cannot be read (Redis down), every request goes to Django, which answers from the
    database. It holds at most ``PUBLIC_HELD_PAGES`` pages (0 turns it off), the least lately
    read going first. What it answers counts the reply's visit and writes the request's log
    line as Django would.

    A page is held for the address it was asked at with the host, the scheme and the
    reader's display choices; a conditional request, a HEAD, a signed-in reader's, one pinned
    to the primary database or one carrying credentials always goes to Django.
    """

    def __init__(self, application):
        self.application = application
        options = settings.PORTAL
        self.size = options["PUBLIC_HELD_PAGES"]
        self.recheck = options["PUBLIC_RECHECK_SECONDS"]
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()
        self.version = None
        self.checked_at = float("-inf")

    def __call__(self, environ, start_response):
        key = self.size and self._key(environ)
        if not key:
            return self.application(environ, start_response)
        started = time.perf_counter()
        held = self._held(key)
        if held is not None:
            status, headers, content, visit = held
            start_response(status, headers)
            if visit is not None:
                counting.seen(visit)
            log_request(
                method="GET",
                path=get_script_name(environ) + get_path_info(environ),
                status=200,
                started=started,
                size=len(content),
                user=None,
                client=environ.get("HTTP_X_REAL_IP") or environ.get("REMOTE_ADDR"),
            )
            return [content]
        response = self.application(environ, start_response)
        if (
            isinstance(response, HttpResponse)
            and response.status_code == 200
            and getattr(response, "keep_public", False)
            and not response.cookies
        ):
            held = (
                f"200 {response.reason_phrase}",
                list(response.items()),
                response.content,
                getattr(response, "counts_visit_of", None),
            )
            self._hold(key, response.kept_version, held)
        return response

    @staticmethod
    def _key(environ) -> str | None:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return None
        if "HTTP_IF_MODIFIED_SINCE" in environ or "HTTP_IF_NONE_MATCH" in environ:
            return None
        cookie = environ.get("HTTP_COOKIE", "")
        choices = ""
        if cookie:
            cookies = parse_cookie(cookie)
            if settings.SESSION_COOKIE_NAME in cookies or PIN_COOKIE in cookies:
                return None
            choices = ",".join(cookies.get(name, "") for name in ("portal_text", "portal_script"))
        query = environ.get("QUERY_STRING", "")
        return "\n".join(
            (
                environ.get("wsgi.url_scheme", ""),
                environ.get("HTTP_X_FORWARDED_PROTO", ""),
                environ.get("HTTP_HOST", ""),
                choices,
                environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
                query,
            )
        )

    def _current(self):
        now = time.monotonic()
        if now - self.checked_at >= self.recheck:
            self.version = cache.get(VERSION_KEY)
            self.checked_at = now
        return self.version

    def _held(self, key: str):
        current = self._current()
        if current is None:
            return None
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            if entry[0] != current:
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
        return entry[1]

    def _hold(self, key: str, version, held: tuple) -> None:
        if version is None:
            return
        # The version the page was made under was read from the shared cache just now: it is
        # the current one as of now.
        with self.lock:
            self.version, self.checked_at = version, time.monotonic()
            self.pages[key] = (version, held)
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def _conditional(request, response):
    """A 304 for a page the reader holds already, by the ``Last-Modified`` the view set: the
    cached page carries it, so answering costs no database query."""
    if response.status_code != 200 or not response.has_header("Last-Modified"):
        return response
    last_modified = parse_http_date_safe(response["Last-Modified"])
    return get_conditional_response(request, last_modified=last_modified, response=response)
