"""The awards services: campaigns, allocations, nominations, review, notice, objections."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import selectors, services
from awards.choices import Bound, Level, ObjectionState, State
from awards.models import Allocation, Campaign, Honour, Nomination
from awards.services import AwardsError
from tests.awards.conftest import TODAY, nominate
from tests.factories import WorkerFactory, confirmed_grade


def _eligible(federation, **kwargs):
    worker = WorkerFactory(federation=federation, hire_date=dt.date(2020, 1, 1), **kwargs)
    confirmed_grade(worker, 2025, 20)
    return worker


def test_a_campaign_reserves_its_share_rounded_up(campaign):
    assert (campaign.reserved_percent, campaign.reserved_places) == (10, 2)
    assert campaign.notice_working_days == 5


def test_update_campaign_keeps_reserved_at_least_allocated(city_staff, campaign, allocation):
    with pytest.raises(AwardsError, match="已分配 2 个名额"):
        services.update_campaign(by=city_staff, campaign=campaign, total_places=7)
    services.update_campaign(by=city_staff, campaign=campaign, total_places=11)
    campaign.refresh_from_db()
    assert campaign.reserved_places == 2


def test_allocations_never_add_up_past_the_reserved_places(
    city_staff, campaign, county, other_county
):
    services.allocate(by=city_staff, campaign=campaign, federation=county, places=1)
    with pytest.raises(AwardsError, match="最多还能分配 1 个"):
        services.allocate(by=city_staff, campaign=campaign, federation=other_county, places=2)
    services.allocate(
        by=city_staff, campaign=campaign, federation=other_county, places=1, label="企业负责人"
    )


def test_only_the_running_federation_allocates(county_staff, campaign, county):
    with pytest.raises(AwardsError):
        services.allocate(by=county_staff, campaign=campaign, federation=county, places=1)


def test_nominate_checks_eligibility_with_reasons(county_staff, allocation, worker):
    with pytest.raises(AwardsError, match="没有 2025 年度的考核等次"):
        nominate(county_staff, allocation, worker)


def test_nominate_takes_a_place_and_withdraw_frees_it(county_staff, allocation, nomination, county):
    second = nominate(county_staff, allocation, _eligible(county))
    with pytest.raises(AwardsError, match="名额已用完"):
        nominate(county_staff, allocation, _eligible(county))
    services.withdraw(by=county_staff, nomination=second, reason="本人放弃")
    nominate(county_staff, allocation, _eligible(county))


def test_a_worker_is_nominated_once_per_campaign(county_staff, allocation, nomination):
    with pytest.raises(AwardsError, match="已在本次评选中被推荐"):
        nominate(county_staff, allocation, nomination.worker)


def test_another_county_cannot_use_the_allocation(outsider, allocation, other_worker):
    confirmed_grade(other_worker, 2025, 20)
    with pytest.raises(AwardsError, match="无权"):
        nominate(outsider, allocation, other_worker)


def test_only_workers_of_the_subtree(county_staff, allocation, other_county):
    with pytest.raises(AwardsError, match="本单位及下级"):
        nominate(county_staff, allocation, _eligible(other_county))


def test_outside_the_window(county_staff, allocation, graded_worker):
    with pytest.raises(AwardsError, match="推荐时间为"):
        nominate(county_staff, allocation, graded_worker, today=dt.date(2026, 5, 1))


def test_women_are_flagged_from_the_roster(county_staff, allocation, county):
    woman = _eligible(county, gender="F")
    man = _eligible(county, gender="M")
    assert nominate(county_staff, allocation, woman, categories=["frontline"]).categories == [
        "female",
        "frontline",
    ]
    assert nominate(
        county_staff, allocation, man, categories=["female", "frontline"]
    ).categories == ["frontline"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("deeds.exe", b"MZ..", "PDF 或 Word"),
        ("deeds.pdf", b"not a pdf", "不符"),
        ("deeds.docx", b"%PDF-1.4", "不符"),
    ],
)
def test_attachments_are_type_checked(
    county_staff, allocation, graded_worker, name, content, message
):
    with pytest.raises(AwardsError, match=message):
        nominate(
            county_staff, allocation, graded_worker, deeds_file=SimpleUploadedFile(name, content)
        )
    assert not Nomination.objects.exists()


def test_attachment_size_limit(county_staff, allocation, graded_worker, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", 10)
    with pytest.raises(AwardsError, match="10 MB"):
        nominate(
            county_staff,
            allocation,
            graded_worker,
            deeds_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 long file"),
        )


def _through_review(city_staff, county_staff, nomination):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    services.review(by=city_staff, nomination=nomination, outcome="pass", comment="事迹突出")


def test_the_whole_way_to_approval(
    city_staff, county_staff, campaign, nomination, django_capture_on_commit_callbacks
):
    county_staff.email = "county@example.org"
    county_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(by=county_staff, nomination=nomination, today=TODAY)
    assert mail.outbox[0].bcc == ["county@example.org"]
    nomination.refresh_from_db()
    assert nomination.state == State.SUBMITTED
    with pytest.raises(AwardsError, match="推荐已提交"):
        services.update_nomination(by=county_staff, nomination=nomination, deeds="改")
    services.review(by=city_staff, nomination=nomination, outcome="return", comment="请补充材料")
    nomination.refresh_from_db()
    assert nomination.state == State.RETURNED
    services.update_nomination(by=county_staff, nomination=nomination, deeds="补充后的事迹")
    _through_review(city_staff, county_staff, nomination)
    # a Friday: 5 working days run to the next Thursday
    [listed] = services.start_notice(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 5))
    campaign.refresh_from_db()
    assert (campaign.notice_starts_on, campaign.notice_ends_on) == (
        dt.date(2026, 6, 5),
        dt.date(2026, 6, 11),
    )
    objection = services.file_objection(
        nomination=listed,
        name="某职工",
        phone="13800000000",
        content="事迹有出入",
        today=dt.date(2026, 6, 8),
    )
    assert objection.reference.startswith("YY2026")
    with pytest.raises(AwardsError, match="公示期至 2026-06-11"):
        services.approve(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 11))
    with pytest.raises(AwardsError, match="1 件异议未处理"):
        services.approve(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 12))
    services.handle_objection(
        by=city_staff, objection=objection, upheld=False, answer="经核实，事迹属实"
    )
    [approved] = services.approve(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 12))
    assert approved.state == State.APPROVED
    assert Honour.objects.get().worker == nomination.worker
    assert [h.year for h in selectors.honours_of(nomination.worker)] == [2026]
    with pytest.raises(AwardsError):
        services.withdraw(by=county_staff, nomination=approved, reason="x")


def test_an_upheld_objection_withdraws_and_frees_the_place(
    city_staff, county_staff, campaign, nomination
):
    _through_review(city_staff, county_staff, nomination)
    services.start_notice(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 8))
    objection = services.file_objection(
        nomination=nomination,
        name="某单位",
        phone="0816-1234567",
        content="材料不实",
        today=dt.date(2026, 6, 9),
    )
    services.handle_objection(
        by=city_staff, objection=objection, upheld=True, answer="查实材料不实"
    )
    nomination.refresh_from_db()
    objection.refresh_from_db()
    assert nomination.state == State.WITHDRAWN and objection.state == ObjectionState.UPHELD
    assert nomination.allocation.nominations.holding().count() == 0


def test_objections_only_during_the_notice(city_staff, county_staff, campaign, nomination):
    with pytest.raises(AwardsError, match="不在公示中"):
        services.file_objection(
            nomination=nomination, name="a", phone="1", content="c", today=TODAY
        )
    _through_review(city_staff, county_staff, nomination)
    services.start_notice(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 8))
    with pytest.raises(AwardsError, match="不在公示期内"):
        services.file_objection(
            nomination=nomination, name="a", phone="1", content="c", today=dt.date(2026, 6, 20)
        )


def test_a_list_failing_a_constraint_needs_a_reason(city_staff, county_staff, campaign, nomination):
    services.set_constraints(
        by=city_staff, campaign=campaign, rows=[("unit_head", Bound.AT_LEAST, 50)]
    )
    _through_review(city_staff, county_staff, nomination)
    services.start_notice(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 8))
    [check] = selectors.constraint_checks(campaign)
    assert (check.count, check.total, check.passed) == (0, 1, False)
    with pytest.raises(AwardsError, match="须填写理由"):
        services.approve(by=city_staff, campaign=campaign, today=dt.date(2026, 6, 30))
    services.approve(
        by=city_staff,
        campaign=campaign,
        today=dt.date(2026, 6, 30),
        reason="本年度推荐人选均为一线",
    )


def test_a_past_winner_is_refused(city_staff, county_staff, allocation, graded_worker, award):
    higher = services.create_award(by=city_staff, name="五一劳动奖章", level=Level.PROVINCIAL)
    services.record_honour(by=county_staff, worker=graded_worker, award=higher, year=2024)
    with pytest.raises(AwardsError, match="同级或更高级别"):
        nominate(county_staff, allocation, graded_worker)


def test_quota_rows(campaign, allocation, nomination):
    rows = selectors.quota_rows(Campaign.objects.all(), Allocation.objects.all())
    assert [(r.name, r.allocated, r.nominated, r.approved) for r in rows] == [
        ("涪城区总工会", 2, 1, 0)
    ]
