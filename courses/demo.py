"""Demo data for training: courses in the four catalogs, sessions, enrolments and attendance.

Run by ``manage.py load_demo_data`` after the workforce steps (see ``workforce/demo.py`` for
the rules every step follows: idempotent, deterministic). Everything goes in through the
courses services (``create_session``, ``add_meetings``, ``enrol_worker``, ``record_attendance``,
``record_scores``, ``decide_completion``, ``cancel_session``), so the demo obeys the same rules
as the product.

The calendar: onboarding sessions every quarter since the first hires (2017; earlier sessions
stand for records carried over into the platform), a one-month rotation each spring and autumn
(and one in late 2024), thematic sessions of 2-3 days and qualification courses each year of
2025-2027. Sessions that ended before ``ctx.today`` are held: attendance is recorded for every
meeting and completion decided; later ones are open for enrolment or planned.

Who takes what is drawn per worker so the compliance dashboard shows a realistic mix: most
workers did their onboarding in time, about half have a rotation within the last 24 months
(a few from late 2024, falling due now), and most met last year's 40 hours while this year's
are still being earned (due soon near the year end) — a few are overdue on each rule.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from workforce.demo import DemoContext
from workforce.models import Worker

from . import services
from .catalogs import ensure_catalogs
from .models import Attendance, CatalogPage, CoursePage, Enrolment, Meeting, Session, TrainingType

TZ = ZoneInfo("Asia/Shanghai")
FIRST_YEAR, LAST_YEAR = 2025, 2027  # the platform's own calendar
HISTORY_FROM = 2017  # onboarding records carried over since the first hires
L = TrainingType

# ---------------------------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseSpec:
    key: str
    training_type: str
    title: str
    organizer: str  # federation code
    methods: tuple[str, ...]
    credit_hours: int
    audience: str
    summary: str
    outline: tuple[tuple[str, str, int], ...]  # (topic, method, hours)
    pass_score: int | None = None
    # Sessions: (months, days per session, hours a day); years 2025-2027 unless noted.
    months: tuple[int, ...] = ()
    days: int = 2
    hours: int = 8


ALL_WORKERS = "全体社会化工会工作者"
COURSES: tuple[CourseSpec, ...] = (
    CourseSpec(
        "onboarding", L.ONBOARDING, "新任社会化工会工作者上岗培训", "MY",
        ("lecture", "case", "apprentice"), 40, "新聘社会化工会工作者",
        "工会基本知识、岗位职责与工作规范、基层工会实务，帮助新任工作者尽快上岗。",
        (("工会基本知识与《工会法》", "集中授课", 8),
         ("社会化工会工作者岗位职责与工作规范", "集中授课", 8),
         ("基层工会组建与会员发展实务", "案例教学", 8), ("职工服务与帮扶工作流程", "案例教学", 8),
         ("跟岗实践与导师带教", "高师带徒", 8)),
        months=(3, 6, 9, 12), days=5,
    ),
    CourseSpec(
        "rotation", L.ROTATION, "社会化工会工作者岗位轮训", "MY",
        ("lecture", "seminar", "case", "pairing"), 160, "在岗满一年的社会化工会工作者",
        "为期一个月的集中轮训：政策理论、业务技能与跟班实践相结合，每2年轮训一次。",
        (("新时代工会工作理论与政策", "集中授课", 32), ("集体协商与劳动关系协调", "案例教学", 32),
         ("职工维权与法律服务", "案例教学", 32), ("基层工会规范化建设", "座谈研讨", 32),
         ("跟班实践与结对提升", "结对提升", 32)),
        months=(4, 10), days=20,
    ),
    CourseSpec(
        "rotation-fc", L.ROTATION, "基层工会业务岗位轮训（涪城区）", "FC",
        ("lecture", "pairing"), 160, "涪城区社会化工会工作者",
        "涪城区总工会组织的一个月业务轮训，结合辖区街道、园区工会实际跟班学习。",
        (("街道与园区工会工作实务", "集中授课", 80), ("跟班实践", "结对提升", 80)),
        months=(6,), days=20,
    ),
    CourseSpec(
        "law", L.THEMATIC, "工会法律法规与职工维权实务", "MY",
        ("lecture", "case"), 24, ALL_WORKERS,
        "《工会法》《劳动法》《劳动合同法》要点，职工维权案例分析与法律援助转介。",
        (("《工会法》《劳动合同法》要点", "集中授课", 8), ("典型维权案例分析", "案例教学", 8),
         ("法律援助与转介流程", "集中授课", 8)),
        months=(3, 9), days=3,
    ),
    CourseSpec(
        "bargaining", L.THEMATIC, "集体协商实务", "MY",
        ("lecture", "seminar", "case"), 16, ALL_WORKERS,
        "工资集体协商的准备、要约、协商与履约监督，模拟协商演练。",
        (("集体协商程序与要约", "集中授课", 6), ("模拟协商演练", "案例教学", 6),
         ("履约监督与争议处理", "座谈研讨", 4)),
        months=(5, 12),
    ),
    CourseSpec(
        "mediation", L.THEMATIC, "劳动争议调解实务", "FC",
        ("lecture", "case"), 16, ALL_WORKERS,
        "企业劳动争议调解委员会的组建与运行，调解技巧与文书制作。",
        (("调解组织与程序", "集中授课", 8), ("调解技巧与文书", "案例教学", 8)),
        months=(4,),
    ),
    CourseSpec(
        "wellbeing", L.THEMATIC, "职工心理健康与关爱服务", "YX",
        ("lecture", "seminar"), 16, ALL_WORKERS,
        "职工心理健康识别与疏导，困难职工关爱帮扶的工作方法。",
        (("职工心理健康识别与疏导", "集中授课", 8), ("关爱帮扶工作坊", "座谈研讨", 8)),
        months=(6,),
    ),
    CourseSpec(
        "finance", L.THEMATIC, "工会财务与经费审查实务", "JY",
        ("lecture", "case"), 16, "基层工会经审工作人员、社会化工会工作者",
        "工会经费收支管理、预决算编制与经费审查监督要点。",
        (("工会经费收支与预决算", "集中授课", 8), ("经费审查案例", "案例教学", 8)),
        months=(7,),
    ),
    CourseSpec(
        "new-forms", L.THEMATIC, "新就业形态劳动者入会与服务", "MY",
        ("lecture", "seminar", "online"), 16, ALL_WORKERS,
        "快递员、网约配送员、网约车司机等新就业形态劳动者的建会入会与服务阵地建设。",
        (("新就业形态劳动者权益保障政策", "网络培训", 6), ("“暖心驿站”建设与服务", "座谈研讨", 10)),
        months=(8, 11),
    ),
    CourseSpec(
        "media", L.THEMATIC, "工会宣传与网络舆情应对", "ST",
        ("lecture", "case"), 16, ALL_WORKERS,
        "工会新媒体宣传、劳模工匠故事采写与涉劳动关系网络舆情应对。",
        (("工会新媒体宣传实务", "集中授课", 8), ("网络舆情应对案例", "案例教学", 8)),
        months=(10,),
    ),
    CourseSpec(
        "home", L.THEMATIC, "职工之家建设与规范化管理", "AZ",
        ("lecture", "seminar"), 16, ALL_WORKERS,
        "模范职工之家创建标准、基层工会规范化建设与台账管理。",
        (("职工之家创建标准", "集中授课", 8), ("规范化建设交流", "座谈研讨", 8)),
        months=(9,),
    ),
    CourseSpec(
        "safety", L.THEMATIC, "安全生产与职业健康群众监督", "GX",
        ("lecture", "online"), 16, ALL_WORKERS,
        "工会劳动保护监督检查、隐患排查与职业病防治群众监督。",
        (("劳动保护监督检查", "集中授课", 8), ("职业健康群众监督", "网络培训", 8)),
        months=(6,),
    ),
    CourseSpec(
        "social-work", L.THEMATIC, "社会工作方法在工会工作中的应用", "MY",
        ("lecture", "case", "seminar"), 24, ALL_WORKERS,
        "个案、小组与社区工作方法在职工服务中的运用。",
        (("个案工作方法", "集中授课", 8), ("小组工作实务", "案例教学", 8),
         ("社区与企业服务项目设计", "座谈研讨", 8)),
        months=(11,), days=3,
    ),
    CourseSpec(
        "sw-junior", L.QUALIFICATION, "社会工作者职业水平考试（初级）考前辅导", "MY",
        ("lecture", "online"), 40, "尚未取得社会工作职业资格的工作者",
        "助理社会工作师考试科目系统辅导，结业须考试合格（60分）。",
        (("社会工作综合能力（初级）", "集中授课", 20), ("社会工作实务（初级）", "集中授课", 20)),
        pass_score=60, months=(5,), days=5,
    ),
    CourseSpec(
        "labour-relations", L.QUALIFICATION, "劳动关系协调员（三级）资格培训", "MY",
        ("lecture", "case"), 40, "从事劳动关系协调工作的社会化工会工作者",
        "劳动关系协调员国家职业技能标准培训，结业须考试合格（60分）。",
        (("劳动关系协调基础", "集中授课", 16), ("劳动标准实施与集体协商", "案例教学", 24)),
        pass_score=60, months=(8,), days=5,
    ),
)  # fmt: skip

LOCATIONS = {
    "MY": "绵阳市职工服务中心（涪城区临园路东段）",
    "FC": "涪城区职工服务中心",
    "YX": "游仙区职工服务中心",
    "JY": "江油市工人文化宫",
    "ST": "三台县职工服务中心",
    "AZ": "安州区职工服务中心",
    "GX": "高新区职工之家",
}
CAPACITY = {L.ONBOARDING: 40, L.ROTATION: 45, L.THEMATIC: 50, L.QUALIFICATION: 40}


# ---------------------------------------------------------------------------------------------
# Sessions: a fixed calendar
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionSpec:
    course: str  # CourseSpec.key
    title: str
    start: dt.date
    end: dt.date
    hours: int  # per day
    cancelled: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.course, self.title)


def _weekdays_from(day: dt.date, count: int) -> tuple[dt.date, dt.date]:
    """Return the first weekday on or after ``day`` and the day ``count`` weekdays later."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start, left = day, count - 1
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return start, day


def session_calendar() -> list[SessionSpec]:
    """Return every demo session, oldest first."""
    specs: list[SessionSpec] = []
    for course in COURSES:
        if course.training_type == L.ONBOARDING:
            years = range(HISTORY_FROM, LAST_YEAR + 1)
        else:
            years = range(FIRST_YEAR, LAST_YEAR + 1)
        for year in years:
            for number, month in enumerate(course.months, start=1):
                start, end = _weekdays_from(dt.date(year, month, 8), course.days)
                suffix = f"（第{number}期）" if len(course.months) > 1 else ""
                title = f"{year}年{course.title}{suffix}"
                specs.append(SessionSpec(course.key, title, start, end, course.hours))
    # The rotation of late 2024 whose 24 months are running out in late 2026.
    start, end = _weekdays_from(dt.date(2024, 11, 1), 20)
    specs.append(SessionSpec("rotation", "2024年社会化工会工作者岗位轮训（第2期）", start, end, 8))
    # One planned session was called off.
    specs = [
        SessionSpec(s.course, s.title, s.start, s.end, s.hours, cancelled=True)
        if s.title == "2027年集体协商实务（第2期）"
        else s
        for s in specs
    ]
    return sorted(specs, key=lambda s: (s.start, s.title))


# ---------------------------------------------------------------------------------------------
# Who takes what: a plan of plain values
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    id_number: str
    federation_code: str
    hire_date: dt.date
    has_qualification: bool


def plan_enrolments(
    seed: int, learners: list[Learner], sessions: list[SessionSpec], today: dt.date
) -> dict[tuple[str, str], list[str]]:
    """Return session key → the ID numbers enrolled there, in enrolment order.

    A worker never holds two sessions whose dates overlap, and a held session is never filled
    past its capacity (an upcoming one may be: the rest wait on the waitlist).
    """
    by_course = {c.key: c for c in COURSES}
    chosen: dict[tuple[str, str], list[str]] = defaultdict(list)
    busy: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    live = [s for s in sessions if not s.cancelled]

    def hours(spec: SessionSpec) -> int:
        return spec.hours * _weekday_count(spec.start, spec.end)

    def free(spec: SessionSpec, who: Learner) -> bool:
        capacity = CAPACITY[by_course[spec.course].training_type]
        held = spec.end < today
        if held and len(chosen[spec.key]) >= capacity:
            return False
        if spec.start < who.hire_date:
            return False
        return all(spec.end < start or spec.start > end for start, end in busy[who.id_number])

    def take(spec: SessionSpec, who: Learner) -> None:
        chosen[spec.key].append(who.id_number)
        busy[who.id_number].append((spec.start, spec.end))

    onboarding = [s for s in live if s.course == "onboarding"]
    rotations = [s for s in live if by_course[s.course].training_type == L.ROTATION]
    # The session called off later had enrolments too (they are told when it is cancelled).
    others = [
        s for s in sessions if by_course[s.course].training_type in (L.THEMATIC, L.QUALIFICATION)
    ]
    for who in learners:
        rng = random.Random(f"{seed}:training:{who.id_number}")
        # Onboarding: mostly the first session after hire; a few late, a few none yet.
        after = [s for s in onboarding if s.start >= who.hire_date]
        draw = rng.random()
        pick = after[0] if draw < 0.88 else after[1] if draw < 0.93 and len(after) > 1 else None
        if pick is not None and free(pick, who):
            take(pick, who)
        # Rotation: one within the last 24 months for about half; some due now; some booked.
        veteran = [s for s in rotations if s.start >= who.hire_date + dt.timedelta(days=365)]
        if veteran:
            draw = rng.random()
            past = [s for s in veteran if s.end < today]
            coming = [s for s in veteran if s.start > today]
            late_2024 = [s for s in past if s.start.year == 2024]
            recent = [s for s in past if s.start.year >= FIRST_YEAR]
            if draw < 0.55 and recent:
                options = [s for s in recent if s.course == "rotation-fc"]
                home = who.federation_code == "FC" and options and rng.random() < 0.5
                spec = rng.choice(
                    options if home else [s for s in recent if s.course == "rotation"]
                )
            elif draw < 0.68 and late_2024:
                spec = late_2024[0]
            elif draw < 0.85 and coming:
                spec = coming[0]
            else:
                spec = None
            if spec is not None and free(spec, who):
                take(spec, who)
        # Thematic and qualification: about 40 hours a year for most, less for some.
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if dt.date(year, 12, 31) < who.hire_date:
                continue
            share = 0.85 if dt.date(year, 12, 31) < today else 0.6 if year == today.year else 0.3
            goal = 40 if rng.random() < share else rng.choice((0, 16, 24))
            done = sum(
                hours(s) for s in live if s.start.year == year and who.id_number in chosen[s.key]
            )
            options = [s for s in others if s.start.year == year]
            rng.shuffle(options)
            # Prefer sessions of one's own county, then the city's.
            options.sort(
                key=lambda s: by_course[s.course].organizer not in ("MY", who.federation_code)
            )
            for spec in options:
                if done >= goal:
                    break
                course = by_course[spec.course]
                if course.training_type == L.QUALIFICATION and (
                    who.has_qualification and course.key == "sw-junior"
                ):
                    continue
                if free(spec, who):
                    take(spec, who)
                    done += hours(spec)
    return chosen


def _weekday_count(start: dt.date, end: dt.date) -> int:
    return sum(
        1 for n in range((end - start).days + 1) if (start + dt.timedelta(days=n)).weekday() < 5
    )


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def build_courses(ctx: DemoContext) -> None:
    """Create the training pages and the courses of the four catalogs (published)."""
    ensure_catalogs()
    catalogs = {c.training_type: c for c in CatalogPage.objects.all()}
    existing = set(CoursePage.objects.values_list("title", flat=True))
    for spec in COURSES:
        if spec.title in existing:
            continue
        body = [
            {"type": "heading", "value": {"text": "课程目标"}},
            {"type": "paragraph", "value": f"<p>{spec.summary}</p>"},
            {"type": "heading", "value": {"text": "课程安排"}},
            *(
                {"type": "schedule_item", "value": {"topic": t, "method": m, "hours": h}}
                for t, m, h in spec.outline
            ),
        ]
        course = CoursePage(
            title=spec.title,
            slug=spec.key,
            organizer=ctx.federations[spec.organizer],
            training_type=spec.training_type,
            methods=list(spec.methods),
            credit_hours=Decimal(spec.credit_hours),
            audience=spec.audience,
            summary=spec.summary,
            pass_score=Decimal(spec.pass_score) if spec.pass_score else None,
            description=body,
        )
        catalogs[spec.training_type].add_child(instance=course)
        course.save_revision(user=ctx.by, log_action=True).publish(user=ctx.by)
        ctx.count(_("课程"))


def _status_on(spec: SessionSpec, today: dt.date) -> str:
    """Return the status a session is created with: closed once it has begun (held sessions
    are finished by ``decide_completion``), open while its window is, else planned."""
    if spec.start <= today:
        return Session.Status.CLOSED
    opens = spec.start - dt.timedelta(days=60)
    return Session.Status.OPEN if opens <= today else Session.Status.PLANNED


def build_sessions(ctx: DemoContext) -> None:
    """Create the sessions of 2025-2027 (and the onboarding history) with their meetings."""
    courses = {c.title: c for c in CoursePage.objects.all()}
    by_key = {spec.key: courses[spec.title] for spec in COURSES}
    existing = set(Session.objects.values_list("course__title", "title"))
    for spec in session_calendar():
        course = by_key[spec.course]
        if (course.title, spec.title) in existing:
            continue
        code = next(c.organizer for c in COURSES if c.key == spec.course)
        session = services.create_session(
            by=ctx.by,
            course=course,
            organizer=ctx.federations[code],
            title=spec.title,
            start_date=spec.start,
            end_date=spec.end,
            location=LOCATIONS[code],
            capacity=CAPACITY[course.training_type],
            enrol_opens=_aware(spec.start - dt.timedelta(days=60)),
            enrol_closes=_aware(spec.start - dt.timedelta(days=3), 18),
            cancel_deadline=_aware(spec.start - dt.timedelta(days=5), 18),
            status=_status_on(spec, ctx.today),
        )
        afternoon_end = dt.time(17, 30) if spec.hours == 8 else dt.time(16, 0)
        services.add_meetings(
            by=ctx.by,
            session=session,
            first_day=spec.start,
            last_day=spec.end,
            start_time=dt.time(9, 0),
            end_time=afternoon_end,
            hours=Decimal(spec.hours),
            place=LOCATIONS[code],
        )
        ctx.count(_("班次"))


def _learners(ctx: DemoContext) -> list[Learner]:
    """Return the active workers, in plan order (the ``worker`` persona first)."""
    active = {w.id_number: w for w in ctx.workers.values() if w.status == Worker.Status.ACTIVE}
    return [
        Learner(
            plan.person.id_number,
            plan.federation_code,
            plan.hire_date,
            plan.person.qualification != Worker.Qualification.NONE,
        )
        for plan in ctx.worker_plans()
        if plan.person.id_number in active
    ]


def enrol_workers(ctx: DemoContext) -> None:
    """Enrol the workers as planned (staff enrolment through the service)."""
    sessions = {(s.course.title, s.title): s for s in Session.objects.select_related("course")}
    title_of = {c.key: c.title for c in COURSES}
    specs = session_calendar()
    plan = plan_enrolments(ctx.seed, _learners(ctx), specs, ctx.today)
    done = set(Enrolment.objects.values_list("session_id", "worker__id_number"))
    for spec in specs:
        session = sessions[(title_of[spec.course], spec.title)]
        if session.status in (Session.Status.FINISHED, Session.Status.CANCELLED):
            continue
        for id_number in plan.get(spec.key, ()):
            if (session.pk, id_number) in done:
                continue
            services.enrol_worker(by=ctx.by, session=session, worker=ctx.workers[id_number])
            ctx.count(_("报名"))


def _mark(rng: random.Random, diligent: bool) -> int:
    draw = rng.random()
    if not diligent:
        return Attendance.Status.PRESENT if draw < 0.45 else Attendance.Status.ABSENT
    if draw < 0.92:
        return Attendance.Status.PRESENT
    if draw < 0.95:
        return Attendance.Status.LATE
    if draw < 0.98:
        return Attendance.Status.EXCUSED
    return Attendance.Status.ABSENT


def hold_sessions(ctx: DemoContext) -> None:
    """Record attendance (and exam scores) of the meetings held, then decide completion."""
    held = list(
        Session.objects.filter(start_date__lt=ctx.today)
        .exclude(status__in=[Session.Status.FINISHED, Session.Status.CANCELLED])
        .select_related("course")
        .order_by("start_date", "pk")
    )
    marked = set(Attendance.objects.values_list("meeting_id", flat=True).distinct())
    meetings = defaultdict(list)
    for meeting in Meeting.objects.filter(session__in=held, cancelled=False, date__lt=ctx.today):
        meetings[meeting.session_id].append(meeting)
    for session in held:
        roster = list(
            Enrolment.objects.filter(session=session, status=Enrolment.Status.CONFIRMED)
            .select_related("worker")
            .order_by("pk")
        )
        if not roster:
            continue
        # One in twenty stops coming and does not complete.
        diligent = {
            e.pk: ctx.rng("diligence", session.pk, e.worker.id_number).random() >= 0.05
            for e in roster
        }
        for meeting in sorted(meetings[session.pk], key=lambda m: m.date):
            if meeting.pk in marked:
                continue
            rng = ctx.rng("attendance", meeting.date, session.title)
            marks = {e.pk: _mark(rng, diligent[e.pk]) for e in roster}
            services.record_attendance(by=ctx.by, meeting=meeting, marks=marks)
            ctx.count(_("考勤课次"))
        if session.end_date >= ctx.today:
            continue  # still running
        if session.course.pass_score is not None:
            rng = ctx.rng("scores", session.title)
            scores = {
                e.pk: Decimal(rng.randint(62, 96) if rng.random() < 0.8 else rng.randint(38, 59))
                for e in roster
                if e.score is None
            }
            if scores:
                services.record_scores(by=ctx.by, session=session, scores=scores)
        services.decide_completion(by=ctx.by, session=session, today=ctx.today)
        ctx.count(_("结业认定班次"))


def cancel_called_off(ctx: DemoContext) -> None:
    """Cancel the session the calendar calls off (its enrolled workers are told)."""
    titles = [s.title for s in session_calendar() if s.cancelled]
    for session in Session.objects.filter(title__in=titles).exclude(
        status=Session.Status.CANCELLED
    ):
        services.cancel_session(by=ctx.by, session=session, reason="授课教师时间调整，本期取消。")
        ctx.count(_("取消班次"))


_NOTIFIER = logging.getLogger("courses.notifications")
_saved_levels: list[int] = []


def quiet_notifications(ctx: DemoContext) -> None:
    """Keep the demo load's console readable (undone by ``restore_notifications``).

    Demo workers have no email addresses, so every enrolment's notification would only log
    "no email address; skipped" once the load commits.
    """
    _saved_levels.append(_NOTIFIER.level)
    _NOTIFIER.setLevel(logging.WARNING)


def restore_notifications(ctx: DemoContext) -> None:
    """Restore the notifications' log level once the queued notifications have run."""
    level = _saved_levels.pop() if _saved_levels else logging.NOTSET
    # on_commit callbacks run in order: this one after every notification queued before it.
    transaction.on_commit(lambda: _NOTIFIER.setLevel(level))
    if not transaction.get_connection().in_atomic_block:
        _NOTIFIER.setLevel(level)


DEMO_STEPS = [
    quiet_notifications,
    build_courses,
    build_sessions,
    enrol_workers,
    hold_sessions,
    cancel_called_off,
    restore_notifications,
]
