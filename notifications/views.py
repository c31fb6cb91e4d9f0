from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal import clock

from .models import Notification


@login_required
def inbox(request):
    """The signed-in user's messages, newest first, unread ones marked."""
    messages = Notification.objects.for_display().filter(recipient=request.user)
    if request.GET.get("unread"):
        messages = messages.unread()
    page = Paginator(messages, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one message read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=clock.now())
    target = request.POST.get("next") or notification.link
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications:inbox"
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    Notification.objects.filter(recipient=request.user).unread().update(read_at=clock.now())
    return redirect("notifications:inbox")
