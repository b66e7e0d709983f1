"""Front-office views of the courses app: the session page, enrolling and cancelling.

The catalog and course pages are Wagtail pages whose context comes from
``courses/page_context.py``. Enrolling and cancelling go through ``courses.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.errors import DomainError

from . import selectors, services
from .models import Enrolment, Session
from .page_context import ACTIVE_ENROLMENT, decorate_sessions, worker_of

# Session page and enrolment ----------------------------------------------------------------


def session_detail(request, pk: int):
    """Show a session: its course, dates, seats left, meetings, enrol button and .ics link."""
    try:
        session, meetings = selectors.session_page(pk)
    except Session.DoesNotExist:
        raise Http404 from None
    worker = worker_of(request.user)
    decorate_sessions([session], worker, timezone.now())
    return TemplateResponse(
        request,
        "courses/session_detail.html",
        {
            "session": session,
            "course": session.course,
            "meetings": meetings,
            "other_places": any(m.place and m.place != session.location for m in meetings),
            "worker": worker,
            "next_url": request.get_full_path(),
        },
    )


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def enrol(request, pk: int):
    """Enrol the signed-in worker in a session (a seat or the waitlist)."""
    worker = worker_of(request.user)
    if worker is None:
        raise Http404
    session = get_object_or_404(selectors.public_sessions(), pk=pk)
    already = Enrolment.objects.filter(
        session=session, worker=worker, status__in=ACTIVE_ENROLMENT
    ).exists()
    try:
        enrolment = services.enrol_worker(by=request.user, session=session, worker=worker)
    except DomainError as error:
        messages.error(request, _("报名未成功：%(reason)s") % {"reason": error})
    else:
        if already:
            messages.info(request, _("您已报名“%(title)s”。") % {"title": session.title})
        elif enrolment.status == Enrolment.Status.CONFIRMED:
            messages.success(
                request, _("报名成功：“%(title)s”已为您保留名额。") % {"title": session.title}
            )
        else:
            messages.warning(
                request,
                _("“%(title)s”名额已满，您已进入候补名单；有人取消时按顺序递补并通知您。")
                % {"title": session.title},
            )
    return _back(request, reverse("courses:session_detail", args=[session.pk]))


@login_required
@require_POST
def cancel_enrolment(request, pk: int):
    """Cancel the signed-in worker's own enrolment."""
    enrolment = get_object_or_404(
        Enrolment.objects.filter(worker__user=request.user).select_related("session"), pk=pk
    )
    try:
        services.cancel_enrolment(by=request.user, enrolment=enrolment)
    except DomainError as error:
        messages.error(request, _("取消未成功：%(reason)s") % {"reason": error})
    else:
        messages.success(
            request, _("已取消“%(title)s”的报名。") % {"title": enrolment.session.title}
        )
    return _back(request, reverse("courses:session_detail", args=[enrolment.session_id]))
