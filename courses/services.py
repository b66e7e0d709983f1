"""Writes for the courses app: sessions, meetings, enrolment, attendance, scores, completion.

Every service runs in one transaction, writes an audit entry, sends its emails after the
commit and raises ``TrainingError`` with a user-facing message when the rules forbid the
change (``EnrolmentError``, a kind of it, for enrolling and cancelling an enrolment). Seats are
decided under a row lock on the session (``_lock_session``, through ``lms.locking``):
enrolments and cancellations of one session happen one at a time, so the seat count read
under the lock is the truth.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms.errors import DomainError
from lms.locking import lock
from workforce.models import Federation, Worker
from workforce.permissions import can_manage
from workforce.selectors import policy_for

from . import completion, enrolment_rules, notifications, selectors
from .models import (
    Attendance,
    CalendarFeed,
    CoursePage,
    Enrolment,
    Meeting,
    Session,
    new_feed_token,
)


class TrainingError(DomainError):
    """A training change the rules do not allow; the message is shown to the user.

    Sessions, meetings, attendance, scores and completion raise it; enrolment raises its
    ``EnrolmentError``.
    """


class EnrolmentError(TrainingError):
    """An enrolment, or the cancellation of one, that the enrolment rules refuse."""


# Audit actions written by these services (the admin registers their labels).
LOG_ACTIONS = {
    "courses.enrol": gettext_lazy("报名"),
    "courses.waitlist": gettext_lazy("候补报名"),
    "courses.promote": gettext_lazy("候补转正"),
    "courses.cancel_enrolment": gettext_lazy("取消报名"),
    "courses.cancel_session": gettext_lazy("取消班次"),
    "courses.add_meetings": gettext_lazy("添加课次"),
    "courses.cancel_meeting": gettext_lazy("取消课次"),
    "courses.attendance": gettext_lazy("登记考勤"),
    "courses.scores": gettext_lazy("登记成绩"),
    "courses.completion": gettext_lazy("认定结业"),
    "courses.reset_feed": gettext_lazy("重置日历订阅地址"),
}

# What a worker sees of a session in their calendar: a change to one of these is a change of
# every meeting's VEVENT (new SEQUENCE) and is announced to the enrolled workers.
SESSION_CALENDAR_FIELDS = frozenset({"title", "location", "organizer", "course"})
SESSION_ANNOUNCED_FIELDS = SESSION_CALENDAR_FIELDS | {"start_date", "end_date"}
# What create_session / update_session set, in the order the session form shows them.
SESSION_FIELDS = (
    "course",
    "organizer",
    "title",
    "start_date",
    "end_date",
    "location",
    "capacity",
    "enrol_opens",
    "enrol_closes",
    "cancel_deadline",
    "status",
)
MEETING_FIELDS = frozenset({"date", "start_time", "end_time", "hours", "place"})
CREDITED_STATUSES = (Attendance.Status.PRESENT, Attendance.Status.LATE)
MAX_SCORE = Decimal("9999.9")


# Locks and checks ------------------------------------------------------------------------------


def _lock_session(session: Session) -> Session:
    """Lock the session's row and return it fresh: the seats of one session change one at a time."""
    # lock() locks the session only (of=("self",)), not the course page joined in.
    return lock(Session.objects.select_related("course"), session.pk)


def _require_manager(by, federation: Federation) -> None:
    if by is None or not can_manage(by, federation):
        raise TrainingError(_("您无权管理“%(name)s”的培训。") % {"name": federation.name})


def _on_commit(func, *args, **kwargs) -> None:
    transaction.on_commit(partial(func, *args, **kwargs))


def _check_session_dates(session: Session) -> None:
    if session.end_date < session.start_date:
        raise TrainingError(_("结束日期不能早于开始日期。"))
    if session.enrol_closes < session.enrol_opens:
        raise TrainingError(_("报名截止时间不能早于报名开始时间。"))
    if session.capacity is not None and session.capacity < 0:
        raise TrainingError(_("名额不能为负数。"))


def _check_meeting(session: Session, meeting: Meeting) -> None:
    if meeting.end_time <= meeting.start_time:
        raise TrainingError(_("课次结束时间须晚于开始时间。"))
    if meeting.hours is None or Decimal(meeting.hours) <= 0:
        raise TrainingError(_("课次学时须大于 0。"))
    if not session.start_date <= meeting.date <= session.end_date:
        raise TrainingError(
            _("课次日期 %(date)s 不在班次日期（%(start)s 至 %(end)s）之内。")
            % {"date": meeting.date, "start": session.start_date, "end": session.end_date}
        )


def _bump_meetings(session: Session, *, only: Q | None = None) -> int:
    """Raise the SEQUENCE of the session's meetings: their calendar events changed."""
    meetings = Meeting.objects.filter(session=session)
    if only is not None:
        meetings = meetings.filter(only)
    return meetings.update(sequence=F("sequence") + 1, updated_at=timezone.now())


# Sessions --------------------------------------------------------------------------------------


def create_session(
    *,
    by,
    course: CoursePage,
    organizer: Federation,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    location: str = "",
    capacity: int | None = None,
    enrol_opens: dt.datetime,
    enrol_closes: dt.datetime,
    cancel_deadline: dt.datetime,
    status: str = Session.Status.OPEN,
) -> Session:
    """Create a session (班次) of ``course`` run by ``organizer``."""
    _require_manager(by, organizer)
    session = Session(
        course=course,
        organizer=organizer,
        title=title,
        start_date=start_date,
        end_date=end_date,
        location=location,
        capacity=capacity,
        enrol_opens=enrol_opens,
        enrol_closes=enrol_closes,
        cancel_deadline=cancel_deadline,
        status=status,
    )
    if status == Session.Status.CANCELLED:
        raise TrainingError(_("不能新建已取消的班次。"))
    _check_session_dates(session)
    with transaction.atomic():
        session.save()
        log(session, "wagtail.create", user=by)
    return session


def update_session(*, by, session: Session, **fields) -> Session:
    """Change a session's fields; tell its enrolled workers when their calendar changes.

    Changing what the calendar shows (title, location, organizer, course) raises the SEQUENCE
    of every meeting. More seats promote waitlisted workers. Setting the status to cancelled
    is ``cancel_session``.
    """
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"update_session() cannot change {sorted(unknown)}")
    if fields.get("status") == Session.Status.CANCELLED:
        return cancel_session(by=by, session=session)
    with transaction.atomic():
        session = _lock_session(session)
        _require_manager(by, session.organizer)
        if session.status == Session.Status.CANCELLED:
            raise TrainingError(_("班次已取消，不能修改。"))
        changed = {name for name, value in fields.items() if getattr(session, name) != value}
        if "organizer" in changed:
            _require_manager(by, fields["organizer"])
        for name in changed:
            setattr(session, name, fields[name])
        _check_session_dates(session)
        if not changed:
            return session
        session.save(update_fields=sorted(changed))
        if changed & SESSION_CALENDAR_FIELDS:
            _bump_meetings(session)
        log(session, "wagtail.edit", user=by, data={"fields": sorted(changed)})
        if "capacity" in changed:
            _promote_waitlisted(session, by=by, now=timezone.now())
        if changed & SESSION_ANNOUNCED_FIELDS:
            _on_commit(notifications.send_session_changed, session.pk)
    return session


def cancel_session(*, by, session: Session, reason: str = "") -> Session:
    """Cancel a session: every meeting becomes STATUS:CANCELLED and the enrolled are told.

    Enrolments are kept, so the cancelled events stay in the workers' calendars.
    """
    with transaction.atomic():
        session = _lock_session(session)
        _require_manager(by, session.organizer)
        if session.status == Session.Status.CANCELLED:
            return session
        if session.status == Session.Status.FINISHED:
            raise TrainingError(_("班次已结束，不能取消。"))
        session.status = Session.Status.CANCELLED
        session.save(update_fields=["status"])
        _bump_meetings(session)
        log(session, "courses.cancel_session", user=by, data={"reason": reason})
        _on_commit(notifications.send_session_changed, session.pk, reason=reason)
    return session


# Meetings --------------------------------------------------------------------------------------


def add_meetings(
    *,
    by,
    session: Session,
    first_day: dt.date,
    last_day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    hours: Decimal,
    place: str = "",
    skip_weekends: bool = True,
) -> list[Meeting]:
    """Add one meeting (课次) per day from ``first_day`` to ``last_day`` at the same times.

    Idempotent per date: a day that already has a meeting is left alone; a cancelled meeting
    on that day is held again with the new times (and a new SEQUENCE). Returns the meetings
    created or reinstated.
    """
    if last_day < first_day:
        raise TrainingError(_("结束日期不能早于开始日期。"))
    hours = _decimal(hours, _("学时"))
    with transaction.atomic():
        session = _lock_session(session)
        _require_manager(by, session.organizer)
        if session.status in (Session.Status.CANCELLED, Session.Status.FINISHED):
            raise TrainingError(_("班次已取消或已结束，不能添加课次。"))
        existing = {m.date: m for m in Meeting.objects.filter(session=session)}
        # The same on every day, new or reinstated.
        times = {"start_time": start_time, "end_time": end_time, "hours": hours, "place": place}
        created: list[Meeting] = []
        reinstated: list[Meeting] = []
        day = first_day
        while day <= last_day:
            if skip_weekends and day.weekday() >= 5:
                day += dt.timedelta(days=1)
                continue
            meeting = existing.get(day)
            if meeting is None:
                meeting = Meeting(session=session, date=day, **times)
                _check_meeting(session, meeting)
                created.append(meeting)
            elif meeting.cancelled:
                meeting.cancelled = False
                for name, value in times.items():
                    setattr(meeting, name, value)
                meeting.sequence += 1
                _check_meeting(session, meeting)
                reinstated.append(meeting)
            day += dt.timedelta(days=1)
        Meeting.objects.bulk_create(created)
        for meeting in reinstated:
            meeting.save()
        touched = sorted(created + reinstated, key=lambda m: m.date)
        if touched:
            log(
                session,
                "courses.add_meetings",
                user=by,
                data={"dates": [m.date.isoformat() for m in touched]},
            )
            if _has_enrolments(session):
                _on_commit(notifications.send_session_changed, session.pk)
    return touched


def update_meeting(*, by, meeting: Meeting, **fields) -> Meeting:
    """Change a meeting's date, times, hours or place; its SEQUENCE goes up by one."""
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise TypeError(f"update_meeting() cannot change {sorted(unknown)}")
    if "hours" in fields:
        fields["hours"] = _decimal(fields["hours"], _("学时"))
    with transaction.atomic():
        session = _lock_session(meeting.session)
        _require_manager(by, session.organizer)
        meeting = lock(Meeting.objects.filter(session=session), meeting.pk)
        changed = {name for name, value in fields.items() if getattr(meeting, name) != value}
        if not changed:
            return meeting
        for name in changed:
            setattr(meeting, name, fields[name])
        _check_meeting(session, meeting)
        if "date" in changed and (
            Meeting.objects.filter(session=session, date=meeting.date)
            .exclude(pk=meeting.pk)
            .exists()
        ):
            raise TrainingError(_("%(date)s 已有课次。") % {"date": meeting.date})
        meeting.sequence += 1
        meeting.save()
        if "hours" in changed:
            Attendance.objects.filter(meeting=meeting, status__in=CREDITED_STATUSES).update(
                hours=meeting.hours
            )
            _recompute_credited_hours(session=session)
        log(meeting, "wagtail.edit", user=by, data={"fields": sorted(changed)})
        _on_commit(notifications.send_session_changed, session.pk)
    return meeting


def cancel_meeting(*, by, meeting: Meeting) -> Meeting:
    """Cancel one meeting: STATUS:CANCELLED in the calendars; it no longer counts for hours."""
    with transaction.atomic():
        session = _lock_session(meeting.session)
        _require_manager(by, session.organizer)
        meeting = lock(Meeting.objects.filter(session=session), meeting.pk)
        if meeting.cancelled:
            return meeting
        meeting.cancelled = True
        meeting.sequence += 1
        meeting.save()
        _recompute_credited_hours(session=session)
        log(meeting, "courses.cancel_meeting", user=by)
        _on_commit(notifications.send_session_changed, session.pk)
    return meeting


# Enrolment -------------------------------------------------------------------------------------


@dataclass
class BulkEnrolResult:
    """What ``bulk_enrol`` did for each worker, in the order given."""

    confirmed: list[Worker] = field(default_factory=list)
    waitlisted: list[Worker] = field(default_factory=list)
    already: list[Worker] = field(default_factory=list)
    refused: list[tuple[Worker, str]] = field(default_factory=list)
    outcomes: list[tuple[Worker, str, str]] = field(default_factory=list)

    def add(self, worker: Worker, outcome: str, reason: str = "") -> None:
        self.outcomes.append((worker, outcome, reason))
        if outcome == "refused":
            self.refused.append((worker, reason))
        else:
            getattr(self, outcome).append(worker)


def _is_staff_for(by, session: Session, worker: Worker) -> bool:
    return by is not None and (
        can_manage(by, session.organizer) or can_manage(by, worker.federation)
    )


def _has_enrolments(session: Session) -> bool:
    return (
        Enrolment.objects.filter(session=session)
        .exclude(status=Enrolment.Status.CANCELLED)
        .exists()
    )


def enrol_worker(
    *, by, session: Session, worker: Worker, now: dt.datetime | None = None
) -> Enrolment:
    """Enrol ``worker`` in ``session``: a seat if one is free, else the waitlist.

    The worker themself or their staff (``by`` manages the session's organizer or the
    worker's federation) may enrol them; ``enrolment_rules.decide_enrolment`` decides, from
    the facts read under the session's lock. A double submit returns the existing enrolment.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session)
        staff = _check_actor(by=by, session=session, worker=worker)
        current = Enrolment.objects.filter(session=session, worker=worker).first()
        if current is not None and current.status != Enrolment.Status.CANCELLED:
            return current
        decision = enrolment_rules.decide_enrolment(
            selectors.session_facts(session, seats_taken=selectors.seats_taken(session)),
            worker_name=worker.name,
            worker_active=worker.status == Worker.Status.ACTIVE,
            staff=staff,
            now=now,
            clash=_clash(selectors.overlapping_session(session, worker)),
            missing=selectors.missing_prerequisites(session.course, worker),
        )
        if not decision.allowed:
            raise EnrolmentError(decision.reason)
        if decision.waitlist:
            status, waitlisted_at = Enrolment.Status.WAITLISTED, now
        else:
            status, waitlisted_at = Enrolment.Status.CONFIRMED, None
        enrolment = current or Enrolment(session=session, worker=worker)
        enrolment.status = status
        enrolment.waitlisted_at = waitlisted_at
        enrolment.cancelled_at = None
        if current is not None:
            enrolment.enrolled_at = now
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:
            # Only possible without a row lock (SQLite tests): the other submit won.
            return Enrolment.objects.get(session=session, worker=worker)
        if status == Enrolment.Status.CONFIRMED:
            log(enrolment, "courses.enrol", user=by)
            _on_commit(notifications.send_enrolment_confirmed, enrolment.pk)
        else:
            log(enrolment, "courses.waitlist", user=by)
            _on_commit(notifications.send_waitlisted, enrolment.pk)
    return enrolment


def _clash(other: Session | None) -> enrolment_rules.Clash | None:
    if other is None:
        return None
    return enrolment_rules.Clash(other.title, other.start_date, other.end_date)


def _check_actor(*, by, session: Session, worker: Worker) -> bool:
    """Refuse anyone but the worker themself and their staff; return whether ``by`` is staff."""
    staff = _is_staff_for(by, session, worker)
    own = by is not None and by.is_authenticated and worker.user_id == by.pk
    if not (staff or own):
        raise EnrolmentError(_("您无权为该工作者报名。"))
    return staff


def bulk_enrol(*, by, session: Session, workers: Iterable[Worker]) -> BulkEnrolResult:
    """Enrol several workers at once (staff only); each gets a seat, the waitlist or a reason."""
    result = BulkEnrolResult()
    _require_manager(by, session.organizer)
    with transaction.atomic():
        for worker in workers:
            try:
                with transaction.atomic():
                    existing = (
                        Enrolment.objects.filter(session=session, worker=worker)
                        .exclude(status=Enrolment.Status.CANCELLED)
                        .exists()
                    )
                    if existing:
                        result.add(worker, "already")
                        continue
                    enrolment = enrol_worker(by=by, session=session, worker=worker)
            except EnrolmentError as error:
                result.add(worker, "refused", str(error))
                continue
            if enrolment.status == Enrolment.Status.CONFIRMED:
                result.add(worker, "confirmed")
            else:
                result.add(worker, "waitlisted")
    return result


def cancel_enrolment(*, by, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment:
    """Cancel an enrolment; a freed seat goes to the first waitlisted worker, who is told.

    The worker themself or their staff may cancel; ``enrolment_rules.decide_cancellation``
    decides (a worker until the session's cancellation deadline, staff after it too).
    Cancelling twice is harmless.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(enrolment.session)
        enrolment = lock(
            Enrolment.objects.select_related("worker").filter(session=session), enrolment.pk
        )
        worker = enrolment.worker
        staff = _is_staff_for(by, session, worker)
        own = by is not None and by.is_authenticated and worker.user_id == by.pk
        if not (staff or own):
            raise EnrolmentError(_("您无权取消该报名。"))
        if enrolment.status == Enrolment.Status.CANCELLED:
            return enrolment
        decision = enrolment_rules.decide_cancellation(
            selectors.session_facts(session, seats_taken=0),
            completed=enrolment.completed,
            staff=staff,
            now=now,
        )
        if not decision.allowed:
            raise EnrolmentError(decision.reason)
        was_confirmed = enrolment.status == Enrolment.Status.CONFIRMED
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.cancelled_at = now
        enrolment.save(update_fields=["status", "cancelled_at"])
        log(enrolment, "courses.cancel_enrolment", user=by)
        if was_confirmed and session.status not in (
            Session.Status.CANCELLED,
            Session.Status.FINISHED,
        ):
            _promote_waitlisted(session, by=by, now=now)
    return enrolment


def _promote_waitlisted(session: Session, *, by, now: dt.datetime) -> list[Enrolment]:
    """Give free seats to waitlisted workers in waitlist order (session row locked).

    A waitlisted worker who meanwhile took a seat in an overlapping session stays on the
    waitlist and the next one is promoted.
    """
    free = enrolment_rules.seats_left(session.capacity, selectors.seats_taken(session))
    if free == 0:
        return []
    promoted = []
    waiting = (
        Enrolment.objects.filter(session=session, status=Enrolment.Status.WAITLISTED)
        .select_related("worker")
        .order_by("waitlisted_at", "pk")
    )
    for enrolment in waiting:
        if free is not None and len(promoted) >= free:
            break
        if selectors.overlapping_session(session, enrolment.worker) is not None:
            continue
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.save(update_fields=["status"])
        log(enrolment, "courses.promote", user=by)
        _on_commit(notifications.send_promoted, enrolment.pk)
        promoted.append(enrolment)
    return promoted


# Attendance, scores, completion ----------------------------------------------------------------


def _decimal(value, label) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite():
        raise TrainingError(_("%(label)s“%(value)s”不是数字。") % {"label": label, "value": value})
    return number


def _roster(session: Session, ids: Iterable[int]) -> dict[int, Enrolment]:
    """Return the session's confirmed enrolments with these ids; refuse any other id."""
    ids = set(ids)
    found = {
        e.pk: e
        for e in Enrolment.objects.filter(
            pk__in=ids, session=session, status=Enrolment.Status.CONFIRMED
        )
    }
    unknown = ids - set(found)
    if unknown:
        raise TrainingError(
            _("报名记录 %(ids)s 不在本班次的确认名单中。")
            % {"ids": "、".join(str(i) for i in sorted(unknown))}
        )
    return found


def _recompute_credited_hours(*, session: Session, enrolment_ids: Iterable[int] | None = None):
    """Set ``credited_hours`` from the attendance at the session's held meetings."""
    enrolments = Enrolment.objects.filter(session=session)
    if enrolment_ids is not None:
        enrolments = enrolments.filter(pk__in=list(enrolment_ids))
    totals = dict(
        Attendance.objects.filter(enrolment__in=enrolments.values("pk"), meeting__cancelled=False)
        .values("enrolment_id")
        .annotate(total=Sum("hours"))
        .values_list("enrolment_id", "total")
    )
    changed = []
    for enrolment in enrolments.only("pk", "credited_hours"):
        total = totals.get(enrolment.pk) or Decimal(0)
        if enrolment.credited_hours != total:
            enrolment.credited_hours = total
            changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["credited_hours"], batch_size=500)


def record_attendance(*, by, meeting: Meeting, marks: dict[int, int]) -> None:
    """Record attendance at one meeting: enrolment id → ``Attendance.Status``.

    Credited hours follow attendance: present or late earn the meeting's hours, excused or
    absent earn none. Marks replace earlier ones; enrolments not in ``marks`` are unchanged.
    """
    statuses = set(Attendance.Status.values)
    for enrolment_id, status in marks.items():
        if status not in statuses:
            raise TrainingError(
                _("报名记录 %(id)s 的出勤情况“%(status)s”无效。")
                % {"id": enrolment_id, "status": status}
            )
    with transaction.atomic():
        session = _lock_session(meeting.session)
        _require_manager(by, session.organizer)
        meeting = Meeting.objects.get(pk=meeting.pk, session=session)
        if meeting.cancelled:
            raise TrainingError(_("课次已取消，不能登记考勤。"))
        _roster(session, marks)
        rows = [
            Attendance(
                meeting=meeting,
                enrolment_id=enrolment_id,
                status=status,
                hours=meeting.hours if status in CREDITED_STATUSES else Decimal(0),
            )
            for enrolment_id, status in marks.items()
        ]
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["meeting", "enrolment"],
            update_fields=["status", "hours"],
            batch_size=500,
        )
        _recompute_credited_hours(session=session, enrolment_ids=marks)
        log(meeting, "courses.attendance", user=by, data={"count": len(marks)})


def record_scores(*, by, session: Session, scores: dict[int, Decimal]) -> None:
    """Record exam scores: enrolment id → score (None clears it)."""
    cleaned: dict[int, Decimal | None] = {}
    for enrolment_id, value in scores.items():
        if value is None or value == "":
            cleaned[enrolment_id] = None
            continue
        score = _decimal(value, _("成绩"))
        if score < 0 or score > MAX_SCORE:
            raise TrainingError(_("成绩“%(value)s”超出范围。") % {"value": value})
        cleaned[enrolment_id] = score.quantize(Decimal("0.1"))
    with transaction.atomic():
        session = _lock_session(session)
        _require_manager(by, session.organizer)
        roster = _roster(session, cleaned)
        for enrolment_id, score in cleaned.items():
            roster[enrolment_id].score = score
        Enrolment.objects.bulk_update(list(roster.values()), ["score"], batch_size=500)
        log(session, "courses.scores", user=by, data={"count": len(cleaned)})


def decide_completion(*, by, session: Session, today: dt.date) -> int:
    """Decide completion (结业) of every confirmed enrolment by the completion rule.

    Run once the last meeting is over; running again re-decides (after corrected attendance
    or scores). ``completed_on`` is the day the training ended (the last meeting held), so
    the compliance dates do not depend on when staff pressed the button. The session is
    marked finished. Returns how many enrolments are completed.
    """
    with transaction.atomic():
        session = _lock_session(session)
        _require_manager(by, session.organizer)
        if session.status == Session.Status.CANCELLED:
            raise TrainingError(_("班次已取消。"))
        held = Meeting.objects.filter(session=session, cancelled=False)
        last_day = max(held.values_list("date", flat=True), default=None)
        if last_day is None:
            raise TrainingError(_("班次没有课次，无法认定结业。"))
        if today < last_day:
            raise TrainingError(
                _("最后一次课（%(date)s）结束后才能认定结业。") % {"date": last_day}
            )
        scheduled = held.aggregate(total=Sum("hours"))["total"] or Decimal(0)
        percent = policy_for(session.organizer).completion_attendance_percent
        course = session.course
        enrolments = list(
            Enrolment.objects.filter(session=session, status=Enrolment.Status.CONFIRMED)
        )
        completed = 0
        for enrolment in enrolments:
            decision = completion.decide_completion(
                scheduled_hours=scheduled,
                credited_hours=enrolment.credited_hours,
                attendance_percent=percent,
                training_type=course.training_type,
                pass_score=course.pass_score,
                score=enrolment.score,
            )
            enrolment.completed = decision.completed
            enrolment.completed_on = last_day if decision.completed else None
            completed += decision.completed
        Enrolment.objects.bulk_update(enrolments, ["completed", "completed_on"], batch_size=500)
        # Cancelled or waitlisted enrolments never count as completed.
        Enrolment.objects.filter(session=session).exclude(status=Enrolment.Status.CONFIRMED).filter(
            completed=True
        ).update(completed=False, completed_on=None)
        if session.status != Session.Status.FINISHED:
            session.status = Session.Status.FINISHED
            session.save(update_fields=["status"])
        log(
            session,
            "courses.completion",
            user=by,
            data={"completed": completed, "confirmed": len(enrolments)},
        )
    return completed


# Calendar feeds --------------------------------------------------------------------------------


def feed_for(user) -> CalendarFeed:
    """Return the user's calendar subscription, creating it on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def reset_feed_token(*, user) -> CalendarFeed:
    """Give the user's calendar subscription a new secret address; the old one stops working."""
    with transaction.atomic():
        feed = feed_for(user)
        feed = lock(CalendarFeed, feed.pk)
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
        log(feed, "courses.reset_feed", user=user)
    return feed
