"""Every change to mentoring: mentors, pairings, extensions, goals, meeting logs and reviews.

Each service checks who acts (``by``) before it changes anything, runs in one transaction,
writes an audit entry and sends its emails after commit. Limits (a mentor's load, one active
pairing of each kind per apprentice) are decided under a lock on the mentor's row
(``lms.locking``), so two staff filling a mentor's last place at once never both succeed.
A refusal is a ``MentorshipError`` whose message is shown to the user.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from certificates import services as certificate_services
from certificates.models import Certificate, CertificateKind
from courses.compliance import format_hours
from lms.errors import DomainError
from lms.locking import lock
from workforce.models import Worker
from workforce.permissions import can_manage
from workforce.selectors import policy_for

from . import notifications, rules, selectors
from .choices import Competence, Expertise, Kind, MeetingForm
from .models import Extension, Goal, MeetingLog, Mentor, Pairing, Review
from .permissions import APPRENTICE, MENTOR, can_supervise, side_of


class MentorshipError(DomainError):
    """A mentoring change the rules refuse; the message is shown to the user."""


LOG_ACTIONS = {
    "mentorship.propose": gettext_lazy("安排结对"),
    "mentorship.accept": gettext_lazy("确认结对"),
    "mentorship.decline": gettext_lazy("婉拒结对"),
    "mentorship.dissolve": gettext_lazy("解除结对"),
    "mentorship.complete": gettext_lazy("完成结对"),
    "mentorship.extension": gettext_lazy("申请延期"),
    "mentorship.extension_answer": gettext_lazy("答复延期申请"),
    "mentorship.log": gettext_lazy("填写带教记录"),
    "mentorship.log_answer": gettext_lazy("确认或异议带教记录"),
    "mentorship.review": gettext_lazy("提交带教评价"),
    "mentorship.goal": gettext_lazy("更新带教目标"),
    "mentorship.certify": gettext_lazy("颁发导师带徒证书"),
    "mentorship.reminder": gettext_lazy("发送带教提醒邮件"),
}

MENTOR_FIELDS = frozenset(
    {"name", "title", "expertise", "bio", "experience_since", "load_limit", "active"}
)


def _on_commit(func, *args, **kwargs) -> None:
    transaction.on_commit(partial(func, *args, **kwargs))


def _require(decision: rules.Decision) -> None:
    if not decision:
        raise MentorshipError(decision.reason)


def _require_staff(by, pairing: Pairing) -> None:
    if by is None or not can_supervise(by, pairing):
        raise MentorshipError(_("您无权管理该结对。"))


def _require_side(by, pairing: Pairing, *sides: str) -> str:
    side = side_of(by, pairing) if by is not None else None
    if side is None or side not in sides:
        raise MentorshipError(_("只有结对双方可以这样做。"))
    return side


def _lock_pairing(pairing: Pairing) -> Pairing:
    return lock(Pairing.objects.select_related("mentor", "apprentice", "federation"), pairing.pk)


def _clean_expertise(tags) -> list[str]:
    known = set(Expertise.values)
    unknown = [tag for tag in tags if tag not in known]
    if unknown:
        raise MentorshipError(_("未知的专长：%(tags)s。") % {"tags": "、".join(unknown)})
    return list(dict.fromkeys(tags))


# Mentors ----------------------------------------------------------------------------------------


def register_mentor(
    *,
    by,
    federation,
    user=None,
    worker: Worker | None = None,
    name: str = "",
    title: str = "",
    expertise=(),
    bio: str = "",
    experience_since: dt.date | None = None,
    load_limit: int | None = None,
) -> Mentor:
    """Register a mentor from a user account or from a worker (whose account is used)."""
    if by is None or not can_manage(by, federation):
        raise MentorshipError(_("您无权管理“%(name)s”的导师。") % {"name": federation.name})
    if worker is not None:
        if not can_manage(by, worker.federation):
            raise MentorshipError(_("您无权管理该工作者。"))
        if not worker.user_id:
            raise MentorshipError(_("该工作者没有登录账号。"))
        user, name = worker.user, name or worker.name
        experience_since = experience_since or worker.hire_date
    if user is None:
        raise MentorshipError(_("请选择导师的账号或社会化工会工作者。"))
    name = name or user.get_full_name() or user.get_username()
    with transaction.atomic():
        if Mentor.objects.filter(user=user).exists():
            raise MentorshipError(_("%(name)s 已经是导师。") % {"name": name})
        mentor = Mentor.objects.create(
            user=user,
            worker=worker,
            federation=federation,
            name=name,
            title=title,
            expertise=_clean_expertise(expertise),
            bio=bio,
            experience_since=experience_since,
            load_limit=load_limit,
        )
        log(mentor, "wagtail.create", user=by)
    return mentor


def update_mentor(*, by, mentor: Mentor, **fields) -> Mentor:
    """Change a mentor's profile: names, expertise, bio, load limit, or pause them."""
    unknown = set(fields) - MENTOR_FIELDS
    if unknown:
        raise TypeError(f"update_mentor() cannot change {sorted(unknown)}")
    if by is None or not can_manage(by, mentor.federation):
        raise MentorshipError(_("您无权管理该导师。"))
    if "expertise" in fields:
        fields["expertise"] = _clean_expertise(fields["expertise"])
    with transaction.atomic():
        mentor = lock(Mentor, mentor.pk)
        for name, value in fields.items():
            setattr(mentor, name, value)
        mentor.save()
        log(mentor, "wagtail.edit", user=by)
    return mentor


# Pairings ---------------------------------------------------------------------------------------


def _start_facts(
    mentor: Mentor, apprentice: Worker, kind: str, months: int, *, proposing: bool
) -> rules.PairingFacts:
    """Gather what ``rules.may_start`` needs; call it with the mentor's row locked."""
    policy = policy_for(mentor.federation)
    active = Pairing.objects.active()
    holding = Pairing.objects.filter(
        status__in=[Pairing.Status.ACTIVE, Pairing.Status.PROPOSED]
        if proposing
        else [Pairing.Status.ACTIVE]
    )
    return rules.PairingFacts(
        peer=kind == Kind.PEER,
        mentor_active=mentor.active,
        mentor_worker_id=mentor.worker_id,
        apprentice_id=apprentice.pk,
        apprentice_active=apprentice.status == Worker.Status.ACTIVE,
        mentor_load=holding.filter(mentor=mentor).count(),
        load_limit=mentor.load_limit if mentor.load_limit is not None else policy.mentor_load_limit,
        apprentice_has_active_of_kind=active.filter(apprentice=apprentice, kind=kind).exists(),
        months=months,
    )


def propose_pairing(
    *,
    by,
    mentor: Mentor,
    apprentice: Worker,
    kind: str,
    start: dt.date,
    months: int | None = None,
    note: str = "",
) -> Pairing:
    """Propose a pairing (staff of the apprentice's federation); the mentor accepts or declines."""
    if kind not in Kind.values:
        raise MentorshipError(_("请选择结对方式。"))
    if by is None or not can_manage(by, apprentice.federation):
        raise MentorshipError(_("您无权为该工作者安排结对。"))
    months = months or policy_for(apprentice.federation).mentor_term_months
    with transaction.atomic():
        mentor = lock(Mentor.objects.select_related("federation"), mentor.pk)
        _require(rules.may_start(_start_facts(mentor, apprentice, kind, months, proposing=True)))
        if Pairing.objects.filter(
            mentor=mentor, apprentice=apprentice, kind=kind, status=Pairing.Status.PROPOSED
        ).exists():
            raise MentorshipError(_("已有相同的待确认结对。"))
        pairing = Pairing.objects.create(
            kind=kind,
            mentor=mentor,
            apprentice=apprentice,
            federation=apprentice.federation,
            start_date=start,
            term_months=months,
            end_date=rules.term_end(start, months),
            note=note,
            proposed_by=by,
        )
        log(pairing, "mentorship.propose", user=by)
        _on_commit(notifications.send_pairing_event, pairing.pk, "proposed")
    return pairing


def accept_pairing(*, by, pairing: Pairing, today: dt.date | None = None) -> Pairing:
    """Accept a proposed pairing (the mentor): it becomes active if the limits still allow."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # The mentor's row holds the load limit: lock it first, then the pairing.
        mentor = lock(Mentor.objects.select_related("federation"), pairing.mentor_id)
        pairing = _lock_pairing(pairing)
        _require_side(by, pairing, MENTOR)
        if pairing.status != Pairing.Status.PROPOSED:
            raise MentorshipError(_("该结对不在待确认状态。"))
        facts = _start_facts(
            mentor, pairing.apprentice, pairing.kind, pairing.term_months, proposing=False
        )
        _require(rules.may_start(facts))
        pairing.status = Pairing.Status.ACTIVE
        pairing.accepted_on = today
        try:
            with transaction.atomic():
                pairing.save(update_fields=["status", "accepted_on"])
        except IntegrityError:
            # Another kind-mate became active between the check and the save.
            raise MentorshipError(_("该工作者已有进行中的同类结对。")) from None
        log(pairing, "mentorship.accept", user=by)
        _on_commit(notifications.send_pairing_event, pairing.pk, "accepted")
    return pairing


def decline_pairing(*, by, pairing: Pairing, reason: str) -> Pairing:
    """Decline a proposed pairing (the mentor), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise MentorshipError(_("请填写原因。"))
    with transaction.atomic():
        pairing = _lock_pairing(pairing)
        _require_side(by, pairing, MENTOR)
        if pairing.status != Pairing.Status.PROPOSED:
            raise MentorshipError(_("该结对不在待确认状态。"))
        pairing.status, pairing.end_reason = Pairing.Status.DECLINED, reason
        pairing.ended_on = timezone.localdate()
        pairing.save(update_fields=["status", "end_reason", "ended_on"])
        log(pairing, "mentorship.decline", user=by, data={"reason": reason})
        _on_commit(notifications.send_pairing_event, pairing.pk, "declined")
    return pairing


def dissolve_pairing(*, by, pairing: Pairing, reason: str, today: dt.date | None = None):
    """Dissolve a proposed or active pairing (either side or staff), with a reason.

    Planned meetings are cancelled, so they leave both calendars.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MentorshipError(_("请填写原因。"))
    with transaction.atomic():
        pairing = _lock_pairing(pairing)
        if side_of(by, pairing) is None:
            _require_staff(by, pairing)
        if not pairing.is_open:
            raise MentorshipError(_("该结对已结束。"))
        pairing.status, pairing.end_reason = Pairing.Status.DISSOLVED, reason
        pairing.ended_on = today or timezone.localdate()
        pairing.save(update_fields=["status", "end_reason", "ended_on"])
        _cancel_planned(pairing)
        log(pairing, "mentorship.dissolve", user=by, data={"reason": reason})
        _on_commit(notifications.send_pairing_event, pairing.pk, "dissolved")
    return pairing


def _cancel_planned(pairing: Pairing) -> None:
    for entry in pairing.logs.filter(status=MeetingLog.Status.PLANNED):
        entry.status, entry.sequence = MeetingLog.Status.CANCELLED, entry.sequence + 1
        entry.save(update_fields=["status", "sequence"])


def complete_pairing(*, by, pairing: Pairing, today: dt.date | None = None) -> Pairing:
    """Complete an active pairing (staff sign-off) once both final reviews are in."""
    today = today or timezone.localdate()
    with transaction.atomic():
        pairing = _lock_pairing(pairing)
        _require_staff(by, pairing)
        if pairing.status != Pairing.Status.ACTIVE:
            raise MentorshipError(_("只有进行中的结对可以完成。"))
        finals = set(
            pairing.reviews.filter(stage=Review.Stage.FINAL).values_list("side", flat=True)
        )
        _require(rules.may_complete(final_reviews=finals, today=today, start=pairing.start_date))
        pairing.status, pairing.ended_on, pairing.signed_off_by = (
            Pairing.Status.COMPLETED,
            today,
            by,
        )
        pairing.save(update_fields=["status", "ended_on", "signed_off_by"])
        _cancel_planned(pairing)
        log(pairing, "mentorship.complete", user=by)
        _on_commit(notifications.send_pairing_event, pairing.pk, "completed")
    return pairing


# Extensions -------------------------------------------------------------------------------------


def request_extension(*, by, pairing: Pairing, months: int, reason: str) -> Extension:
    """Ask to extend an active pairing's term; the other side and staff must agree."""
    reason = (reason or "").strip()
    if not reason:
        raise MentorshipError(_("请填写延期理由。"))
    if months < 1:
        raise MentorshipError(_("延长月数须至少为 1。"))
    with transaction.atomic():
        pairing = _lock_pairing(pairing)
        _require_side(by, pairing, MENTOR, APPRENTICE)
        if pairing.status != Pairing.Status.ACTIVE:
            raise MentorshipError(_("只有进行中的结对可以延期。"))
        _require(rules.check_term(pairing.term_months + months))
        if pairing.extensions.filter(status=Extension.Status.PENDING).exists():
            raise MentorshipError(_("已有待确认的延期申请。"))
        extension = Extension.objects.create(
            pairing=pairing, months=months, reason=reason, requested_by=by
        )
        log(pairing, "mentorship.extension", user=by, data={"months": months, "reason": reason})
        _on_commit(notifications.send_pairing_event, pairing.pk, "extension")
    return extension


def answer_extension(*, by, extension: Extension, agree: bool) -> Extension:
    """Agree to or refuse an extension: as the other side, or as staff. Both agreeing extends
    the term; either refusing ends the request."""
    with transaction.atomic():
        pairing = _lock_pairing(extension.pairing)
        extension = lock(Extension, extension.pk)
        if extension.status != Extension.Status.PENDING:
            raise MentorshipError(_("该延期申请已处理。"))
        side = side_of(by, pairing)
        if side is not None and extension.requested_by_id != by.pk:
            extension.other_side_agreed = agree
        elif can_supervise(by, pairing):
            extension.staff_agreed = agree
        else:
            raise MentorshipError(_("只有结对的另一方或工作人员可以答复延期申请。"))
        if not agree:
            extension.status = Extension.Status.REFUSED
        elif extension.other_side_agreed and extension.staff_agreed:
            extension.status = Extension.Status.ACCEPTED
            pairing.term_months += extension.months
            pairing.end_date = rules.term_end(pairing.start_date, pairing.term_months)
            pairing.flagged_on = None
            pairing.save(update_fields=["term_months", "end_date", "flagged_on"])
        extension.save()
        log(pairing, "mentorship.extension_answer", user=by, data={"agree": agree})
    return extension


# Goals ------------------------------------------------------------------------------------------


def _percent(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise MentorshipError(_("进度须是 0 到 100 之间的整数。")) from None
    if not 0 <= value <= 100:
        raise MentorshipError(_("进度须是 0 到 100 之间的整数。"))
    return value


def _open_pairing(pairing: Pairing) -> Pairing:
    pairing = _lock_pairing(pairing)
    if not pairing.is_open:
        raise MentorshipError(_("该结对已结束。"))
    return pairing


def add_goal(
    *, by, pairing: Pairing, title: str, target_date: dt.date, area: str = "", gap: str = ""
) -> Goal:
    """Add a goal to a pairing (the apprentice sets goals)."""
    title = (title or "").strip()
    if not title:
        raise MentorshipError(_("请填写目标。"))
    if area and area not in Expertise.values:
        raise MentorshipError(_("未知的领域。"))
    with transaction.atomic():
        pairing = _open_pairing(pairing)
        _require_side(by, pairing, APPRENTICE)
        if gap and pairing.goals.filter(gap=gap).exists():
            raise MentorshipError(_("已有针对该差距的目标。"))
        goal = Goal.objects.create(
            pairing=pairing, title=title, target_date=target_date, area=area, gap=gap
        )
        log(pairing, "mentorship.goal", user=by, data={"goal": title})
    return goal


def goals_from_gaps(*, by, pairing: Pairing, today: dt.date) -> list[Goal]:
    """Add a goal for each of the apprentice's gaps (missing compliance requirements or
    qualification) that has none yet; return the goals added."""
    gaps = selectors.gaps_of(pairing.apprentice, today=today)
    with transaction.atomic():
        pairing = _open_pairing(pairing)
        _require_side(by, pairing, APPRENTICE)
        have = set(pairing.goals.exclude(gap="").values_list("gap", flat=True))
        added = [
            Goal.objects.create(
                pairing=pairing,
                title=gap.title,
                target_date=min(gap.due, pairing.end_date),
                area=gap.area,
                gap=gap.key,
            )
            for gap in gaps
            if gap.key not in have
        ]
        if added:
            log(pairing, "mentorship.goal", user=by, data={"goals": [g.title for g in added]})
    return added


def report_progress(*, by, goal: Goal, progress, note: str = "") -> Goal:
    """Record a goal's progress (0-100%) with a comment (the apprentice)."""
    progress = _percent(progress)
    with transaction.atomic():
        pairing = _open_pairing(goal.pairing)
        _require_side(by, pairing, APPRENTICE)
        goal = lock(Goal, goal.pk)
        goal.progress, goal.progress_note = progress, (note or "").strip()
        goal.save(update_fields=["progress", "progress_note"])
        log(pairing, "mentorship.goal", user=by, data={"goal": goal.title, "progress": progress})
    return goal


def assess_goal(*, by, goal: Goal, assessment: str) -> Goal:
    """Write the mentor's assessment of a goal."""
    with transaction.atomic():
        pairing = _open_pairing(goal.pairing)
        _require_side(by, pairing, MENTOR)
        goal = lock(Goal, goal.pk)
        goal.assessment = (assessment or "").strip()
        goal.save(update_fields=["assessment"])
        log(pairing, "mentorship.goal", user=by, data={"goal": goal.title, "assessed": True})
    return goal


# Meeting logs -----------------------------------------------------------------------------------


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise MentorshipError(_("时长须是数字。")) from None
    if not Decimal(0) < hours <= Decimal(24):
        raise MentorshipError(_("时长须大于 0 且不超过 24 小时。"))
    return hours


def log_meeting(
    *,
    by,
    pairing: Pairing,
    date: dt.date,
    hours,
    form: str,
    topic: str,
    notes: str = "",
    start_time: dt.time | None = None,
    today: dt.date | None = None,
) -> MeetingLog:
    """Write a meeting log (either side): planned when in the future, otherwise awaiting the
    other side's confirmation."""
    today = today or timezone.localdate()
    hours = _hours(hours)
    topic = (topic or "").strip()
    if not topic:
        raise MentorshipError(_("请填写主题。"))
    if form not in MeetingForm.values:
        raise MentorshipError(_("请选择带教形式。"))
    with transaction.atomic():
        pairing = _lock_pairing(pairing)
        _require_side(by, pairing, MENTOR, APPRENTICE)
        if pairing.status != Pairing.Status.ACTIVE:
            raise MentorshipError(_("只有进行中的结对可以填写带教记录。"))
        if date < pairing.start_date:
            raise MentorshipError(_("日期早于结对开始日期。"))
        status = MeetingLog.Status.PLANNED if date > today else MeetingLog.Status.AWAITING
        entry = MeetingLog.objects.create(
            pairing=pairing,
            date=date,
            start_time=start_time,
            hours=hours,
            form=form,
            topic=topic,
            notes=notes,
            status=status,
            written_by=by,
        )
        log(pairing, "mentorship.log", user=by, data={"date": date.isoformat(), "topic": topic})
        if status == MeetingLog.Status.AWAITING:
            _on_commit(notifications.send_log_awaiting, entry.pk)
    return entry


def confirm_log(*, by, entry: MeetingLog, today: dt.date | None = None) -> MeetingLog:
    """Confirm (co-sign) a meeting log written by the other side, once its day has come."""
    today = today or timezone.localdate()
    with transaction.atomic():
        pairing = _lock_pairing(entry.pairing)
        _require_side(by, pairing, MENTOR, APPRENTICE)
        entry = lock(MeetingLog, entry.pk)
        if entry.written_by_id == by.pk:
            raise MentorshipError(_("带教记录须由另一方确认。"))
        if entry.status not in (MeetingLog.Status.AWAITING, MeetingLog.Status.PLANNED):
            raise MentorshipError(_("该记录不在待确认状态。"))
        if entry.date > today:
            raise MentorshipError(_("计划中的带教尚未发生，不能确认。"))
        entry.status, entry.answered_by, entry.answered_at = (
            MeetingLog.Status.CONFIRMED,
            by,
            timezone.now(),
        )
        entry.save(update_fields=["status", "answered_by", "answered_at"])
        log(pairing, "mentorship.log_answer", user=by, data={"date": entry.date.isoformat()})
    return entry


def dispute_log(*, by, entry: MeetingLog, reason: str) -> MeetingLog:
    """Dispute a meeting log (either side), with a reason; it does not count."""
    reason = (reason or "").strip()
    if not reason:
        raise MentorshipError(_("请填写异议理由。"))
    with transaction.atomic():
        pairing = _lock_pairing(entry.pairing)
        _require_side(by, pairing, MENTOR, APPRENTICE)
        entry = lock(MeetingLog, entry.pk)
        if entry.status in (MeetingLog.Status.CANCELLED, MeetingLog.Status.DISPUTED):
            raise MentorshipError(_("该记录已取消或已有异议。"))
        entry.status, entry.dispute_reason = MeetingLog.Status.DISPUTED, reason
        entry.answered_by, entry.answered_at = by, timezone.now()
        entry.sequence += 1
        entry.save(
            update_fields=["status", "dispute_reason", "answered_by", "answered_at", "sequence"]
        )
        log(pairing, "mentorship.log_answer", user=by, data={"disputed": reason})
    return entry


def cancel_log(*, by, entry: MeetingLog) -> MeetingLog:
    """Cancel a planned or unconfirmed meeting log (its writer); it leaves the calendars."""
    with transaction.atomic():
        pairing = _lock_pairing(entry.pairing)
        entry = lock(MeetingLog, entry.pk)
        if by is None or entry.written_by_id != by.pk:
            raise MentorshipError(_("只有填写人可以取消该记录。"))
        if entry.status not in (MeetingLog.Status.PLANNED, MeetingLog.Status.AWAITING):
            raise MentorshipError(_("已确认或已有异议的记录不能取消。"))
        entry.status, entry.sequence = MeetingLog.Status.CANCELLED, entry.sequence + 1
        entry.save(update_fields=["status", "sequence"])
        log(pairing, "mentorship.log", user=by, data={"cancelled": entry.date.isoformat()})
    return entry


# Reviews ----------------------------------------------------------------------------------------


def _rating(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise MentorshipError(_("评分须是 1 到 5 之间的整数。")) from None
    if not 1 <= value <= 5:
        raise MentorshipError(_("评分须是 1 到 5 之间的整数。"))
    return value


def submit_review(
    *, by, pairing: Pairing, stage: str, rating, competences=None, comment: str = ""
) -> Review:
    """Submit one side's mid-term or final review. The mentor also rates each competence."""
    if stage not in Review.Stage.values:
        raise MentorshipError(_("未知的评价阶段。"))
    rating = _rating(rating)
    with transaction.atomic():
        pairing = _lock_pairing(pairing)
        side = _require_side(by, pairing, MENTOR, APPRENTICE)
        if pairing.status != Pairing.Status.ACTIVE:
            raise MentorshipError(_("只有进行中的结对可以评价。"))
        scores = {}
        if side == MENTOR:
            competences = competences or {}
            missing = [str(label) for key, label in Competence.choices if key not in competences]
            if missing:
                raise MentorshipError(
                    _("请为每项能力评分：%(names)s。") % {"names": "、".join(missing)}
                )
            scores = {key: _rating(competences[key]) for key in Competence.values}
        if pairing.reviews.filter(stage=stage, side=side).exists():
            raise MentorshipError(_("您已提交过该阶段的评价。"))
        review = Review.objects.create(
            pairing=pairing,
            stage=stage,
            side=side,
            rating=rating,
            competences=scores,
            comment=(comment or "").strip(),
            author=by,
        )
        log(pairing, "mentorship.review", user=by, data={"stage": stage, "side": side})
    return review


# Certificates -----------------------------------------------------------------------------------

CERTIFICATE_KIND = "mentoring"  # the 导师带徒 kind (certificates/migrations/0004)


def pairing_subject_key(pairing: Pairing) -> str:
    """Return how the certificates app names a pairing (one certificate per pairing)."""
    return f"mentorship.pairing:{pairing.pk}"


def certify_pairing(*, by, pairing: Pairing, on: dt.date | None = None) -> Certificate:
    """Issue the 导师带徒 certificate of a completed 高师带徒 pairing to the apprentice (staff
    of the pairing's federation), or return the one already issued.

    The certificate names the mentor, the term (start to completion) and the confirmed
    meeting hours; the pairing's federation issues it, with its serial numbers.
    """
    with transaction.atomic():
        pairing = _lock_pairing(pairing)
        _require_staff(by, pairing)
        if pairing.kind != Kind.APPRENTICE:
            raise MentorshipError(_("只有高师带徒结对可以颁发导师带徒证书。"))
        if pairing.status != Pairing.Status.COMPLETED:
            raise MentorshipError(_("只有已完成的结对可以颁发证书。"))
        key = pairing_subject_key(pairing)
        kind = CertificateKind.objects.get(code=CERTIFICATE_KIND)
        issued_before = Certificate.objects.filter(kind=kind, subject_key=key).exists()
        hours = sum(
            pairing.logs.filter(status=MeetingLog.Status.CONFIRMED).values_list("hours", flat=True),
            Decimal(0),
        )
        end = pairing.ended_on or pairing.end_date
        try:
            certificate = certificate_services.issue_for_subject(
                by=by,
                kind=kind,
                holder=pairing.apprentice,
                federation=pairing.federation,
                subject_key=key,
                subject=_("高师带徒：导师 %(mentor)s，%(start)s 至 %(end)s")
                % {
                    "mentor": pairing.mentor.name,
                    "start": pairing.start_date.isoformat(),
                    "end": end.isoformat(),
                },
                fields={
                    "mentor": pairing.mentor.name,
                    "start": pairing.start_date.isoformat(),
                    "end": end.isoformat(),
                    "hours": format_hours(hours),
                },
                on=on,
            )
        except certificate_services.CertificateError as error:
            raise MentorshipError(str(error)) from None
        if not issued_before:
            log(pairing, "mentorship.certify", user=by, data={"serial": certificate.serial})
    return certificate
