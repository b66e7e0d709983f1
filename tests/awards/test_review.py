"""The city's review screens (awards/review_views.py): queue and rounds, notice, objections,
approval with the constraint checks, the quota dashboard, the 推荐名单 XLSX and the 公示 PDF."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.choices import ObjectionState, State
from awards.models import Honour, Nomination, ReviewRound
from tests.factories import WorkerFactory, confirmed_grade

from .conftest import TODAY, nominate

pytestmark = pytest.mark.django_db

NOON = dt.time(10, 0)


def at(day: dt.date):
    """Freeze the clock on ``day`` (the views read today from it)."""
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, NOON)), tick=False)


def graded(federation, name):
    worker = WorkerFactory(federation=federation, name=name)
    confirmed_grade(worker, 2024, 20)
    confirmed_grade(worker, 2025, 20)
    return worker


def pass_all(by, nomination):
    for _n in range(nomination.campaign.review_rounds):
        services.review(by=by, nomination=nomination, outcome="pass", comment="通过")


def on_notice(city_staff, county_staff, nomination):
    """Submit, pass every round and put the campaign on notice on ``TODAY``."""
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    pass_all(city_staff, nomination)
    services.start_notice(by=city_staff, campaign=nomination.campaign, today=TODAY)
    nomination.campaign.refresh_from_db()
    return nomination


def pdf_upload():
    return SimpleUploadedFile("异议.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")


@pytest.fixture
def listed(city_staff, county_staff, nomination):
    return on_notice(city_staff, county_staff, nomination)


@pytest.fixture
def objection(listed):
    return services.file_objection(
        nomination=listed,
        name="张明",
        phone="13800000000",
        content="请核实。",
        attachment=pdf_upload(),
        today=TODAY,
    )


# Query bounds ---------------------------------------------------------------------------------


def _many(city_staff, county_staff, campaign, county, count: int):
    """``count`` submitted nominations (the first passed every round) and an open objection."""
    campaign = services.update_campaign(by=city_staff, campaign=campaign, total_places=100)
    services.set_constraints(
        by=city_staff, campaign=campaign, rows=[("frontline", "min", 60), ("female", "min", 20)]
    )
    allocation = services.allocate(
        by=city_staff, campaign=campaign, federation=county, places=count, label="基层一线"
    )
    nominations = []
    for number in range(count):
        nomination = nominate(county_staff, allocation, graded(county, f"职工{number}"))
        services.submit(by=county_staff, nomination=nomination, today=TODAY)
        services.review(
            by=city_staff, nomination=nomination, outcome="pass", comment="好", score=90
        )
        nominations.append(nomination)
    services.start_notice(by=city_staff, campaign=campaign, today=TODAY)
    services.file_objection(
        nomination=nominations[0], name="甲", phone="1", content="异议", today=TODAY
    )
    return campaign, nominations


@pytest.mark.parametrize("count", [1, 5])
def test_pages_query_count_does_not_grow(
    count, client, city_staff, county_staff, campaign, county, django_assert_max_num_queries
):
    campaign, nominations = _many(city_staff, county_staff, campaign, county, count)
    objection = nominations[0].objections.get()
    client.force_login(city_staff)
    pages = [
        reverse("awards_review:index"),
        reverse("awards_review:campaign", args=[campaign.pk]),
        reverse("awards_review:review", args=[nominations[-1].pk]),
        reverse("awards_review:notice", args=[campaign.pk]),
        reverse("awards_review:approve", args=[campaign.pk]),
        reverse("awards_review:export", args=[campaign.pk]),
        reverse("awards_objections:index"),
        reverse("awards_objections:handle", args=[objection.pk]),
        reverse("awards_quota:index") + f"?campaign={campaign.pk}",
    ]
    with at(TODAY):
        for page in pages:
            with django_assert_max_num_queries(25):
                response = client.get(page)
            assert response.status_code == 200, page
        with django_assert_max_num_queries(25):
            response = client.get(reverse("awards_review:notice_pdf", args=[campaign.pk]))
        assert response.status_code == 200


# Scope ----------------------------------------------------------------------------------------


@pytest.fixture
def county_campaign(city_staff, county_staff, award, county, park):
    """A campaign run by the county (涪城区) with a nominee of its park on notice and an
    objection: the outsider (游仙区) reaches none of it."""
    campaign = services.create_campaign(
        by=county_staff,
        award=award,
        year=2026,
        federation=county,
        total_places=10,
        nominate_from=dt.date(2026, 4, 1),
        nominate_until=dt.date(2026, 4, 30),
    )
    allocation = services.allocate(by=county_staff, campaign=campaign, federation=park, places=1)
    nomination = nominate(county_staff, allocation, graded(park, "园区职工"))
    on_notice(county_staff, county_staff, nomination)
    objection = services.file_objection(
        nomination=nomination,
        name="乙",
        phone="2",
        content="异议",
        attachment=pdf_upload(),
        today=TODAY,
    )
    return campaign, nomination, objection


def _county_urls(campaign, nomination, objection):
    return [
        reverse("awards_review:campaign", args=[campaign.pk]),
        reverse("awards_review:review", args=[nomination.pk]),
        reverse("awards_review:notice", args=[campaign.pk]),
        reverse("awards_review:approve", args=[campaign.pk]),
        reverse("awards_review:export", args=[campaign.pk]),
        reverse("awards_review:notice_pdf", args=[campaign.pk]),
        reverse("awards_objections:handle", args=[objection.pk]),
        reverse("awards_objections:attachment", args=[objection.pk]),
        reverse("awards_quota:index") + f"?campaign={campaign.pk}",
    ]


def test_another_countys_campaign_is_a_404(client, county_campaign, county_staff, outsider):
    urls = _county_urls(*county_campaign)
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in urls[1:4] + urls[6:7]:
        assert client.post(url, {"outcome": "pass", "comment": "x", "answer": "x"}).status_code == (
            404
        ), url
    campaign, nomination, objection = county_campaign
    nomination.refresh_from_db()
    objection.refresh_from_db()
    assert nomination.state == State.NOTICE and objection.state == ObjectionState.OPEN
    client.force_login(county_staff)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_lists_leave_out_other_federations_campaigns(client, county_campaign, listed, outsider):
    client.force_login(outsider)
    assert "五一劳动奖章" not in client.get(reverse("awards_review:index")).content.decode()
    assert "data-objection=" not in client.get(reverse("awards_objections:index")).content.decode()


def test_county_staff_do_not_review_the_citys_campaign(client, county_staff, nomination):
    client.force_login(county_staff)
    url = reverse("awards_review:campaign", args=[nomination.campaign_id])
    assert client.get(url).status_code == 404
    assert client.get(reverse("awards_review:review", args=[nomination.pk])).status_code == 404


# Review rounds --------------------------------------------------------------------------------


def test_review_round_passes_with_comment_and_score(client, city_staff, county_staff, nomination):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    client.force_login(city_staff)
    url = reverse("awards_review:review", args=[nomination.pk])
    response = client.post(url, {"outcome": "pass", "comment": "事迹突出", "score": "92.5"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.state, nomination.round) == (State.REVIEW, 1)
    entry = ReviewRound.objects.get(nomination=nomination)
    assert (entry.comment, str(entry.score)) == ("事迹突出", "92.50")
    page = client.get(reverse("awards_review:campaign", args=[nomination.campaign_id]))
    assert "事迹突出" in page.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "pass", "comment": ""},
        {"outcome": "pass", "comment": "好", "score": "101"},
        {"outcome": "maybe", "comment": "好"},
        {"outcome": "pass", "comment": "长" * 501},
    ],
)
def test_bad_review_input_saves_nothing(client, city_staff, county_staff, nomination, body):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    client.force_login(city_staff)
    response = client.post(reverse("awards_review:review", args=[nomination.pk]), body)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ReviewRound.objects.exists()


def test_return_and_reject_free_or_keep_the_place(client, city_staff, county_staff, nomination):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    client.force_login(city_staff)
    url = reverse("awards_review:review", args=[nomination.pk])
    client.post(url, {"outcome": "return", "comment": "补充材料"})
    nomination.refresh_from_db()
    assert nomination.state == State.RETURNED
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    client.post(url, {"outcome": "reject", "comment": "不符合条件"})
    nomination.refresh_from_db()
    assert nomination.state == State.REJECTED


# Refusals shown -------------------------------------------------------------------------------


def test_a_pass_past_the_last_round_is_refused_on_the_form(
    client, city_staff, county_staff, nomination
):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    pass_all(city_staff, nomination)
    client.force_login(city_staff)
    response = client.post(
        reverse("awards_review:review", args=[nomination.pk]), {"outcome": "pass", "comment": "再"}
    )
    assert response.status_code == 200
    assert "已通过全部 1 轮审核，等待公示。" in response.content.decode()
    assert ReviewRound.objects.count() == 1


def test_starting_a_notice_with_nobody_ready_is_refused(client, city_staff, campaign, nomination):
    client.force_login(city_staff)
    with at(TODAY):
        response = client.post(reverse("awards_review:notice", args=[campaign.pk]))
    assert response.status_code == 200
    assert "没有通过全部审核轮次的推荐。" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.notice_starts_on is None


def test_approval_before_the_window_ends_is_refused(client, city_staff, listed):
    campaign = listed.campaign
    client.force_login(city_staff)
    with at(TODAY):
        response = client.post(reverse("awards_review:approve", args=[campaign.pk]), {})
    assert response.status_code == 200
    assert f"公示期至 {campaign.notice_ends_on.isoformat()} 结束" in response.content.decode()
    listed.refresh_from_db()
    assert listed.state == State.NOTICE


def test_approval_waits_for_open_objections(client, city_staff, objection):
    campaign = objection.nomination.campaign
    client.force_login(city_staff)
    with at(campaign.notice_ends_on + dt.timedelta(days=1)):
        page = client.get(reverse("awards_review:approve", args=[campaign.pk]))
        assert "还有 1 件异议未处理。" in page.content.decode()
        response = client.post(reverse("awards_review:approve", args=[campaign.pk]), {})
    assert "还有 1 件异议未处理。" in response.content.decode()
    assert not Honour.objects.exists()


# Notice ---------------------------------------------------------------------------------------


def test_notice_page_shows_the_window_in_working_days(client, city_staff, county_staff, nomination):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    pass_all(city_staff, nomination)
    client.force_login(city_staff)
    url = reverse("awards_review:notice", args=[nomination.campaign_id])
    # 2026-04-30 (Thursday): 5 working days skip the 劳动节 holiday (5月1日-5日) and count
    # Saturday 5月9日, a 调休 working day.
    with at(dt.date(2026, 4, 30)):
        page = client.get(url).content.decode()
        assert "2026-04-30 至 2026-05-09" in page
        assert "data-unknown-years" not in page
        response = client.post(url)
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == State.NOTICE
    nomination.campaign.refresh_from_db()
    assert nomination.campaign.notice_ends_on == dt.date(2026, 5, 9)


def test_notice_page_warns_when_the_holiday_calendar_is_unknown(
    client, city_staff, county_staff, nomination
):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    with at(dt.date(2099, 6, 1)):
        client.force_login(city_staff)  # a session from today would have expired by then
        page = client.get(reverse("awards_review:notice", args=[nomination.campaign_id]))
    assert "data-unknown-years" in page.content.decode()
    assert "2099" in page.content.decode()


# Objections -----------------------------------------------------------------------------------


def test_staff_download_the_attachment_and_uphold(client, city_staff, objection):
    client.force_login(city_staff)
    response = client.get(reverse("awards_objections:attachment", args=[objection.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert objection.reference in response["Content-Disposition"]
    index = client.get(reverse("awards_objections:index") + "?state=0").content.decode()
    assert objection.reference in index
    response = client.post(
        reverse("awards_objections:handle", args=[objection.pk]),
        {"upheld": "uphold", "answer": "经核实属实"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD
    assert Nomination.objects.get(pk=objection.nomination_id).state == State.WITHDRAWN


def test_an_objection_needs_an_answer_and_is_handled_once(client, city_staff, objection):
    client.force_login(city_staff)
    url = reverse("awards_objections:handle", args=[objection.pk])
    response = client.post(url, {"upheld": "dismiss", "answer": ""})
    assert response.status_code == 200 and response.context["form"].errors
    client.post(url, {"upheld": "dismiss", "answer": "不属实"})
    response = client.post(url, {"upheld": "uphold", "answer": "再次"})
    assert "该异议已处理。" in response.content.decode()
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED


def test_objection_filters_reject_nonsense(client, city_staff):
    client.force_login(city_staff)
    assert client.get(reverse("awards_objections:index") + "?state=x").status_code == 404
    assert client.get(reverse("awards_objections:attachment", args=[999])).status_code == 404


# Approval -------------------------------------------------------------------------------------


def test_a_failing_list_is_approved_only_with_a_reason(client, city_staff, listed):
    campaign = listed.campaign
    services.set_constraints(by=city_staff, campaign=campaign, rows=[("unit_head", "min", 50)])
    client.force_login(city_staff)
    url = reverse("awards_review:approve", args=[campaign.pk])
    with at(campaign.notice_ends_on + dt.timedelta(days=1)):
        page = client.get(url).content.decode()
        assert 'data-passed="0"' in page and "0 / 1" in page
        response = client.post(url, {"reason": ""})
        assert "名单不符合比例要求，批准须填写理由。" in response.content.decode()
        assert not Honour.objects.exists()
        response = client.post(url, {"reason": "本年度单位负责人推荐不足，经研究同意"})
    assert response.status_code == 302
    listed.refresh_from_db()
    assert listed.state == State.APPROVED
    assert Honour.objects.get().worker_id == listed.worker_id


# Dashboard and exports ------------------------------------------------------------------------


def test_dashboard_counts_and_chart(client, city_staff, county_staff, campaign, county):
    _many(city_staff, county_staff, campaign, county, 3)
    client.force_login(city_staff)
    response = client.get(reverse("awards_quota:index"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.name, row.allocated, row.nominated, row.approved, left) for row, left in rows] == [
        (county.display_name, 3, 3, 0, 0)
    ]
    page = response.content.decode()
    assert "<svg" in page and "data-constraint-checks" in page
    assert client.get(reverse("awards_quota:index") + "?campaign=x").status_code == 404


def test_nominee_list_xlsx(client, city_staff, listed):
    client.force_login(city_staff)
    response = client.get(reverse("awards_review:export", args=[listed.campaign_id]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "姓名", "性别")
    assert rows[1][1] == listed.worker.name and rows[1][7] == "公示中"
    assert listed.worker.id_number not in str(rows)


def test_notice_pdf_is_chinese_and_leaves_out_id_and_mobile(client, city_staff, listed):
    from awards.review_views import notice_pdf_html
    from awards.selectors import notice_list

    client.force_login(city_staff)
    response = client.get(reverse("awards_review:notice_pdf", args=[listed.campaign_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = notice_pdf_html(listed.campaign, notice_list(listed.campaign), today=TODAY)
    assert "拟表彰人选公示" in html and listed.worker.name in html
    assert listed.worker.id_number not in html


def test_notice_pdf_without_anyone_on_notice_is_a_404(client, city_staff, campaign):
    client.force_login(city_staff)
    assert client.get(reverse("awards_review:notice_pdf", args=[campaign.pk])).status_code == 404
