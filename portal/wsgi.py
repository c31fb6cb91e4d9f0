import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()


def _front(django_application):
    """A public page this process answered lately is answered again before Django runs."""
    from disclosure.caching import KeptPagesFront

    return KeptPagesFront(django_application)


application = _front(application)


def _warm_up() -> None:
    """Load the URLs now rather than on the first request, then settle the process."""
    from django.urls import get_resolver

    from portal.runtime import settle

    get_resolver().url_patterns  # noqa: B018 (loading the URLconf is the point)
    settle()


_warm_up()
