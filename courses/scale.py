"""Training at scale: the "training" step of ``manage.py generate_scale_data``.

At size M (20,000 workers) it adds exactly 500 courses, 2,000 sessions, 100,000 enrolments and
1,000,000 attendance rows; other sizes in proportion to their workers (``training_size``).
Everything is written with bulk inserts, so M takes minutes rather than hours:

- Courses are Wagtail pages. Creating 500 through ``add_child`` would run treebeard, revisions,
  the search index and the reference index page by page, so their ``wagtailcore_page`` rows are
  bulk-inserted with paths computed the way treebeard numbers children, and the ``CoursePage``
  rows (multi-table inheritance, which ``bulk_create`` refuses) with one ``executemany``. They
  are live, without revisions, and left out of the search index: scale data is for measuring
  the dashboard, the feeds and the catalog queries, not for searching.
- Sessions span the three years before ``today`` and the half year after it; a third of them
  are one-month rotations (20 meeting days) so that rotation compliance has real evidence.
- Enrolment counts per session are weighted towards sessions with more held meetings, tuned so
  that the held meetings hold at least the attendance target; attendance is then recorded
  meeting by meeting, oldest first, up to exactly the target — the most recent meetings are
  the ones whose attendance is "not entered yet". Credited hours and completion are computed
  from the same marks (two passes over one seeded random stream per session) with the
  completion rule of ``courses/completion.py``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.utils import timezone
from wagtail.models import Locale, Page

from workforce.models import Federation, Worker
from workforce.policy import Policy

from . import completion
from .catalogs import ensure_catalogs
from .models import Attendance, CatalogPage, CoursePage, Enrolment, Meeting, Session, TrainingType

BATCH = 5000
L = TrainingType
TOPICS = {
    L.ONBOARDING: ("新任社会化工会工作者上岗培训", "社会化工会工作者岗前培训", "基层工会工作入门"),
    L.ROTATION: ("社会化工会工作者岗位轮训", "基层工会业务岗位轮训", "工会实务跟班轮训"),
    L.THEMATIC: (
        "工会法律法规与职工维权实务", "集体协商实务", "劳动争议调解实务", "职工心理健康与关爱服务",
        "工会财务与经费审查实务", "新就业形态劳动者入会与服务", "工会宣传与网络舆情应对",
        "职工之家建设与规范化管理", "安全生产与职业健康群众监督", "社会工作方法在工会工作中的应用",
        "职工技能竞赛组织实务", "困难职工帮扶与送温暖工作",
    ),
    L.QUALIFICATION: (
        "社会工作者职业水平考试（初级）考前辅导", "社会工作者职业水平考试（中级）考前辅导",
        "劳动关系协调员（三级）资格培训",
    ),
}  # fmt: skip
# Shares of courses and of sessions by training type, and meeting days per session.
COURSE_SHARES = {L.ONBOARDING: 0.1, L.ROTATION: 0.15, L.THEMATIC: 0.6, L.QUALIFICATION: 0.15}
SESSION_SHARES = {L.ONBOARDING: 0.15, L.ROTATION: 0.35, L.THEMATIC: 0.4, L.QUALIFICATION: 0.1}
MARKS = (
    (Attendance.Status.PRESENT, 0.88),
    (Attendance.Status.LATE, 0.04),
    (Attendance.Status.EXCUSED, 0.04),
    (Attendance.Status.ABSENT, 0.04),
)
CREDITED = {Attendance.Status.PRESENT, Attendance.Status.LATE}


@dataclass(frozen=True)
class TrainingSize:
    courses: int
    sessions: int
    enrolments: int
    attendance: int


def training_size(workers: int) -> TrainingSize:
    """Return how much training to generate for a city of ``workers`` (M: 20,000)."""
    return TrainingSize(
        courses=max(workers // 40, 4),
        sessions=max(workers // 10, 8),
        enrolments=workers * 5,
        attendance=workers * 50,
    )


def _batched(items, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _weekdays(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# -- plans: plain values, decided before anything is written --------------------------------------


@dataclass
class CoursePlan:
    training_type: str
    title: str
    organizer: Federation
    credit_hours: int
    pass_score: int | None
    pk: int | None = None


@dataclass
class SessionPlan:
    number: int
    course: CoursePlan
    days: list[dt.date]
    held: int  # meetings before today
    hours: int = 8
    workers: list[int] = field(default_factory=list)  # worker ids, enrolment order
    statuses: list[int] = field(default_factory=list)
    recorded: int = 0  # attendance rows recorded
    complete: bool = False  # every held meeting recorded and the session over
    credited: list[Decimal] = field(default_factory=list)  # by position in ``workers``
    scores: list[Decimal | None] = field(default_factory=list)
    completed: list[bool] = field(default_factory=list)
    pk: int | None = None
    meeting_ids: list[int] = field(default_factory=list)
    enrolment_ids: list[int] = field(default_factory=list)

    @property
    def start(self) -> dt.date:
        return self.days[0]

    @property
    def end(self) -> dt.date:
        return self.days[-1]

    @property
    def confirmed(self) -> list[int]:
        """Return the positions (in ``workers``) of the confirmed enrolments."""
        return [i for i, s in enumerate(self.statuses) if s == Enrolment.Status.CONFIRMED]


def plan_courses(rng: random.Random, count: int, organizers: list[Federation]) -> list[CoursePlan]:
    """Return ``count`` courses in the four catalogs (each type at least once)."""
    types = list(COURSE_SHARES)
    plans = []
    for number in range(1, count + 1):
        if number <= len(types):
            kind = types[number - 1]
        else:
            kind = rng.choices(types, [COURSE_SHARES[t] for t in types])[0]
        organizer = rng.choice(organizers)
        plans.append(
            CoursePlan(
                training_type=kind,
                title=f"{rng.choice(TOPICS[kind])}（{organizer.name}·{number:04d}）",
                organizer=organizer,
                credit_hours={L.ROTATION: 160, L.ONBOARDING: 40, L.QUALIFICATION: 40}.get(kind)
                or rng.choice((16, 24, 32)),
                pass_score=60 if kind == L.QUALIFICATION else None,
            )
        )
    return plans


def plan_sessions(
    rng: random.Random, count: int, courses: list[CoursePlan], today: dt.date
) -> list[SessionPlan]:
    """Return ``count`` sessions from three years before ``today`` to half a year after it."""
    by_type = defaultdict(list)
    for course in courses:
        by_type[course.training_type].append(course)
    types = [t for t in SESSION_SHARES if by_type[t]]
    first, span = today - dt.timedelta(days=3 * 365), 3 * 365 + 180
    plans = []
    for _ in range(count):
        kind = rng.choices(types, [SESSION_SHARES[t] for t in types])[0]
        course = rng.choice(by_type[kind])
        length = {L.ROTATION: 20, L.ONBOARDING: 5, L.QUALIFICATION: 5}.get(kind)
        days = _weekdays(
            first + dt.timedelta(days=rng.randint(0, span)), length or rng.randint(2, 5)
        )
        plans.append(SessionPlan(0, course, days, sum(day < today for day in days)))
    plans.sort(key=lambda p: (p.end, p.start))
    for number, plan in enumerate(plans, start=1):
        plan.number = number
    return plans


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_enrolments(
    rng: random.Random,
    sessions: list[SessionPlan],
    workers: list[tuple[int, dt.date, str]],
    target: TrainingSize,
    today: dt.date,
) -> None:
    """Choose each session's workers so that the held meetings can take the attendance target.

    ``workers`` are (id, hire date, federation path) of the active workers. A session takes
    workers hired before it starts, from its organizer's subtree when that has enough of them.
    """
    noise = [rng.uniform(0.7, 1.3) for _ in sessions]

    def counts(alpha: float) -> list[int]:
        weights = [n * (1 + s.held) ** alpha for n, s in zip(noise, sessions, strict=True)]
        return _allocate(target.enrolments, weights)

    def room(alpha: float) -> float:
        """Return the attendance rows the held meetings would take (a few enrolments are
        cancelled)."""
        return sum(n * s.held for n, s in zip(counts(alpha), sessions, strict=True)) * 0.97

    # Weight sessions by their held meetings just enough for the attendance target.
    goal, alpha = target.attendance * 1.02, 0.0
    if room(alpha) < goal:
        low, high = 0.0, 3.0
        for _ in range(25):
            middle = (low + high) / 2
            low, high = (middle, high) if room(middle) < goal else (low, middle)
        alpha = high
    wanted = counts(alpha)

    pools: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    everyone = sorted((hired, pk) for pk, hired, _path in workers)
    for pk, hired, path in workers:
        for end in range(Federation.steplen, len(path) + 1, Federation.steplen):
            pools[path[:end]].append((hired, pk))
    for pool in pools.values():
        pool.sort()
    for plan, count in zip(sessions, wanted, strict=True):
        pool = pools.get(plan.course.organizer.path, [])
        eligible = bisect.bisect_right(pool, (plan.start, float("inf")))
        if eligible < count:
            pool = everyone
            eligible = bisect.bisect_right(pool, (plan.start, float("inf")))
        chosen = rng.sample(range(eligible), min(count, eligible))
        plan.workers = [pool[i][1] for i in chosen]
        plan.statuses = [_status(rng, plan.start > today) for _ in plan.workers]


def _status(rng: random.Random, future: bool) -> int:
    draw = rng.random()
    if draw < 0.02:
        return Enrolment.Status.CANCELLED
    if future and draw < 0.05:
        return Enrolment.Status.WAITLISTED
    return Enrolment.Status.CONFIRMED


def _marks(plan: SessionPlan, seed: int) -> Iterator[tuple[int, int, int]]:
    """Yield (meeting index, position in ``plan.workers``, status) for the held meetings.

    One seeded stream per session, so the planning pass and the writing pass see the same
    marks. About one in sixteen workers drops out and misses most meetings.
    """
    rng = random.Random(f"{seed}:attendance:{plan.number}")
    confirmed = plan.confirmed
    dropped = {i for i in confirmed if rng.random() < 0.06}
    statuses = [status for status, _share in MARKS]
    shares = [share for _status, share in MARKS]
    for meeting in range(plan.held):
        for i in confirmed:
            if i in dropped and rng.random() < 0.6:
                yield meeting, i, Attendance.Status.ABSENT
            else:
                yield meeting, i, rng.choices(statuses, shares)[0]


def plan_attendance(
    sessions: list[SessionPlan], target: TrainingSize, seed: int, today: dt.date
) -> int:
    """Decide which attendance is recorded (oldest sessions first, up to the target), the
    credited hours and, for sessions over and fully recorded, scores and completion.

    Returns the number of attendance rows planned.
    """
    budget = target.attendance
    percent = Policy().completion_attendance_percent
    for plan in sessions:
        plan.credited = [Decimal(0)] * len(plan.workers)
        plan.scores = [None] * len(plan.workers)
        plan.completed = [False] * len(plan.workers)
        if not plan.held or not budget:
            continue
        for _meeting, i, status in _marks(plan, seed):
            if not budget:
                break
            budget -= 1
            plan.recorded += 1
            if status in CREDITED:
                plan.credited[i] += plan.hours
        confirmed = plan.confirmed
        plan.complete = plan.end < today and plan.recorded == plan.held * len(confirmed)
        if not plan.complete:
            continue
        rng = random.Random(f"{seed}:scores:{plan.number}")
        pass_score = plan.course.pass_score
        for i in confirmed:
            if pass_score is not None:
                plan.scores[i] = Decimal(
                    rng.randint(62, 96) if rng.random() < 0.8 else rng.randint(35, 59)
                )
            decision = completion.decide_completion(
                scheduled_hours=Decimal(plan.held * plan.hours),
                credited_hours=plan.credited[i],
                attendance_percent=percent,
                training_type=plan.course.training_type,
                pass_score=Decimal(pass_score) if pass_score is not None else None,
                score=plan.scores[i],
            )
            plan.completed[i] = decision.completed
    return target.attendance - budget


# -- writing ---------------------------------------------------------------------------------------


def insert_course_pages(plans: list[CoursePlan]) -> None:
    """Bulk-insert the course pages under their catalogs (see the module docstring)."""
    catalogs = {c.training_type: c for c in CatalogPage.objects.all()}
    next_step = {}
    for catalog in catalogs.values():
        last = catalog.get_last_child()
        next_step[catalog.pk] = (last._get_lastpos_in_path() if last else 0) + 1
    content_type = ContentType.objects.get_for_model(CoursePage)
    locale = Locale.get_default()
    now = timezone.now()
    pages = []
    for plan in plans:
        catalog = catalogs[plan.training_type]
        step, next_step[catalog.pk] = next_step[catalog.pk], next_step[catalog.pk] + 1
        slug = f"scale-{uuid.uuid4().hex[:16]}"
        pages.append(
            Page(
                title=plan.title,
                draft_title=plan.title,
                slug=slug,
                content_type=content_type,
                path=Page._get_path(catalog.path, catalog.depth + 1, step),
                depth=catalog.depth + 1,
                numchild=0,
                url_path=f"{catalog.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale=locale,
            )
        )
    Page.objects.bulk_create(pages, batch_size=1000)
    fields = CoursePage._meta.local_concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(CoursePage._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    rows = []
    for page, plan in zip(pages, plans, strict=True):
        plan.pk = page.pk
        values = {
            "page_ptr": page.pk,
            "organizer": plan.organizer.pk,
            "training_type": plan.training_type,
            "methods": json.dumps(["lecture", "case"]),
            "credit_hours": Decimal(plan.credit_hours),
            "audience": "全体社会化工会工作者",
            "summary": f"规模测试课程：{plan.title}",
            "pass_score": Decimal(plan.pass_score) if plan.pass_score else None,
            "description": "[]",
        }
        rows.append([values[f.name] for f in fields])
    with connection.cursor() as cursor:
        for chunk in _batched(rows, 1000):
            cursor.executemany(sql, chunk)
    for catalog in catalogs.values():
        added = sum(1 for plan in plans if plan.training_type == catalog.training_type)
        Page.objects.filter(pk=catalog.pk).update(numchild=F("numchild") + added)


def insert_sessions(plans: list[SessionPlan], today: dt.date) -> None:
    """Bulk-insert the sessions and their meetings."""
    sessions = []
    for plan in plans:
        if plan.end < today:
            status = Session.Status.FINISHED if plan.complete else Session.Status.CLOSED
        elif plan.start <= today:
            status = Session.Status.CLOSED
        else:
            status = Session.Status.OPEN
        opens = dt.datetime.combine(plan.start - dt.timedelta(days=60), dt.time(1), dt.UTC)
        closes = dt.datetime.combine(plan.start - dt.timedelta(days=3), dt.time(10), dt.UTC)
        sessions.append(
            Session(
                course_id=plan.course.pk,
                organizer=plan.course.organizer,
                title=f"{plan.start.year}年第{plan.number}期",
                start_date=plan.start,
                end_date=plan.end,
                location=f"{plan.course.organizer.name}培训中心",
                capacity=max(60, -(-len(plan.workers) // 10) * 10),
                enrol_opens=opens,
                enrol_closes=closes,
                cancel_deadline=closes,
                status=status,
            )
        )
    Session.objects.bulk_create(sessions, batch_size=1000)
    meetings = []
    for plan, session in zip(plans, sessions, strict=True):
        plan.pk = session.pk
        meetings.extend(
            Meeting(
                session_id=session.pk,
                date=day,
                start_time=dt.time(9, 0),
                end_time=dt.time(17, 30),
                hours=Decimal(plan.hours),
            )
            for day in plan.days
        )
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    by_session = {plan.pk: plan for plan in plans}
    for meeting in meetings:
        by_session[meeting.session_id].meeting_ids.append(meeting.pk)


def insert_enrolments(plans: list[SessionPlan]) -> int:
    now = timezone.now()
    count = 0
    for chunk in _batched(plans, 200):
        rows = []
        for plan in chunk:
            for i, (worker_id, status) in enumerate(zip(plan.workers, plan.statuses, strict=True)):
                rows.append(
                    Enrolment(
                        session_id=plan.pk,
                        worker_id=worker_id,
                        status=status,
                        waitlisted_at=now if status == Enrolment.Status.WAITLISTED else None,
                        cancelled_at=now if status == Enrolment.Status.CANCELLED else None,
                        score=plan.scores[i],
                        completed=plan.completed[i],
                        completed_on=plan.end if plan.completed[i] else None,
                        credited_hours=plan.credited[i],
                    )
                )
        Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        position = 0
        for plan in chunk:
            plan.enrolment_ids = [row.pk for row in rows[position : position + len(plan.workers)]]
            position += len(plan.workers)
        count += len(rows)
    return count


def insert_attendance(plans: list[SessionPlan], seed: int) -> int:
    def rows() -> Iterator[Attendance]:
        for plan in plans:
            for meeting, i, status in islice(_marks(plan, seed), plan.recorded):
                yield Attendance(
                    meeting_id=plan.meeting_ids[meeting],
                    enrolment_id=plan.enrolment_ids[i],
                    status=status,
                    hours=plan.hours if status in CREDITED else 0,
                )

    count = 0
    for chunk in _batched(rows(), BATCH):
        Attendance.objects.bulk_create(chunk)
        count += len(chunk)
    return count


# -- the step -------------------------------------------------------------------------------------


def add_training(data) -> None:
    """Add courses, sessions, enrolments and attendance to the scale-test city ``data``."""
    target = training_size(data.size.workers)
    seed = data.rng.randrange(2**32)
    rng = random.Random(seed)
    today = data.today
    ensure_catalogs()
    organizers = [data.root, *(f for f in data.federations if f.depth == 2)]
    courses = plan_courses(rng, target.courses, organizers)
    sessions = plan_sessions(rng, target.sessions, courses, today)
    active = [
        (w.pk, w.hire_date, w.federation.path)
        for w in data.workers
        if w.status == Worker.Status.ACTIVE
    ]
    plan_enrolments(rng, sessions, active, target, today)
    plan_attendance(sessions, target, seed, today)
    insert_course_pages(courses)
    insert_sessions(sessions, today)
    data.counts["courses"] = len(courses)
    data.counts["sessions"] = len(sessions)
    data.counts["enrolments"] = insert_enrolments(sessions)
    data.counts["attendance"] = insert_attendance(sessions, seed)


def remove_training(root: Federation) -> None:
    """Delete the training of the scale-test city under ``root`` (for ``--replace``)."""
    sessions = Session.objects.filter(organizer__path__startswith=root.path)
    Attendance.objects.filter(meeting__session__in=sessions).delete()
    Enrolment.objects.filter(session__in=sessions).delete()
    Meeting.objects.filter(session__in=sessions).delete()
    sessions.delete()
    course_ids = CoursePage.objects.filter(organizer__path__startswith=root.path).values_list(
        "pk", flat=True
    )
    Page.objects.filter(pk__in=list(course_ids)).delete()


# For ``generate_scale_data``: (name, add, remove), run after the workforce steps.
SCALE_STEPS = [("training", add_training, remove_training)]
