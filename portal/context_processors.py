from django.conf import settings

from accounts.roles import roles_of


def portal(request):
    """What every page needs: the user's roles for the navigation, and the text size."""
    user = getattr(request, "user", None)
    return {
        "roles": roles_of(user) if user is not None else None,
        "large_text": request.COOKIES.get(TEXT_SIZE_COOKIE) == "large",
        "traditional": request.COOKIES.get("portal_script") == "hant",
        "debug": settings.DEBUG,
    }


TEXT_SIZE_COOKIE = "portal_text"
