"""The public notice (公示) and its objection form: no login, no personal numbers, bad input
refused with clear errors and nothing stored, CSRF and a rate limit per address."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards import services
from awards.choices import State
from awards.models import Objection
from tests.awards.conftest import TODAY, nominate
from tests.factories import PostingFactory, WorkerFactory, confirmed_grade

NOTICE_DAY = dt.date(2026, 6, 8)  # a Monday: the notice runs to Friday 2026-06-12
IN_WINDOW = dt.datetime(2026, 6, 9, 10, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _through_review(city_staff, county_staff, nomination):
    services.submit(by=county_staff, nomination=nomination, today=TODAY)
    services.review(by=city_staff, nomination=nomination, outcome="pass", comment="同意")


def _eligible(county, unit, name):
    worker = WorkerFactory(federation=county, name=name, hire_date=dt.date(2020, 1, 1))
    PostingFactory(worker=worker, unit=unit)
    confirmed_grade(worker, 2025, 20)
    return worker


@pytest.fixture
def on_notice(city_staff, county_staff, campaign, nomination):
    _through_review(city_staff, county_staff, nomination)
    services.start_notice(by=city_staff, campaign=campaign, today=NOTICE_DAY)
    nomination.refresh_from_db()
    return nomination


def _objection_url(nomination):
    return reverse("awards:objection", args=[nomination.campaign_id, nomination.pk])


def _body(**changes):
    body = {"name": "王某", "phone": "13800000000", "content": "该同志事迹材料与实际不符。"}
    body.update(changes)
    return body


def test_the_notice_shows_nominees_without_personal_numbers(client, on_notice, unit):
    worker = on_notice.worker
    with time_machine.travel(IN_WINDOW):
        index = client.get(reverse("awards:notice_index"))
        page = client.get(reverse("awards:notice", args=[on_notice.campaign_id]))
    assert index.status_code == 200 and "2026年市级五一劳动奖章" in index.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    for shown in (worker.name, unit.name, "一线职工", "扎根基层服务职工", "市级五一劳动奖章"):
        assert shown in html
    assert "2026年6月8日 至 2026年6月12日（5 个工作日）" in html
    assert "如何提出异议" in html and _objection_url(on_notice) in html
    for hidden in (worker.id_number, worker.mobile, "扎根基层，服务职工。", "同意推荐"):
        assert not hidden or hidden not in html


def test_campaigns_and_nominees_not_on_notice_are_not_found(client, campaign, nomination):
    assert client.get(reverse("awards:notice", args=[campaign.pk])).status_code == 404
    assert client.get(_objection_url(nomination)).status_code == 404
    assert client.post(_objection_url(nomination), _body()).status_code == 404
    assert not Objection.objects.exists()


def test_an_objection_is_filed_and_acknowledged_with_its_reference(client, on_notice):
    attachment = SimpleUploadedFile("盖章材料.pdf", PDF, content_type="application/pdf")
    with time_machine.travel(IN_WINDOW):
        response = client.post(_objection_url(on_notice), _body(attachment=attachment))
        page = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:objection_received")
    objection = Objection.objects.get()
    assert (objection.nomination, objection.name, objection.phone) == (
        on_notice,
        "王某",
        "13800000000",
    )
    assert objection.attachment.name.endswith(".pdf")
    assert objection.reference in page.content.decode()
    objection.attachment.delete(save=False)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"content": "假" * 100_000}, "content", "3000"),
        ({"name": "", "phone": "", "content": ""}, "name", "必需"),
        ({"phone": "not a phone"}, "phone", "有效的联系电话"),
        (
            {"attachment": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/pdf")},
            "attachment",
            "PDF 或 Word",
        ),
        (
            {"attachment": SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")},
            "attachment",
            "不符",
        ),
    ],
)
def test_bad_input_shows_field_errors_and_stores_nothing(
    client, on_notice, changes, field, message
):
    with time_machine.travel(IN_WINDOW):
        response = client.post(_objection_url(on_notice), _body(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Objection.objects.exists()


def test_after_the_window_the_form_is_closed_and_a_post_stores_nothing(client, on_notice):
    with time_machine.travel(AFTER):
        page = client.get(_objection_url(on_notice))
        assert "不在公示期内" in page.content.decode() and '<form method="post" enc' not in (
            page.content.decode()
        )
        notice = client.get(reverse("awards:notice", args=[on_notice.campaign_id]))
        assert "已结束" in notice.content.decode()
        assert _objection_url(on_notice) not in notice.content.decode()
        response = client.post(_objection_url(on_notice), _body())
    assert response.status_code == 200
    assert "不在公示期内" in " ".join(response.context["form"].non_field_errors())
    assert not Objection.objects.exists()


def test_the_form_needs_the_csrf_token(on_notice):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(IN_WINDOW):
        page = client.get(_objection_url(on_notice))
        assert "csrfmiddlewaretoken" in page.content.decode()
        response = client.post(_objection_url(on_notice), _body())
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_address(client, on_notice, settings):
    settings.AWARDS_OBJECTION_RATE = "2/h"
    url = _objection_url(on_notice)
    with time_machine.travel(IN_WINDOW):
        for _n in range(2):
            assert client.post(url, _body()).status_code == 302
        refused = client.post(url, _body())
        elsewhere = client.post(url, _body(), REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert elsewhere.status_code == 302
    assert Objection.objects.count() == 3


def test_received_without_an_objection_goes_to_the_notice(client):
    response = client.get(reverse("awards:objection_received"))
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:notice_index")


def test_the_pages_are_usable_in_english(client, on_notice):
    client.cookies["django_language"] = "en"
    with time_machine.travel(IN_WINDOW):
        page = client.get(reverse("awards:notice", args=[on_notice.campaign_id]))
    assert "How to object" in page.content.decode()


def test_query_counts_do_not_grow_with_nominees(
    client, django_assert_max_num_queries, city_staff, county_staff, campaign, allocation,
    county, unit, nomination,
):  # fmt: skip
    services.update_campaign(by=city_staff, campaign=campaign, total_places=60)  # 6 reserved
    services.change_allocation(by=city_staff, allocation=allocation, places=6)
    _through_review(city_staff, county_staff, nomination)
    services.start_notice(by=city_staff, campaign=campaign, today=NOTICE_DAY)
    notice_url = reverse("awards:notice", args=[campaign.pk])
    urls = (reverse("awards:notice_index"), notice_url, _objection_url(nomination))
    with time_machine.travel(IN_WINDOW):
        for url in urls:
            with django_assert_max_num_queries(4):
                assert client.get(url).status_code == 200
    # four more nominees on a second campaign's notice, the same bound
    campaign.nominations.update(state=State.REVIEW)  # take the first list off notice again
    campaign.notice_starts_on = campaign.notice_ends_on = None
    campaign.save()
    for n in range(4):
        extra = nominate(county_staff, allocation, _eligible(county, unit, f"候选{n}"))
        _through_review(city_staff, county_staff, extra)
    services.start_notice(by=city_staff, campaign=campaign, today=NOTICE_DAY)
    with time_machine.travel(IN_WINDOW):
        assert client.get(notice_url).content.decode().count('class="card nominee"') == 5
        assert "<dd>5</dd>" in client.get(urls[0]).content.decode()
        for url in urls:
            with django_assert_max_num_queries(4):
                assert client.get(url).status_code == 200
