def unread_notifications(request):
    """The unread count shown in the header: one query, only for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    return {"unread_notifications": Notification.objects.filter(recipient=user).unread().count()}
