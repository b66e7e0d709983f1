"""Every change to social evaluation: cycles, kinds and questionnaires, invitations, answers,
scores and grades.

Staff services check who acts (``by``) before changing anything; the two public services
(``open_poster_entry``, ``submit_answer``) take a token instead of a user and never learn who
answers. Each runs in one transaction and writes an audit entry (the public ones do not: an
entry would tie an answer to a time). A token is spent under a lock on its row, so a double
submit stores one answer; grades are confirmed under a lock on the cycle. A refusal is an
``EvaluationError`` whose message is shown to the user.
"""

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from lms.errors import DomainError
from lms.locking import lock
from workforce.models import Federation, Worker
from workforce.permissions import can_manage
from workforce.selectors import policy_for

from . import rules, selectors
from .choices import DEFAULT_KINDS, LEVELS, Channel, Grade, Scale, State
from .models import Answer, Assessment, Cycle, Invitation, Item, Kind, Poster
from .permissions import can_run


class EvaluationError(DomainError):
    """An evaluation change the rules refuse; the message is shown to the user."""


LOG_ACTIONS = {
    "evaluation.kinds": gettext_lazy("修改评估主体与权重"),
    "evaluation.items": gettext_lazy("修改评价问卷"),
    "evaluation.collect": gettext_lazy("开始收集评价"),
    "evaluation.invite": gettext_lazy("发放评价邀请"),
    "evaluation.revoke": gettext_lazy("作废评价邀请"),
    "evaluation.send": gettext_lazy("发送评价邀请邮件"),
    "evaluation.staff_score": gettext_lazy("录入内部考核得分"),
    "evaluation.close": gettext_lazy("结束收集并计算得分"),
    "evaluation.grade": gettext_lazy("调整考核等次"),
    "evaluation.confirm": gettext_lazy("确认考核等次"),
}

CYCLE_FIELDS = frozenset(
    {
        "name",
        "opens_on",
        "closes_on",
        "label_set",
        "excellent_min",
        "pass_min",
        "basic_min",
        "excellent_share_percent",
    }
)
LEVEL_SCORES = frozenset(score for score, _label in LEVELS)


def _require(decision) -> None:
    if not decision:
        raise EvaluationError(decision.reason)


def _require_staff(by, cycle: Cycle) -> None:
    if not can_run(by, cycle):
        raise EvaluationError(_("您无权管理该考核周期。"))


def _require_state(cycle: Cycle, *states: State) -> None:
    if cycle.state not in states:
        raise EvaluationError(
            _("考核周期处于“%(state)s”状态，不能这样做。") % {"state": cycle.get_state_display()}
        )


def _new_code() -> str:
    return secrets.token_urlsafe(16)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Cycles -----------------------------------------------------------------------------------------


def create_cycle(
    *, by, federation: Federation, year: int, opens_on: dt.date, closes_on: dt.date, name: str = ""
) -> Cycle:
    """Open a draft cycle covering the active workers ``federation`` hired before ``opens_on``.

    Kinds and questionnaires are copied from the federation's latest cycle, or else from the
    policy's defaults (用人单位 40, 服务企业 30, 服务对象 30); bands and the 优秀 share from the
    federation's policy. All stay editable while the cycle is a draft.
    """
    if by is None or not can_manage(by, federation):
        raise EvaluationError(_("您无权管理该总工会。"))
    if opens_on > closes_on:
        raise EvaluationError(_("截止日期不能早于开始日期。"))
    policy = policy_for(federation)
    previous = (
        Cycle.objects.filter(federation=federation)
        .order_by("-year")
        .prefetch_related("kinds__items")
        .first()
    )
    try:
        with transaction.atomic():
            cycle = Cycle.objects.create(
                federation=federation,
                year=year,
                name=name or _("%(year)d年度社会化工会工作者满意度评估") % {"year": year},
                opens_on=opens_on,
                closes_on=closes_on,
                label_set=previous.label_set
                if previous
                else Cycle._meta.get_field("label_set").default,
                excellent_min=policy.grade_excellent_min,
                pass_min=policy.grade_pass_min,
                basic_min=policy.grade_basic_min,
                excellent_share_percent=min(
                    policy.excellent_share_percent, rules.MAX_EXCELLENT_PERCENT
                ),
                created_by=by,
            )
            _copy_kinds(cycle, previous)
            covered = Worker.objects.active().filter(federation=federation, hire_date__lt=opens_on)
            Assessment.objects.bulk_create(
                Assessment(cycle=cycle, worker=w) for w in covered.only("pk")
            )
            log(cycle, "wagtail.create", user=by)
    except IntegrityError:
        raise EvaluationError(
            _("%(federation)s 已有 %(year)d 年度的考核周期。")
            % {"federation": federation, "year": year}
        ) from None
    return cycle


def _copy_kinds(cycle: Cycle, previous: Cycle | None) -> None:
    if previous is not None:
        specs = [
            (
                k.name,
                k.weight,
                k.min_answers,
                k.channel,
                [(i.text, i.weight, i.scale) for i in k.items.all()],
            )
            for k in previous.kinds.all()
        ]
    else:
        specs = [
            (
                str(name),
                weight,
                minimum,
                channel,
                [(str(text), w, Scale.LEVELS) for text, w in items],
            )
            for name, weight, minimum, channel, items in DEFAULT_KINDS
        ]
    for order, (name, weight, minimum, channel, items) in enumerate(specs):
        kind = Kind.objects.create(
            cycle=cycle, name=name, weight=weight, min_answers=minimum, channel=channel, order=order
        )
        Item.objects.bulk_create(
            Item(kind=kind, text=text, weight=w, scale=scale, order=n)
            for n, (text, w, scale) in enumerate(items)
        )


def update_cycle(*, by, cycle: Cycle, **fields) -> Cycle:
    """Change a draft cycle's name, dates, label set, bands or 优秀 share."""
    unknown = set(fields) - CYCLE_FIELDS
    if unknown:
        raise TypeError(f"update_cycle() cannot change {sorted(unknown)}")
    _require_staff(by, cycle)
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        if set(fields) - {"name", "closes_on"}:
            _require_state(cycle, State.DRAFT)
        else:
            _require_state(cycle, State.DRAFT, State.COLLECTING)
        for name, value in fields.items():
            setattr(cycle, name, value)
        _require(rules.check_bands(selectors.bands_of(cycle)))
        if cycle.opens_on > cycle.closes_on:
            raise EvaluationError(_("截止日期不能早于开始日期。"))
        if cycle.excellent_share_percent > rules.MAX_EXCELLENT_PERCENT:
            raise EvaluationError(_("优秀比例上限不能超过 20%。"))
        cycle.save()
        log(cycle, "wagtail.edit", user=by)
    return cycle


@dataclass(frozen=True)
class KindSpec:
    """A kind of evaluator as the kinds screen submits it (``pk`` None: a new kind)."""

    name: str
    weight: int
    min_answers: int
    channel: str
    pk: int | None = None


def set_kinds(*, by, cycle: Cycle, kinds: Sequence[KindSpec]) -> list[Kind]:
    """Replace a draft cycle's kinds: keep, change, add, and delete those not listed.

    The weights must add up to 100; otherwise nothing is saved.
    """
    _require_staff(by, cycle)
    _require(rules.check_weights(spec.weight for spec in kinds))
    names = [spec.name.strip() for spec in kinds]
    if len(set(names)) != len(names):
        raise EvaluationError(_("评估主体名称不能重复。"))
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.DRAFT)
        existing = {kind.pk: kind for kind in cycle.kinds.all()}
        keep = {spec.pk for spec in kinds if spec.pk in existing}
        Kind.objects.filter(cycle=cycle).exclude(pk__in=keep).delete()
        # Free the names first, so two kinds may swap names.
        kept = [existing[pk] for pk in keep]
        for kind in kept:
            kind.name = f"~{kind.pk}"
        Kind.objects.bulk_update(kept, ["name"])
        saved = []
        for order, (spec, name) in enumerate(zip(kinds, names, strict=True)):
            kind = existing.get(spec.pk) or Kind(cycle=cycle)
            kind.name, kind.weight, kind.min_answers = name, spec.weight, spec.min_answers
            kind.channel, kind.order = spec.channel, order
            kind.save()
            saved.append(kind)
        log(cycle, "evaluation.kinds", user=by, data={"weights": {k.name: k.weight for k in saved}})
    return saved


@dataclass(frozen=True)
class ItemSpec:
    text: str
    weight: int
    scale: str
    pk: int | None = None


def set_items(*, by, kind: Kind, items: Sequence[ItemSpec]) -> list[Item]:
    """Replace a kind's questionnaire while its cycle is a draft; frozen once collecting."""
    cycle = kind.cycle
    _require_staff(by, cycle)
    if kind.public and not items:
        raise EvaluationError(_("问卷至少需要一个评价项目。"))
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.DRAFT)
        existing = {item.pk: item for item in kind.items.all()}
        keep = {spec.pk for spec in items if spec.pk in existing}
        kind.items.exclude(pk__in=keep).delete()
        saved = []
        for order, spec in enumerate(items):
            item = existing.get(spec.pk) or Item(kind=kind)
            item.text, item.weight, item.scale, item.order = (
                spec.text.strip(),
                spec.weight,
                spec.scale,
                order,
            )
            item.save()
            saved.append(item)
        log(cycle, "evaluation.items", user=by, data={"kind": kind.name, "items": len(saved)})
    return saved


def start_collecting(*, by, cycle: Cycle) -> Cycle:
    """Freeze kinds and questionnaires, print a poster for each worker and POSTER kind, open.

    Refused while the weights do not add up to 100, a public kind has no item or the cycle
    covers nobody.
    """
    _require_staff(by, cycle)
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.DRAFT)
        kinds = list(cycle.kinds.prefetch_related("items"))
        _require(rules.check_weights(kind.weight for kind in kinds))
        empty = [kind.name for kind in kinds if kind.public and not kind.items.all()]
        if empty:
            raise EvaluationError(
                _("问卷还没有评价项目：%(kinds)s。") % {"kinds": "、".join(empty)}
            )
        assessments = list(cycle.assessments.values_list("pk", flat=True))
        if not assessments:
            raise EvaluationError(_("该考核周期没有覆盖任何社会化工会工作者。"))
        Poster.objects.bulk_create(
            Poster(kind=kind, assessment_id=pk, code=_new_code())
            for kind in kinds
            if kind.channel == Channel.POSTER
            for pk in assessments
        )
        cycle.state = State.COLLECTING
        cycle.save(update_fields=["state"])
        log(cycle, "evaluation.collect", user=by)
    return cycle


# Invitations ------------------------------------------------------------------------------------


def issue_invitations(
    *, by, kind: Kind, assessment: Assessment, contacts: Iterable[tuple[str, str]], uses: int = 1
) -> list[Invitation]:
    """Issue one token per contact ((name, email)) to evaluate one worker as ``kind``.

    Valid from the first to the last day of collecting; ``uses`` answers each (default 1).
    """
    cycle = kind.cycle
    _require_staff(by, cycle)
    if assessment.cycle_id != cycle.pk:
        raise EvaluationError(_("该工作者不在本考核周期内。"))
    if kind.channel != Channel.INVITATION:
        raise EvaluationError(_("“%(kind)s”不通过邀请链接评价。") % {"kind": kind.name})
    if uses < 1:
        raise EvaluationError(_("可用次数至少为 1。"))
    contacts = [(name.strip(), email.strip()) for name, email in contacts]
    if not contacts:
        raise EvaluationError(_("请至少填写一个评价人。"))
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.DRAFT, State.COLLECTING)
        invitations = Invitation.objects.bulk_create(
            Invitation(
                kind=kind,
                assessment=assessment,
                token=_new_code(),
                source=Invitation.Source.ISSUED,
                contact=name,
                email=email,
                uses_left=uses,
                valid_from=_day_start(cycle.opens_on),
                valid_until=_day_start(cycle.closes_on + dt.timedelta(days=1)),
            )
            for name, email in contacts
        )
        log(
            cycle,
            "evaluation.invite",
            user=by,
            data={"kind": kind.name, "worker": assessment.worker_id, "count": len(invitations)},
        )
    return invitations


def revoke_invitation(*, by, invitation: Invitation) -> Invitation:
    """Make an unused invitation unusable (a link given to the wrong person, say)."""
    cycle = invitation.kind.cycle
    _require_staff(by, cycle)
    with transaction.atomic():
        invitation = lock(Invitation, invitation.pk)
        if invitation.uses_left < 1:
            raise EvaluationError(_("该邀请已使用，无需作废。"))
        invitation.revoked = True
        invitation.save(update_fields=["revoked"])
        log(cycle, "evaluation.revoke", user=by, data={"invitation": invitation.pk})
    return invitation


def send_invitations(*, by, cycle: Cycle, remind: bool = False) -> int:
    """Email each unanswered invitation that has an address; ``remind`` for the second time on.

    The first run sends to invitations never sent; a reminder goes to those sent but unused.
    Returns how many messages left.
    """
    _require_staff(by, cycle)
    if remind:
        _require_state(cycle, State.COLLECTING)
    else:
        _require_state(cycle, State.DRAFT, State.COLLECTING)
    pending = Invitation.objects.filter(
        kind__cycle=cycle, source=Invitation.Source.ISSUED, revoked=False, uses_left__gt=0
    ).exclude(email="")
    pending = pending.filter(sent_at__isnull=not remind)
    return _send(cycle, pending, remind=remind, by=by, now=timezone.now())


def remind_evaluators(*, cycle: Cycle, now: dt.datetime, every_days: int = 7) -> int:
    """Remind the invitees of a collecting cycle who have not answered, at most every few days.

    The reminders of ``manage.py remind_evaluators``, which cron runs with nobody signed in: it
    acts as the system, so no permission is checked and the audit entry carries no user (as
    ``notify_mentoring`` does). Only invitations staff have emailed once are reminded
    (``selectors.reminders_due``); the first email stays the staff's decision.
    """
    if cycle.state != State.COLLECTING:
        return 0
    return _send(
        cycle,
        selectors.reminders_due(cycle, now=now, every_days=every_days),
        remind=True,
        by=None,
        now=now,
    )


def _send(cycle: Cycle, pending, *, remind: bool, by, now: dt.datetime) -> int:
    """Email ``pending`` invitations, then record who got one; return how many left."""
    from . import notifications

    invitations = list(pending.select_related("assessment__worker", "kind").order_by("pk"))
    sent = notifications.send_invitations(invitations, remind=remind)
    with transaction.atomic():
        if remind:
            for invitation in sent:
                invitation.reminded_at = now
                invitation.reminders += 1
            Invitation.objects.bulk_update(sent, ["reminded_at", "reminders"])
        else:
            Invitation.objects.filter(pk__in=[i.pk for i in sent]).update(sent_at=now)
        log(cycle, "evaluation.send", user=by, data={"sent": len(sent), "reminder": remind})
    return len(sent)


def open_poster_entry(*, code: str, now: dt.datetime) -> Invitation:
    """Issue a one-use answer token for one browser that scanned a worker's poster.

    The token is short-lived (``settings.EVALUATION_ENTRY_MINUTES``); how many a browser, an
    address and a poster may take is limited by the view (``evaluation/views.py``).
    """
    poster = Poster.objects.select_related("kind__cycle", "assessment").filter(code=code).first()
    if poster is None:
        raise EvaluationError(_("评价码无效。"))
    cycle = poster.kind.cycle
    if entry_state(cycle, now=now) != rules.TokenState.OPEN:
        raise EvaluationError(_("本次评价不在收集期内。"))
    return Invitation.objects.create(
        kind=poster.kind,
        assessment=poster.assessment,
        token=_new_code(),
        source=Invitation.Source.POSTER,
        uses_left=1,
        valid_from=now,
        valid_until=min(
            now + dt.timedelta(minutes=settings.EVALUATION_ENTRY_MINUTES),
            _day_start(cycle.closes_on + dt.timedelta(days=1)),
        ),
    )


def entry_state(cycle: Cycle, *, now: dt.datetime) -> rules.TokenState:
    """Whether a poster of ``cycle`` issues tokens now: collecting, and within its dates."""
    return rules.token_state(
        now=now,
        valid_from=_day_start(cycle.opens_on),
        valid_until=_day_start(cycle.closes_on + dt.timedelta(days=1)),
        uses_left=1,
        revoked=False,
        collecting=cycle.state == State.COLLECTING,
    )


def state_of(invitation: Invitation, *, now: dt.datetime) -> rules.TokenState:
    return rules.token_state(
        now=now,
        valid_from=invitation.valid_from,
        valid_until=invitation.valid_until,
        uses_left=invitation.uses_left,
        revoked=invitation.revoked,
        collecting=invitation.kind.cycle.state == State.COLLECTING,
    )


class TokenRefused(EvaluationError):
    """The token may not be used now; ``state`` says why (the page shows a matching text)."""

    def __init__(self, state: rules.TokenState):
        super().__init__(state.value)
        self.state = state


def _item_value(item: Item, raw) -> int:
    try:
        value = int(Decimal(str(raw)))
    except (InvalidOperation, ValueError, TypeError):
        raise EvaluationError(_("请为“%(item)s”评分。") % {"item": item.text}) from None
    if item.scale == Scale.LEVELS and value not in LEVEL_SCORES:
        raise EvaluationError(_("请为“%(item)s”选择一个满意度。") % {"item": item.text})
    if not 0 <= value <= 100:
        raise EvaluationError(_("“%(item)s”的分数须在 0 到 100 之间。") % {"item": item.text})
    return value


def submit_answer(
    *, token: str, values: Mapping[int, object], comment: str, now: dt.datetime
) -> Answer:
    """Store one answer through ``token`` and spend one of its uses, under a lock on the token.

    The answer records the kind and the worker evaluated, never the token; a second submit
    of the same one-use token finds it used (``TokenRefused``) and stores nothing.
    """
    with transaction.atomic():
        # order_by("pk"): Meta.ordering would join four tables to order one row.
        found = Invitation.objects.filter(token=token).order_by("pk").values_list("pk", flat=True)
        found = found.first()
        if found is None:
            raise TokenRefused(rules.TokenState.UNKNOWN)
        invitation = lock(Invitation.objects.select_related("kind__cycle"), found)
        state = state_of(invitation, now=now)
        if state != rules.TokenState.OPEN:
            raise TokenRefused(state)
        items = list(invitation.kind.items.all())
        scored = {item.pk: _item_value(item, values.get(item.pk)) for item in items}
        answer = Answer.objects.create(
            kind=invitation.kind,
            assessment_id=invitation.assessment_id,
            values={str(pk): value for pk, value in scored.items()},
            score=rules.answer_score([(item.weight, scored[item.pk]) for item in items]),
            comment=comment.strip()[:1000],
            submitted_on=timezone.localdate(now),
        )
        invitation.uses_left -= 1
        invitation.save(update_fields=["uses_left"])
    return answer


def record_staff_score(
    *, by, assessment: Assessment, kind: Kind, score: Decimal, comment: str = ""
) -> Answer:
    """Enter (or replace) the score of a kind scored by staff, e.g. 县总工会考核 (0-100)."""
    cycle = assessment.cycle
    _require_staff(by, cycle)
    if kind.cycle_id != cycle.pk or kind.channel != Channel.STAFF:
        raise EvaluationError(_("“%(kind)s”不由工作人员录入。") % {"kind": kind.name})
    if not Decimal(0) <= score <= Decimal(100):
        raise EvaluationError(_("分数须在 0 到 100 之间。"))
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.COLLECTING)
        Answer.objects.filter(kind=kind, assessment=assessment).delete()
        answer = Answer.objects.create(
            kind=kind,
            assessment=assessment,
            score=rules._round(score),
            comment=comment.strip(),
            submitted_on=timezone.localdate(),
        )
        log(
            cycle,
            "evaluation.staff_score",
            user=by,
            data={"worker": assessment.worker_id, "kind": kind.name, "score": str(answer.score)},
        )
    return answer


# Scores and grades ------------------------------------------------------------------------------


def close_collecting(*, by, cycle: Cycle) -> Cycle:
    """Stop taking answers, compute every worker's score and propose grades within the cap.

    A worker short of answers of some kind gets no score and no proposal: staff grade them
    with a reason. Workers tied at the cap's boundary are marked for staff to choose.
    """
    _require_staff(by, cycle)
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.COLLECTING)
        scores = selectors.scores(cycle)
        cap = selectors.cap_of(cycle, len(scores))
        proposals = rules.propose_grades(
            {pk: score.total for pk, score in scores.items()}, selectors.bands_of(cycle), cap
        )
        assessments = list(cycle.assessments.all())
        for assessment in assessments:
            score, proposal = scores[assessment.pk], proposals[assessment.pk]
            assessment.score, assessment.complete = score.total, score.complete
            assessment.proposed, assessment.tie = proposal.grade, proposal.tie
            assessment.grade = None if proposal.tie else proposal.grade
            assessment.reason, assessment.graded_by = "", None
        Assessment.objects.bulk_update(
            assessments,
            ["score", "complete", "proposed", "tie", "grade", "reason", "graded_by"],
            batch_size=2000,
        )
        cycle.state = State.SCORING
        cycle.save(update_fields=["state"])
        log(cycle, "evaluation.close", user=by, data={"covered": len(assessments), "cap": cap})
    return cycle


def set_grade(*, by, assessment: Assessment, grade: Grade, reason: str = "") -> Assessment:
    """Set a worker's grade while the cycle is being scored; a change needs a written reason.

    The issue: "Staff review the proposed grades, may change one with a written reason (kept in
    the audit log and shown)". Choosing among workers tied at the cap is such a change.
    """
    cycle = assessment.cycle
    _require_staff(by, cycle)
    grade = Grade(grade)
    reason = reason.strip()
    if grade != assessment.proposed and not reason:
        raise EvaluationError(_("调整建议等次须填写理由。"))
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.SCORING)
        assessment = lock(Assessment, assessment.pk)
        before = assessment.grade
        assessment.grade, assessment.graded_by = grade, by
        assessment.reason = reason if grade != assessment.proposed else ""
        assessment.save(update_fields=["grade", "graded_by", "reason"])
        log(
            assessment,
            "evaluation.grade",
            user=by,
            data={
                "worker": assessment.worker_id,
                "from": before,
                "to": int(grade),
                "reason": reason,
            },
        )
    return assessment


def confirm_cycle(*, by, cycle: Cycle) -> Cycle:
    """Lock the cycle's grades: every worker graded, 优秀 within the cap."""
    _require_staff(by, cycle)
    with transaction.atomic():
        cycle = lock(Cycle, cycle.pk)
        _require_state(cycle, State.SCORING)
        grades = [
            Grade(g) if g is not None else None
            for g in cycle.assessments.values_list("grade", flat=True)
        ]
        _require(rules.check_confirmation(grades, selectors.cap_of(cycle, len(grades))))
        cycle.state = State.CONFIRMED
        cycle.confirmed_by, cycle.confirmed_at = by, timezone.now()
        cycle.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        log(cycle, "evaluation.confirm", user=by, data={"covered": len(grades)})
    return cycle
