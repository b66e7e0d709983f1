"""Calendar downloads and subscriptions (iCalendar ``.ics``).

- ``calendar/session/<pk>.ics``: one session's meetings; public while its course page is live.
- ``calendar/<token>.ics``: a worker's personal feed at a secret address (no login, so
  calendar apps can subscribe; ``webcal://`` works the same).
- ``calendar/federation/<token>.ics``: for staff, every session organised in the subtrees they
  manage, at the staff member's own secret address.
- ``calendar/reset/`` (POST): a worker gets a new secret address; the old one stops working.

The personal feed also carries the events of apps registered in ``calendar.register_event_source``
(mentoring meetings), and serves a user who is not a worker when such a source says so (a mentor
who is a union cadre). Unknown tokens and sessions are 404s. Each feed reads its meetings in one
query, and one more per registered source.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from workforce.models import Worker
from workforce.permissions import managed_paths

from . import calendar, services
from .models import CalendarFeed, Session

CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    """Return the absolute ``https://`` (or ``http://``) address of a worker's feed."""
    return request.build_absolute_uri(reverse("courses:worker_feed", args=[feed.token]))


def webcal_url(request: HttpRequest, feed: CalendarFeed) -> str:
    """Return the ``webcal://`` address of a worker's feed (opens the calendar app)."""
    return "webcal://" + feed_url(request, feed).split("://", 1)[1]


def federation_feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    """Return the absolute address of a staff member's federation feed."""
    return request.build_absolute_uri(reverse("courses:federation_feed", args=[feed.token]))


def _calendar_response(
    request: HttpRequest, content: bytes, *, filename: str, download: bool = False
) -> HttpResponse:
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, private=True, max_age=900)
    return response


def _secret_response(response: HttpResponse) -> HttpResponse:
    # The address is the credential: keep it out of indexes and referrers.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """Download one session's calendar (public while its course page is live)."""
    session = get_object_or_404(
        Session.objects.select_related("course").only("id", "title", "course__live"),
        pk=pk,
        course__live=True,
    )
    content = calendar.session_calendar(session)
    return _calendar_response(request, content, filename=f"session-{session.pk}.ics", download=True)


def _feed_or_404(token: str) -> CalendarFeed:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    return feed


@require_GET
def worker_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve a person's subscription feed (no login: the token is the key): a worker's training,
    and the events registered sources add (a mentor who is not a worker gets those alone)."""
    feed = _feed_or_404(token)
    today = timezone.localdate()
    worker = Worker.objects.filter(user_id=feed.user_id).only("id", "name").first()
    if worker is not None:
        meetings = calendar.worker_meetings(worker, today=today)
        name = _("%(name)s的培训日程") % {"name": worker.name}
        uid = calendar.calendar_uid("worker", worker.pk)
    elif calendar.served_by_a_source(feed.user):
        meetings = []
        person = feed.user.get_full_name() or feed.user.get_username()
        name = _("%(name)s的日程") % {"name": person}
        uid = calendar.calendar_uid("user", feed.user_id)
    else:
        raise Http404
    content = calendar.calendar_bytes(
        meetings, name=name, uid=uid, extra=calendar.extra_events(feed.user, today=today)
    )
    return _secret_response(_calendar_response(request, content, filename="training.ics"))


@require_GET
def federation_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve the sessions organised in the staff member's federations (their own token)."""
    feed = _feed_or_404(token)
    paths = managed_paths(feed.user)
    if not paths:
        raise Http404
    meetings = calendar.federation_meetings(paths, today=timezone.localdate())
    content = calendar.calendar_bytes(
        meetings,
        name=_("本级及下级工会培训日程"),
        uid=calendar.calendar_uid("federation", feed.user_id),
    )
    return _secret_response(_calendar_response(request, content, filename="federation.ics"))


@require_POST
@login_required
def reset_feed(request: HttpRequest) -> HttpResponse:
    """Give the signed-in worker (or a user a registered source serves) a new feed address."""
    if not Worker.objects.filter(user=request.user).exists() and not (
        calendar.served_by_a_source(request.user)
    ):
        raise Http404
    services.reset_feed_token(user=request.user)
    messages.success(request, _("日历订阅地址已重置，请在日历应用中用新地址重新订阅。"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("workforce:my_page")
    return HttpResponseRedirect(target)
