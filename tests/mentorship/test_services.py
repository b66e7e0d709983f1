"""Mentoring services: who may act, the limits, and nothing changed by a refusal."""

import datetime as dt
from decimal import Decimal as D

import pytest
from wagtail.models import ModelLogEntry

from mentorship import services
from mentorship.models import Extension, Goal, MeetingLog, Mentor, Pairing, Review
from mentorship.services import MentorshipError
from tests.factories import MentorFactory, PairingFactory, UserFactory, WorkerFactory
from workforce.models import Worker
from workforce.services import set_policy

START = dt.date(2030, 1, 1)
TODAY = dt.date(2030, 3, 1)


def _snapshot():
    models = (Mentor, Pairing, Extension, Goal, MeetingLog, Review, ModelLogEntry)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def propose(by, mentor, apprentice, kind="apprentice", **kwargs):
    return services.propose_pairing(
        by=by, mentor=mentor, apprentice=apprentice, kind=kind, start=START, **kwargs
    )


# Mentors ----------------------------------------------------------------------------------------


def test_register_mentor_from_a_worker_uses_their_account_and_hire_date(county_staff, worker):
    mentor = services.register_mentor(
        by=county_staff, federation=worker.federation, worker=worker, expertise=["labour_law"]
    )
    assert (mentor.user, mentor.name, mentor.experience_since) == (
        worker.user,
        worker.name,
        worker.hire_date,
    )
    with pytest.raises(MentorshipError, match="已经是导师"):
        services.register_mentor(by=county_staff, federation=worker.federation, worker=worker)


def test_register_mentor_refuses_another_countys_worker(county, county_staff, other_worker):
    with pytest.raises(MentorshipError, match="您无权管理该工作者"):
        services.register_mentor(by=county_staff, federation=county, worker=other_worker)


def test_register_mentor_refuses_outsiders_and_unknown_expertise(county, county_staff, outsider):
    user = UserFactory(username="cadre")
    with pytest.raises(MentorshipError, match="您无权管理“涪城区总工会”的导师"):
        services.register_mentor(by=outsider, federation=county, user=user)
    with pytest.raises(MentorshipError, match="未知的专长"):
        services.register_mentor(by=county_staff, federation=county, user=user, expertise=["x"])
    assert not Mentor.objects.exists()


def test_update_mentor_takes_a_whitelist(mentor, county_staff):
    services.update_mentor(by=county_staff, mentor=mentor, active=False, load_limit=1)
    mentor.refresh_from_db()
    assert (mentor.active, mentor.load_limit) == (False, 1)
    with pytest.raises(TypeError):
        services.update_mentor(by=county_staff, mentor=mentor, federation=None)


# Proposing and accepting ------------------------------------------------------------------------


def test_propose_accept_uses_the_policy_term(mentor, worker, county_staff, county):
    set_policy(by=county_staff, federation=county, mentor_term_months=6)
    pairing = propose(county_staff, mentor, worker)
    assert (pairing.status, pairing.term_months, pairing.end_date) == (
        Pairing.Status.PROPOSED,
        6,
        dt.date(2030, 6, 30),
    )
    services.accept_pairing(by=mentor.user, pairing=pairing, today=TODAY)
    pairing.refresh_from_db()
    assert (pairing.status, pairing.accepted_on) == (Pairing.Status.ACTIVE, TODAY)


def test_only_the_apprentices_staff_propose(mentor, worker, outsider):
    before = _snapshot()
    with pytest.raises(MentorshipError, match="您无权为该工作者安排结对"):
        propose(outsider, mentor, worker)
    with pytest.raises(MentorshipError, match="您无权为该工作者安排结对"):
        propose(worker.user, mentor, worker)
    assert _snapshot() == before


def test_only_the_mentor_accepts_or_declines(mentor, worker, county_staff):
    pairing = propose(county_staff, mentor, worker)
    for by in (worker.user, county_staff):
        with pytest.raises(MentorshipError, match="只有结对双方"):
            services.accept_pairing(by=by, pairing=pairing)
    with pytest.raises(MentorshipError, match="请填写原因"):
        services.decline_pairing(by=mentor.user, pairing=pairing, reason=" ")
    services.decline_pairing(by=mentor.user, pairing=pairing, reason="工作太忙")
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end_reason) == (Pairing.Status.DECLINED, "工作太忙")
    with pytest.raises(MentorshipError, match="不在待确认状态"):
        services.accept_pairing(by=mentor.user, pairing=pairing)


def test_a_proposal_holds_a_place_and_accepting_checks_again(mentor, county, county_staff):
    mentor.load_limit = 2
    mentor.save()
    first, second = (WorkerFactory(federation=county) for _ in range(2))
    a, b = propose(county_staff, mentor, first), propose(county_staff, mentor, second)
    with pytest.raises(MentorshipError, match="已有 2 名徒弟（含待确认），达到上限 2 名"):
        propose(county_staff, mentor, WorkerFactory(federation=county))
    services.accept_pairing(by=mentor.user, pairing=a)
    services.update_mentor(by=county_staff, mentor=mentor, load_limit=1)
    with pytest.raises(MentorshipError, match="已有 1 名徒弟（含待确认），达到上限 1 名"):
        services.accept_pairing(by=mentor.user, pairing=b)
    assert Pairing.objects.get(pk=b.pk).status == Pairing.Status.PROPOSED


def test_policy_load_limit_applies_when_the_mentor_sets_none(mentor, county, county_staff):
    set_policy(by=county_staff, federation=county, mentor_load_limit=2)
    for _ in range(2):
        PairingFactory(mentor=mentor, apprentice=WorkerFactory(federation=county))
    with pytest.raises(MentorshipError, match="达到上限 2 名"):
        propose(county_staff, mentor, WorkerFactory(federation=county))


def test_one_active_pairing_of_each_kind(mentor, pairing, worker, county, county_staff):
    other = MentorFactory(federation=county, worker=WorkerFactory(federation=county))
    with pytest.raises(MentorshipError, match="已有进行中的同类结对"):
        propose(county_staff, other, worker)
    peer = propose(county_staff, other, worker, kind="peer")  # another kind is fine
    assert peer.status == Pairing.Status.PROPOSED


@pytest.mark.parametrize(
    ("case", "reason"),
    [("self", "不能与自己结对"), ("left", "已离职"), ("peer_cadre", "两名社会化工会工作者")],
)
def test_start_refusals_change_nothing(case, reason, mentor, worker, county, county_staff):
    kind = "apprentice"
    if case == "self":
        mentor = MentorFactory(federation=county, worker=worker, user=UserFactory())
    elif case == "left":
        Worker.objects.filter(pk=worker.pk).update(status=Worker.Status.LEFT, left_on=START)
        worker.refresh_from_db()
    else:
        kind = "peer"
    before = _snapshot()
    with pytest.raises(MentorshipError, match=reason):
        propose(county_staff, mentor, worker, kind=kind)
    assert _snapshot() == before


def test_term_bounds(mentor, worker, county_staff):
    with pytest.raises(MentorshipError, match="3 至 24 个月"):
        propose(county_staff, mentor, worker, months=2)
    with pytest.raises(MentorshipError, match="3 至 24 个月"):
        propose(county_staff, mentor, worker, months=25)


def test_dissolve_by_a_side_or_staff_cancels_planned_meetings(pairing, mentor, outsider):
    planned = services.log_meeting(
        by=mentor.user,
        pairing=pairing,
        date=dt.date(2030, 4, 1),
        hours=2,
        form="face",
        topic="劳动争议调解",
        today=TODAY,
    )
    assert planned.status == MeetingLog.Status.PLANNED
    with pytest.raises(MentorshipError, match="您无权管理该结对"):
        services.dissolve_pairing(by=outsider, pairing=pairing, reason="x")
    services.dissolve_pairing(by=pairing.apprentice.user, pairing=pairing, reason="调岗")
    planned.refresh_from_db()
    assert (planned.status, planned.sequence) == (MeetingLog.Status.CANCELLED, 1)
    with pytest.raises(MentorshipError, match="已结束"):
        services.dissolve_pairing(by=mentor.user, pairing=pairing, reason="x")


# Extensions -------------------------------------------------------------------------------------


def test_extension_needs_the_other_side_and_staff(pairing, mentor, worker, county_staff):
    extension = services.request_extension(
        by=worker.user, pairing=pairing, months=3, reason="目标未完成"
    )
    with pytest.raises(MentorshipError, match="已有待确认的延期申请"):
        services.request_extension(by=mentor.user, pairing=pairing, months=1, reason="x")
    with pytest.raises(MentorshipError, match="只有结对的另一方或工作人员"):
        services.answer_extension(by=UserFactory(), extension=extension, agree=True)
    services.answer_extension(by=mentor.user, extension=extension, agree=True)
    pairing.refresh_from_db()
    assert pairing.end_date == dt.date(2030, 12, 31)  # staff have not agreed yet
    services.answer_extension(by=county_staff, extension=extension, agree=True)
    pairing.refresh_from_db()
    extension.refresh_from_db()
    assert extension.status == Extension.Status.ACCEPTED
    assert (pairing.term_months, pairing.end_date) == (15, dt.date(2031, 3, 31))


def test_extension_refused_and_bounded(pairing, mentor, worker, county_staff):
    with pytest.raises(MentorshipError, match="3 至 24 个月"):
        services.request_extension(by=worker.user, pairing=pairing, months=13, reason="x")
    extension = services.request_extension(by=worker.user, pairing=pairing, months=2, reason="x")
    services.answer_extension(by=county_staff, extension=extension, agree=False)
    extension.refresh_from_db()
    assert extension.status == Extension.Status.REFUSED
    with pytest.raises(MentorshipError, match="已处理"):
        services.answer_extension(by=mentor.user, extension=extension, agree=True)


# Goals ------------------------------------------------------------------------------------------


def test_goals_set_by_the_apprentice_assessed_by_the_mentor(pairing, mentor, worker):
    goal = services.add_goal(
        by=worker.user, pairing=pairing, title="独立调解劳动争议", target_date=dt.date(2030, 9, 1)
    )
    with pytest.raises(MentorshipError, match="只有结对双方"):
        services.add_goal(by=mentor.user, pairing=pairing, title="x", target_date=TODAY)
    services.report_progress(by=worker.user, goal=goal, progress=40, note="旁听两次")
    with pytest.raises(MentorshipError, match="0 到 100"):
        services.report_progress(by=worker.user, goal=goal, progress=140)
    services.assess_goal(by=mentor.user, goal=goal, assessment="进步明显")
    goal.refresh_from_db()
    assert (goal.progress, goal.progress_note, goal.assessment) == (40, "旁听两次", "进步明显")


def test_goals_from_gaps_once_per_gap(pairing, worker):
    added = services.goals_from_gaps(by=worker.user, pairing=pairing, today=TODAY)
    gaps = {goal.gap for goal in added}
    assert {"compliance:annual", "compliance:onboarding", "qualification"} <= gaps
    assert all(goal.target_date <= pairing.end_date for goal in added)
    assert services.goals_from_gaps(by=worker.user, pairing=pairing, today=TODAY) == []
    assert Goal.objects.filter(pairing=pairing).count() == len(added)


# Meeting logs -----------------------------------------------------------------------------------


def _log(by, pairing, day=dt.date(2030, 2, 20), hours=2):
    return services.log_meeting(
        by=by, pairing=pairing, date=day, hours=hours, form="site", topic="集体协商", today=TODAY
    )


def test_a_log_counts_when_the_other_side_confirms(pairing, mentor, worker):
    entry = _log(mentor.user, pairing)
    assert entry.status == MeetingLog.Status.AWAITING
    with pytest.raises(MentorshipError, match="须由另一方确认"):
        services.confirm_log(by=mentor.user, entry=entry, today=TODAY)
    services.confirm_log(by=worker.user, entry=entry, today=TODAY)
    entry.refresh_from_db()
    assert (entry.status, entry.answered_by) == (MeetingLog.Status.CONFIRMED, worker.user)
    with pytest.raises(MentorshipError, match="不在待确认状态"):
        services.confirm_log(by=worker.user, entry=entry, today=TODAY)


def test_planned_logs_wait_for_their_day_and_disputes_need_a_reason(pairing, mentor, worker):
    planned = _log(worker.user, pairing, day=dt.date(2030, 3, 10))
    assert planned.status == MeetingLog.Status.PLANNED
    with pytest.raises(MentorshipError, match="尚未发生"):
        services.confirm_log(by=mentor.user, entry=planned, today=TODAY)
    services.confirm_log(by=mentor.user, entry=planned, today=dt.date(2030, 3, 10))
    other = _log(worker.user, pairing)
    with pytest.raises(MentorshipError, match="请填写异议理由"):
        services.dispute_log(by=mentor.user, entry=other, reason="")
    services.dispute_log(by=mentor.user, entry=other, reason="当天未见面")
    other.refresh_from_db()
    assert (other.status, other.dispute_reason) == (MeetingLog.Status.DISPUTED, "当天未见面")


@pytest.mark.parametrize(
    ("hours", "date", "reason"),
    [(0, dt.date(2030, 2, 1), "大于 0"), (25, dt.date(2030, 2, 1), "不超过 24"),
     ("x", dt.date(2030, 2, 1), "须是数字"), (2, dt.date(2029, 12, 1), "早于结对开始"),
     (2, None, "请选择带教形式")],
)  # fmt: skip
def test_bad_logs_change_nothing(pairing, mentor, hours, date, reason):
    before = _snapshot()
    with pytest.raises(MentorshipError, match=reason):
        services.log_meeting(
            by=mentor.user,
            pairing=pairing,
            date=date or dt.date(2030, 2, 1),
            hours=hours,
            form="site" if date else "phone",
            topic="集体协商",
            today=TODAY,
        )
    assert _snapshot() == before


def test_strangers_cannot_log(pairing, outsider, other_worker):
    for by in (outsider, other_worker.user):
        with pytest.raises(MentorshipError, match="只有结对双方"):
            _log(by, pairing)


def test_only_the_writer_cancels(pairing, mentor, worker):
    entry = _log(mentor.user, pairing)
    with pytest.raises(MentorshipError, match="只有填写人"):
        services.cancel_log(by=worker.user, entry=entry)
    services.cancel_log(by=mentor.user, entry=entry)
    entry.refresh_from_db()
    assert entry.status == MeetingLog.Status.CANCELLED


# Reviews and completion -------------------------------------------------------------------------

SCORES = {"policy": 4, "organising": 3, "service": 5, "rights": 4, "writing": 3}


def test_reviews_and_completion(pairing, mentor, worker, county_staff):
    with pytest.raises(MentorshipError, match="请为每项能力评分"):
        services.submit_review(by=mentor.user, pairing=pairing, stage="final", rating=4)
    services.submit_review(
        by=mentor.user, pairing=pairing, stage="final", rating=4, competences=SCORES
    )
    with pytest.raises(MentorshipError, match="已提交过"):
        services.submit_review(
            by=mentor.user, pairing=pairing, stage="final", rating=5, competences=SCORES
        )
    with pytest.raises(MentorshipError, match="徒弟还没有提交结业评价"):
        services.complete_pairing(by=county_staff, pairing=pairing, today=dt.date(2030, 12, 31))
    with pytest.raises(MentorshipError, match="1 到 5"):
        services.submit_review(by=worker.user, pairing=pairing, stage="final", rating=6)
    services.submit_review(by=worker.user, pairing=pairing, stage="final", rating=5)
    with pytest.raises(MentorshipError, match="您无权管理该结对"):
        services.complete_pairing(by=mentor.user, pairing=pairing)
    services.complete_pairing(by=county_staff, pairing=pairing, today=dt.date(2030, 12, 31))
    pairing.refresh_from_db()
    assert (pairing.status, pairing.signed_off_by) == (Pairing.Status.COMPLETED, county_staff)
    review = Review.objects.get(pairing=pairing, side="mentor")
    assert review.competences == SCORES and review.rating == 4


def test_hours_are_kept_to_a_tenth(pairing, mentor):
    assert _log(mentor.user, pairing, hours="1.25").hours == D("1.2")
