"""The in-app inbox of the signed-in user."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from sunshine.notify.models import Notification
from sunshine.notify.outbox import mark_read

PAGE_SIZE = 25


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    messages = Notification.objects.inbox(request.user)
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": messages.unread().count()}
    return render(request, "notify/inbox.html", context)


@require_POST
@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one message read and follow its link; another user's message is not found."""
    notification = get_object_or_404(Notification.objects.inbox(request.user), pk=pk)
    mark_read(request.user, Notification.objects.filter(pk=pk))
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    return redirect(notification.url if notification.url and safe else "notify:inbox")


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user, Notification.objects.inbox(request.user))
    return redirect("notify:inbox")
