"""Front-office views of the courses app: the catalog pages' context, sessions, enrolment.

The catalog and course pages are Wagtail pages; their ``get_context`` calls
``catalog_context`` / ``course_context`` here, which read through ``courses.selectors``.
Enrolling and cancelling go through ``courses.services``.
"""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workforce.models import Worker

from . import selectors, services
from .forms import CatalogFilterForm
from .models import CatalogPage, CoursePage, Enrolment, Method, Session, TrainingIndexPage
from .services import EnrolmentError

COURSES_PER_PAGE = 20
ACTIVE_ENROLMENT = (Enrolment.Status.CONFIRMED, Enrolment.Status.WAITLISTED)


def worker_of(user) -> Worker | None:
    """Return the worker record of a signed-in user, if they have one."""
    if not user.is_authenticated:
        return None
    try:
        return user.worker
    except ObjectDoesNotExist:
        return None


def method_labels(methods: list[str]) -> list[str]:
    labels = dict(Method.choices)
    return [str(labels[m]) for m in methods if m in labels]


# Catalog pages (Wagtail get_context) -------------------------------------------------------


def catalog_context(
    request, *, index: TrainingIndexPage | None = None, catalog: CatalogPage | None = None
) -> dict:
    """Return what the training index or one catalog shows: filters, a page of courses."""
    form = CatalogFilterForm(
        request.GET or None,
        organizers=selectors.catalog_organizers(),
        with_type=catalog is None,
    )
    filters = form.filters()
    if catalog is not None:
        filters = replace(filters, training_type=catalog.training_type)
    courses = selectors.catalog_courses(filters, today=timezone.localdate(), now=timezone.now())
    page = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    for course in page:
        course.method_labels = method_labels(course.methods)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "filters": filters,
        "courses": page,
        "filtering": any(
            [filters.organizer, filters.upcoming_only, filters.open_seats_only, filters.query]
        )
        or (catalog is None and filters.training_type),
        "catalogs": list(CatalogPage.objects.live().order_by("path")),
        "training_index": index if index is not None else catalog.get_parent(),
        "page_query": query.urlencode(),
    }


def _decorate(sessions: list[Session], worker: Worker | None, now) -> None:
    """Attach what the templates show per session: seats left, the worker's enrolment, and
    which buttons apply (the services decide for real)."""
    mine = selectors.enrolments_of(worker, sessions)
    for session in sessions:
        session.seats_left = selectors.seats_left(session)
        enrolment = mine.get(session.pk)
        if enrolment is not None and enrolment.status not in ACTIVE_ENROLMENT:
            enrolment = None
        session.my_enrolment = enrolment
        session.enrolment_open = (
            session.status == Session.Status.OPEN
            and session.enrol_opens <= now <= session.enrol_closes
        )
        session.enrolment_later = now < session.enrol_opens and session.status in (
            Session.Status.PLANNED,
            Session.Status.OPEN,
        )
        session.can_cancel = (
            enrolment is not None and not enrolment.completed and now <= session.cancel_deadline
        )


def course_context(request, *, course) -> dict:
    """Return what a course page shows: its current and upcoming sessions with seats left."""
    now = timezone.now()
    worker = worker_of(request.user)
    sessions = selectors.course_sessions(course, today=timezone.localdate(now))
    _decorate(sessions, worker, now)
    return {
        "sessions": sessions,
        "worker": worker,
        "method_labels": method_labels(course.methods),
        # A previewed revision holds its prerequisites in memory (no .live()): filter by pk.
        "prerequisites": list(
            CoursePage.objects.live()
            .filter(pk__in=[page.pk for page in course.prerequisites.all()])
            .order_by("title")
        ),
    }


# Session page and enrolment ----------------------------------------------------------------


def session_detail(request, pk: int):
    """Show a session: its course, dates, seats left, meetings, enrol button and .ics link."""
    try:
        session, meetings = selectors.session_page(pk)
    except Session.DoesNotExist:
        raise Http404 from None
    worker = worker_of(request.user)
    _decorate([session], worker, timezone.now())
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
    except EnrolmentError as error:
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
    except EnrolmentError as error:
        messages.error(request, _("取消未成功：%(reason)s") % {"reason": error})
    else:
        messages.success(
            request, _("已取消“%(title)s”的报名。") % {"title": enrolment.session.title}
        )
    return _back(request, reverse("courses:session_detail", args=[enrolment.session_id]))
