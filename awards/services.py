"""Every change to awards: awards, campaigns, constraints, allocations, nominations, reviews,
the notice (公示), objections and approval.

Each staff service checks who acts (``by``) before it changes anything, runs in one
transaction, writes an audit entry and sends its emails after commit. Places are decided under
a lock on the allocation row (``lms.locking``): two staff taking the last place at once give
one nomination and one refusal. A refusal is an ``AwardsError`` whose message is shown.
"""

import datetime as dt
import secrets
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from evaluation.selectors import grades_by_worker
from lms.errors import DomainError
from lms.locking import lock
from workforce.models import Federation, Worker
from workforce.permissions import can_manage
from workforce.selectors import policy_for

from . import notifications, rules, workdays
from .choices import EDITABLE, HOLDS_PLACE, Category, ObjectionState, Outcome, State
from .models import (
    Allocation,
    Award,
    Campaign,
    Constraint,
    Honour,
    Nomination,
    Objection,
    ReviewRound,
)
from .permissions import nominates, runs


class AwardsError(DomainError):
    """An awards change the rules refuse; the message is shown to the user."""


LOG_ACTIONS = {
    "awards.constraints": gettext_lazy("修改比例要求"),
    "awards.allocate": gettext_lazy("分配名额"),
    "awards.nominate": gettext_lazy("推荐人选"),
    "awards.submit": gettext_lazy("提交推荐"),
    "awards.withdraw": gettext_lazy("撤回推荐"),
    "awards.review": gettext_lazy("审核推荐"),
    "awards.notice": gettext_lazy("开始公示"),
    "awards.objection": gettext_lazy("处理异议"),
    "awards.approve": gettext_lazy("批准表彰名单"),
    "awards.honour": gettext_lazy("登记获奖记录"),
}

CAMPAIGN_FIELDS = frozenset({"total_places", "nominate_from", "nominate_until", "review_rounds"})
NOMINATION_FIELDS = frozenset({"categories", "deeds", "summary", "deeds_file", "unit_opinion"})
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": b"%PDF",
    ".doc": b"\xd0\xcf\x11\xe0",  # OLE2 (Word 97-2003)
    ".docx": b"PK\x03\x04",  # OOXML (zip)
}


def _on_commit(func, *args, **kwargs) -> None:
    transaction.on_commit(partial(func, *args, **kwargs))


def _require(decision) -> None:
    if not decision:
        raise AwardsError(decision.reason)


def _require_runs(by, campaign: Campaign) -> None:
    if not runs(by, campaign):
        raise AwardsError(_("您无权管理该评选活动。"))


def check_attachment(upload) -> None:
    """A deeds or objection attachment: PDF or Word, at most 10 MB, content matching its name."""
    if not upload:
        return
    name = upload.name.lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in ATTACHMENT_TYPES:
        raise AwardsError(_("附件须为 PDF 或 Word 文件。"))
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise AwardsError(_("附件不能超过 10 MB。"))
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[suffix]):
        raise AwardsError(_("附件内容与文件类型不符。"))


# Awards and campaigns ---------------------------------------------------------------------------


def create_award(*, by, name: str, level: int, description: str = "") -> Award:
    """Add an award to the catalogue (staff of a root federation: the catalogue is shared)."""
    if by is None or not any(can_manage(by, root) for root in Federation.get_root_nodes()):
        raise AwardsError(_("只有市总工会可以维护荣誉目录。"))
    try:
        with transaction.atomic():
            award = Award.objects.create(name=name.strip(), level=level, description=description)
            log(award, "wagtail.create", user=by)
    except IntegrityError:
        raise AwardsError(_("该级别的%(name)s已在目录中。") % {"name": name}) from None
    return award


def create_campaign(
    *,
    by,
    award: Award,
    year: int,
    federation: Federation,
    total_places: int,
    nominate_from: dt.date,
    nominate_until: dt.date,
    review_rounds: int = 1,
) -> Campaign:
    """Open a campaign; the reserved share and notice length come from the federation's policy."""
    if by is None or not can_manage(by, federation):
        raise AwardsError(_("您无权管理该总工会。"))
    if nominate_from > nominate_until:
        raise AwardsError(_("推荐截止日期不能早于开始日期。"))
    if total_places < 1:
        raise AwardsError(_("名额总数至少为 1。"))
    policy = policy_for(federation)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                award=award,
                year=year,
                federation=federation,
                total_places=total_places,
                reserved_percent=policy.award_reserved_percent,
                reserved_places=rules.reserved_places(total_places, policy.award_reserved_percent),
                nominate_from=nominate_from,
                nominate_until=nominate_until,
                review_rounds=review_rounds,
                notice_working_days=policy.notice_working_days,
                min_service_years=policy.award_min_service_years,
                clean_grade_years=policy.award_clean_grade_years,
                created_by=by,
            )
            log(campaign, "wagtail.create", user=by)
    except IntegrityError:
        raise AwardsError(_("%(year)d 年已有该荣誉的评选活动。") % {"year": year}) from None
    return campaign


def update_campaign(*, by, campaign: Campaign, **fields) -> Campaign:
    """Change places, window or rounds; the places reserved never drop below those allocated."""
    unknown = set(fields) - CAMPAIGN_FIELDS
    if unknown:
        raise TypeError(f"update_campaign() cannot change {sorted(unknown)}")
    _require_runs(by, campaign)
    with transaction.atomic():
        campaign = lock(Campaign, campaign.pk)
        for name, value in fields.items():
            setattr(campaign, name, value)
        if campaign.nominate_from > campaign.nominate_until:
            raise AwardsError(_("推荐截止日期不能早于开始日期。"))
        campaign.reserved_places = rules.reserved_places(
            campaign.total_places, campaign.reserved_percent
        )
        allocated = sum(campaign.allocations.values_list("places", flat=True))
        if allocated > campaign.reserved_places:
            raise AwardsError(
                _("已分配 %(allocated)d 个名额，预留名额不能少于此数。") % {"allocated": allocated}
            )
        campaign.save()
        log(campaign, "wagtail.edit", user=by)
    return campaign


def set_constraints(*, by, campaign: Campaign, rows: list[tuple[str, str, int]]) -> None:
    """Replace the campaign's category constraints ((category, bound, percent) rows)."""
    _require_runs(by, campaign)
    keys = [(category, bound) for category, bound, _p in rows]
    if len(set(keys)) != len(keys):
        raise AwardsError(_("同一类别的同一要求只能设一次。"))
    if any(not 0 <= percent <= 100 for _c, _b, percent in rows):
        raise AwardsError(_("比例须在 0 到 100 之间。"))
    with transaction.atomic():
        campaign = lock(Campaign, campaign.pk)
        campaign.constraints.all().delete()
        Constraint.objects.bulk_create(
            Constraint(campaign=campaign, category=c, bound=b, percent=p) for c, b, p in rows
        )
        log(campaign, "awards.constraints", user=by, data={"rows": [list(r) for r in rows]})


# Allocations ------------------------------------------------------------------------------------


def allocate(
    *, by, campaign: Campaign, federation: Federation, places: int, label: str = ""
) -> Allocation:
    """Give reserved places to a federation below the campaign's, within the reserved places."""
    _require_runs(by, campaign)
    if federation.pk == campaign.federation_id or not federation.path.startswith(
        campaign.federation.path
    ):
        raise AwardsError(_("只能把名额分配给下级总工会。"))
    with transaction.atomic():
        campaign = lock(Campaign, campaign.pk)
        allocated = sum(campaign.allocations.values_list("places", flat=True))
        _require(
            rules.check_allocation(
                reserved=campaign.reserved_places,
                allocated_elsewhere=allocated,
                places=places,
                held=0,
            )
        )
        try:
            with transaction.atomic():
                allocation = Allocation.objects.create(
                    campaign=campaign, federation=federation, places=places, label=label.strip()
                )
        except IntegrityError:
            raise AwardsError(_("该总工会已有同类型的名额，请修改原名额。")) from None
        log(allocation, "awards.allocate", user=by, data={"places": places, "label": label})
    return allocation


def change_allocation(*, by, allocation: Allocation, places: int) -> Allocation:
    """Change an allocation's places; 0 removes it when no nomination holds a place."""
    campaign = allocation.campaign
    _require_runs(by, campaign)
    with transaction.atomic():
        campaign = lock(Campaign, campaign.pk)
        allocation = lock(Allocation, allocation.pk)
        held = allocation.nominations.holding().count()
        if places == 0 and not held and not allocation.nominations.exists():
            log(allocation, "awards.allocate", user=by, data={"places": 0})
            allocation.delete()
            return allocation
        others = sum(
            campaign.allocations.exclude(pk=allocation.pk).values_list("places", flat=True)
        )
        _require(
            rules.check_allocation(
                reserved=campaign.reserved_places,
                allocated_elsewhere=others,
                places=places,
                held=held,
            )
        )
        allocation.places = places
        allocation.save(update_fields=["places"])
        log(allocation, "awards.allocate", user=by, data={"places": places})
    return allocation


# Nominations ------------------------------------------------------------------------------------


def eligibility_facts(nomination_or_worker, campaign: Campaign, *, exclude: int | None = None):
    worker = nomination_or_worker
    grades = {
        record.year: record.grade for record in grades_by_worker([worker.pk]).get(worker.pk, [])
    }
    honours = list(Honour.objects.filter(worker=worker).values_list("award__name", "award__level"))
    others = Nomination.objects.holding().filter(campaign=campaign, worker=worker)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return rules.EligibilityFacts(
        active=worker.status == Worker.Status.ACTIVE,
        hire_date=worker.hire_date,
        grades=grades,
        honours=honours,
        award_name=campaign.award.name,
        award_level=campaign.award.level,
        campaign_year=campaign.year,
        already_nominated=others.exists(),
    )


def ineligibility(
    worker: Worker, campaign: Campaign, *, today: dt.date, exclude: int | None = None
):
    """Return why ``worker`` may not be nominated in ``campaign`` (empty: eligible)."""
    return rules.ineligibility(
        eligibility_facts(worker, campaign, exclude=exclude),
        today=today,
        min_service_years=campaign.min_service_years,
        clean_grade_years=campaign.clean_grade_years,
    )


def _clean_categories(categories, worker: Worker) -> list[str]:
    chosen = {str(c) for c in categories if c in Category.values and c != Category.FEMALE}
    if worker.gender == Worker.Gender.FEMALE:
        chosen.add(Category.FEMALE.value)  # from the roster, not a flag staff set
    return sorted(str(category) for category in chosen)


def nominate(
    *,
    by,
    allocation: Allocation,
    worker: Worker,
    categories: list[str],
    deeds: str,
    summary: str,
    unit_opinion: str,
    deeds_file=None,
    today: dt.date,
) -> Nomination:
    """Nominate a worker of the allocation's subtree, taking a place under the allocation's lock.

    The nomination starts as a draft that holds its place; it is checked for eligibility here
    and again when submitted.
    """
    if not nominates(by, allocation):
        raise AwardsError(_("您无权使用该名额。"))
    if not worker.federation.path.startswith(allocation.federation.path):
        raise AwardsError(_("只能推荐本单位及下级聘用的社会化工会工作者。"))
    campaign = allocation.campaign
    if not campaign.nominate_from <= today <= campaign.nominate_until:
        raise AwardsError(
            _("推荐时间为 %(start)s 至 %(end)s。")
            % {
                "start": campaign.nominate_from.isoformat(),
                "end": campaign.nominate_until.isoformat(),
            }
        )
    check_attachment(deeds_file)
    reasons = ineligibility(worker, campaign, today=today)
    if reasons:
        raise AwardsError(" ".join(reasons))
    with transaction.atomic():
        allocation = lock(Allocation, allocation.pk)
        _require(
            rules.check_place(
                places=allocation.places, held=allocation.nominations.holding().count()
            )
        )
        try:
            with transaction.atomic():
                nomination = Nomination.objects.create(
                    allocation=allocation,
                    campaign_id=allocation.campaign_id,
                    worker=worker,
                    categories=_clean_categories(categories, worker),
                    deeds=deeds.strip(),
                    summary=summary.strip(),
                    unit_opinion=unit_opinion.strip(),
                    deeds_file=deeds_file or "",
                    nominated_by=by,
                )
        except IntegrityError:
            raise AwardsError(_("已在本次评选中被推荐。")) from None
        log(nomination, "awards.nominate", user=by)
    return nomination


def update_nomination(*, by, nomination: Nomination, **fields) -> Nomination:
    """Change a draft or returned nomination; submitted and later ones are not edited."""
    unknown = set(fields) - NOMINATION_FIELDS
    if unknown:
        raise TypeError(f"update_nomination() cannot change {sorted(unknown)}")
    if not nominates(by, nomination.allocation):
        raise AwardsError(_("您无权修改该推荐。"))
    if "deeds_file" in fields:
        check_attachment(fields["deeds_file"])
    with transaction.atomic():
        nomination = lock(Nomination, nomination.pk)
        if nomination.state not in EDITABLE:
            raise AwardsError(_("推荐已提交，不能修改。"))
        for name, value in fields.items():
            if name == "categories":
                value = _clean_categories(value, nomination.worker)
            elif isinstance(value, str):
                value = value.strip()
            setattr(nomination, name, value)
        nomination.save()
        log(nomination, "wagtail.edit", user=by)
    return nomination


def _move(
    nomination: Nomination, state: State, *, by, action: str, reason: str = "", **data
) -> None:
    before = nomination.state
    nomination.state = state
    nomination.reason = reason
    nomination.save(update_fields=["state", "reason", "round", "submitted_at"])
    log(
        nomination,
        action,
        user=by,
        data={"from": before, "to": int(state), "reason": reason, **data},
    )
    _on_commit(notifications.send_state, nomination.pk)


def submit(*, by, nomination: Nomination, today: dt.date) -> Nomination:
    """The county submits a draft (or a returned nomination) to the campaign's federation."""
    if not nominates(by, nomination.allocation):
        raise AwardsError(_("您无权提交该推荐。"))
    with transaction.atomic():
        nomination = lock(Nomination, nomination.pk)
        if nomination.state not in EDITABLE:
            raise AwardsError(_("该推荐不是草稿或退回状态。"))
        campaign = nomination.campaign
        if today > campaign.nominate_until and nomination.state == State.DRAFT:
            raise AwardsError(
                _("推荐已于 %(date)s 截止。") % {"date": campaign.nominate_until.isoformat()}
            )
        reasons = ineligibility(nomination.worker, campaign, today=today, exclude=nomination.pk)
        if reasons:
            raise AwardsError(" ".join(reasons))
        if not nomination.deeds or not nomination.unit_opinion:
            raise AwardsError(_("请填写事迹材料和所在单位意见。"))
        nomination.submitted_at = timezone.now()
        nomination.round = 0
        _move(nomination, State.SUBMITTED, by=by, action="awards.submit")
    return nomination


def withdraw(*, by, nomination: Nomination, reason: str) -> Nomination:
    """The county (or the campaign's federation) withdraws a nomination; its place is freed."""
    if not (nominates(by, nomination.allocation) or runs(by, nomination.campaign)):
        raise AwardsError(_("您无权撤回该推荐。"))
    if not reason.strip():
        raise AwardsError(_("请填写撤回理由。"))
    with transaction.atomic():
        nomination = lock(Nomination, nomination.pk)
        if nomination.state not in HOLDS_PLACE or nomination.state == State.APPROVED:
            raise AwardsError(_("该推荐不能撤回。"))
        _move(nomination, State.WITHDRAWN, by=by, action="awards.withdraw", reason=reason.strip())
    return nomination


def review(*, by, nomination: Nomination, outcome: str, comment: str, score=None) -> ReviewRound:
    """The campaign's federation reviews a submitted nomination: a round passes, returns it to
    the county for changes, or rejects it (the place is freed)."""
    _require_runs(by, nomination.campaign)
    outcome = Outcome(outcome)
    if not comment.strip():
        raise AwardsError(_("请填写审核意见。"))
    with transaction.atomic():
        nomination = lock(Nomination, nomination.pk)
        if nomination.state not in (State.SUBMITTED, State.REVIEW):
            raise AwardsError(_("该推荐不在审核中。"))
        rounds = nomination.campaign.review_rounds
        if outcome == Outcome.PASS and nomination.round >= rounds:
            raise AwardsError(_("已通过全部 %(n)d 轮审核，等待公示。") % {"n": rounds})
        entry = ReviewRound.objects.create(
            nomination=nomination,
            number=nomination.round + 1,
            outcome=outcome,
            comment=comment.strip(),
            score=score,
            reviewer=by,
        )
        if outcome == Outcome.PASS:
            nomination.round += 1
            _move(nomination, State.REVIEW, by=by, action="awards.review", round=nomination.round)
        elif outcome == Outcome.RETURN:
            _move(nomination, State.RETURNED, by=by, action="awards.review", reason=comment.strip())
        else:
            _move(nomination, State.REJECTED, by=by, action="awards.review", reason=comment.strip())
    return entry


def start_notice(*, by, campaign: Campaign, today: dt.date) -> list[Nomination]:
    """Put every nomination that passed all review rounds on public notice (公示).

    The window is ``notice_working_days`` working days from today (or the next working day),
    counted with China's holidays and 调休 (``awards.workdays``).
    """
    _require_runs(by, campaign)
    with transaction.atomic():
        campaign = lock(Campaign, campaign.pk)
        ready = list(
            campaign.nominations.filter(state=State.REVIEW, round__gte=campaign.review_rounds)
        )
        if not ready:
            raise AwardsError(_("没有通过全部审核轮次的推荐。"))
        if campaign.nominations.filter(state=State.NOTICE).exists():
            raise AwardsError(_("已有推荐在公示中。"))
        campaign.notice_starts_on, campaign.notice_ends_on = rules.notice_window(
            today, campaign.notice_working_days, workdays.is_workday
        )
        campaign.save(update_fields=["notice_starts_on", "notice_ends_on"])
        for nomination in ready:
            _move(nomination, State.NOTICE, by=by, action="awards.notice")
    return ready


def _reference(campaign: Campaign) -> str:
    return f"YY{campaign.year}{campaign.pk:03d}-{secrets.token_hex(3).upper()}"


def file_objection(
    *, nomination: Nomination, name: str, phone: str, content: str, attachment=None, today: dt.date
) -> Objection:
    """Anyone files an objection under their real name during the notice window (public)."""
    nomination = Nomination.objects.select_related("campaign").get(pk=nomination.pk)
    campaign = nomination.campaign
    if nomination.state != State.NOTICE:
        raise AwardsError(_("该人选不在公示中。"))
    _require(
        rules.may_object(
            today=today, starts_on=campaign.notice_starts_on, ends_on=campaign.notice_ends_on
        )
    )
    if not (name.strip() and phone.strip() and content.strip()):
        raise AwardsError(_("请填写姓名（或单位）、联系电话和异议内容。"))
    check_attachment(attachment)
    with transaction.atomic():
        for _attempt in range(5):
            reference = _reference(campaign)
            if not Objection.objects.filter(reference=reference).exists():
                break
        objection = Objection.objects.create(
            nomination=nomination,
            reference=reference,
            name=name.strip(),
            phone=phone.strip(),
            content=content.strip(),
            attachment=attachment or "",
        )
        _on_commit(notifications.send_objection_filed, objection.pk)
    return objection


def handle_objection(*, by, objection: Objection, upheld: bool, answer: str) -> Objection:
    """Staff of the campaign's federation handle an objection: upheld withdraws the nomination
    (its place is freed), dismissed keeps it; either way with a written answer."""
    nomination = objection.nomination
    _require_runs(by, nomination.campaign)
    if not answer.strip():
        raise AwardsError(_("请填写处理意见。"))
    with transaction.atomic():
        objection = lock(Objection, objection.pk)
        if objection.state != ObjectionState.OPEN:
            raise AwardsError(_("该异议已处理。"))
        objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
        objection.answer, objection.handled_by, objection.handled_at = (
            answer.strip(),
            by,
            timezone.now(),
        )
        objection.save(update_fields=["state", "answer", "handled_by", "handled_at"])
        log(
            nomination,
            "awards.objection",
            user=by,
            data={"reference": objection.reference, "upheld": upheld},
        )
        if upheld:
            nomination = lock(Nomination, nomination.pk)
            if nomination.state == State.NOTICE:
                _move(
                    nomination,
                    State.WITHDRAWN,
                    by=by,
                    action="awards.withdraw",
                    reason=answer.strip(),
                )
    return objection


def approve(*, by, campaign: Campaign, today: dt.date, reason: str = "") -> list[Nomination]:
    """Approve the list on notice once the window has ended and every objection is handled.

    A list that fails a category constraint is approved only with a written reason (the issue).
    Each winner gets an ``Honour``; approved nominations are no longer edited.
    """
    from .selectors import constraint_checks

    _require_runs(by, campaign)
    with transaction.atomic():
        campaign = lock(Campaign, campaign.pk)
        open_objections = Objection.objects.filter(
            nomination__campaign=campaign, state=ObjectionState.OPEN
        ).count()
        _require(
            rules.may_approve(
                today=today, ends_on=campaign.notice_ends_on, open_objections=open_objections
            )
        )
        listed = list(campaign.nominations.filter(state=State.NOTICE).select_related("worker"))
        if not listed:
            raise AwardsError(_("没有公示中的人选。"))
        failed = [check for check in constraint_checks(campaign) if not check.passed]
        if failed and not reason.strip():
            raise AwardsError(_("名单不符合比例要求，批准须填写理由。"))
        for nomination in listed:
            _move(nomination, State.APPROVED, by=by, action="awards.approve", reason=reason.strip())
        Honour.objects.bulk_create(
            Honour(
                worker=n.worker,
                award_id=campaign.award_id,
                year=campaign.year,
                nomination=n,
                recorded_by=by,
            )
            for n in listed
        )
        log(
            campaign,
            "awards.approve",
            user=by,
            data={"approved": len(listed), "reason": reason.strip()},
        )
    return listed


def record_honour(*, by, worker: Worker, award: Award, year: int) -> Honour:
    """Record an award a worker won before (or outside) the system, for eligibility and careers."""
    if by is None or not can_manage(by, worker.federation):
        raise AwardsError(_("您无权管理该社会化工会工作者。"))
    try:
        with transaction.atomic():
            honour = Honour.objects.create(worker=worker, award=award, year=year, recorded_by=by)
            log(honour, "awards.honour", user=by)
    except IntegrityError:
        raise AwardsError(_("该获奖记录已存在。")) from None
    return honour
