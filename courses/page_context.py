"""What the training pages show: the catalog pages' and course pages' context, session buttons.

The catalog and course pages are Wagtail pages; their ``get_context`` calls ``catalog_context``
/ ``course_context`` here, which read through ``courses.selectors`` and ask
``courses.enrolment_rules`` which action each session offers. ``courses.views`` uses the same
``decorate_sessions`` for the session page.
"""

from dataclasses import replace

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.utils import timezone

from workforce.models import Worker

from . import enrolment_rules, selectors
from .forms import CatalogFilterForm
from .models import CatalogPage, CoursePage, Enrolment, Method, Session, TrainingIndexPage

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


def decorate_sessions(sessions: list[Session], worker: Worker | None, now) -> None:
    """Attach what the templates show per session: seats left, the worker's enrolment, and
    the action offered (with the reason when enrolment is closed), asked of the same
    enrolment rules the services apply."""
    mine = selectors.enrolments_of(worker, sessions)
    for session in sessions:
        session.seats_left = selectors.seats_left(session)
        enrolment = mine.get(session.pk)
        if enrolment is not None and enrolment.status not in ACTIVE_ENROLMENT:
            enrolment = None
        session.my_enrolment = enrolment
        facts = selectors.session_facts(session, seats_taken=session.confirmed_count)
        session.enrolment_open = (
            enrolment_rules.window(facts, now=now) is enrolment_rules.Window.OPEN
        )
        session.offer = enrolment_rules.offer(
            facts,
            enrolled=enrolment is not None,
            completed=enrolment is not None and enrolment.completed,
            now=now,
        )
        session.closed_reason = (
            _closed_reason(facts, now) if session.offer is enrolment_rules.Offer.CLOSED else ""
        )


def _closed_reason(facts: enrolment_rules.SessionFacts, now) -> str:
    # Outside the window the rule refuses anyone for the session's own reason (cancelled,
    # finished, not taking enrolments, deadline passed), before it looks at the worker.
    decision = enrolment_rules.decide_enrolment(
        facts, worker_name="", worker_active=True, staff=False, now=now
    )
    return decision.reason


def course_context(request, *, course) -> dict:
    """Return what a course page shows: its current and upcoming sessions with seats left."""
    now = timezone.now()
    worker = worker_of(request.user)
    sessions = selectors.course_sessions(course, today=timezone.localdate(now))
    decorate_sessions(sessions, worker, now)
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
