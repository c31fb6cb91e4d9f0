"""Anonymous public pages are served from the cache (Redis when configured).

Every cached page's key carries a version number; publishing (or importing) a reply
bumps it once the transaction commits, so no visitor sees a list without the reply
just published, and so does withdrawing one, so no visitor is served a withdrawn
reply's page from the cache. Signed-in users always get a fresh page. A kept page is answered by
``PublicPageCacheMiddleware`` near the top of the stack: the rest of the stack, the URL
resolver and the view do not run for it.
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from agencies.models import Agency
from portal.http import anonymous_read
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
            if visit is not None and response.status_code == 200:
                counting.seen(visit)
            return response
        response = self.get_response(request)
        if getattr(response, "keep_public", False) and not response.cookies:
            # Kept under the version read before the page was made: a publication meanwhile
            # makes it out of date at once.
            visit = getattr(response, "counts_visit_of", None)
            entry = (current, response.content, dict(response.items()), visit)
            cache.set(key, entry, timeout=TIMEOUT)
        return response


def _conditional(request, response):
    """A 304 for a page the reader holds already, by the ``Last-Modified`` the view set: the
    cached page carries it, so answering costs no database query."""
    if response.status_code != 200 or not response.has_header("Last-Modified"):
        return response
    last_modified = parse_http_date_safe(response["Last-Modified"])
    return get_conditional_response(request, last_modified=last_modified, response=response)
