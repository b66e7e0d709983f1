"""Staff screens of awards (awards/viewsets.py): catalogue, campaigns, allocations,
nominations and honours.

Each screen for ``county_staff``, ``city_staff`` and ``outsider`` (another county's allocation
or nomination is a 404), the forms' happy paths and refusals, and query-count bounds.
"""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from awards import services
from awards.choices import Level, State
from awards.models import Allocation, Award, Campaign, Constraint, Honour, Nomination
from tests.awards.conftest import nominate
from tests.conftest import login
from tests.factories import WorkerFactory, confirmed_grade

NOW = dt.datetime(2026, 4, 10, 10, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def awards_url(namespace, view="index", *args):
    return reverse(f"awards_{namespace}:{view}", args=args)


def html(response) -> str:
    return response.content.decode()


def pdf(name="事迹.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def other_allocation(city_staff, campaign, other_county):
    services.update_campaign(by=city_staff, campaign=campaign, total_places=30)  # reserves 3
    return services.allocate(by=city_staff, campaign=campaign, federation=other_county, places=1)


def eligible(federation, name):
    worker = WorkerFactory(federation=federation, name=name, hire_date=dt.date(2020, 1, 1))
    confirmed_grade(worker, 2025, 20)
    return worker


@pytest.fixture
def other_nomination(outsider, other_allocation, other_county):
    return nominate(outsider, other_allocation, eligible(other_county, "赵敏"))


# 荣誉目录 -------------------------------------------------------------------------------------


def test_the_city_adds_an_award(client, city_staff):
    response = login(client, city_staff).post(
        awards_url("awards", "add"), {"name": "优秀工会工作者", "level": Level.CITY}
    )
    assert response.status_code == 302, html(response)
    assert Award.objects.get(name="优秀工会工作者").level == Level.CITY
    assert "市级" in html(client.get(awards_url("awards")))


def test_a_county_may_not_add_to_the_catalogue(client, county_staff):
    response = login(client, county_staff).post(
        awards_url("awards", "add"), {"name": "优秀工会工作者", "level": Level.CITY}
    )
    assert response.status_code == 200
    assert "只有市总工会可以维护荣誉目录。" in html(response)
    assert not Award.objects.exists()


# 评选活动 --------------------------------------------------------------------------------------


def test_open_a_campaign(client, city_staff, city, award):
    response = login(client, city_staff).post(
        awards_url("campaigns", "add"),
        {
            "award": award.pk,
            "year": 2027,
            "federation": city.pk,
            "total_places": 7,
            "nominate_from": "2027-04-01",
            "nominate_until": "2027-04-30",
            "review_rounds": 2,
        },
    )
    assert response.status_code == 302, html(response)
    campaign = Campaign.objects.get(year=2027)
    assert campaign.reserved_places == 1  # 10% of 7, rounded up
    assert response["Location"] == awards_url("campaigns", "inspect", campaign.pk)


def test_open_a_campaign_with_a_bad_window_saves_nothing(client, city_staff, city, award):
    response = login(client, city_staff).post(
        awards_url("campaigns", "add"),
        {
            "award": award.pk,
            "year": 2027,
            "federation": city.pk,
            "total_places": 7,
            "nominate_from": "2027-05-01",
            "nominate_until": "2027-04-30",
            "review_rounds": 1,
        },
    )
    assert response.status_code == 200
    assert "推荐截止日期不能早于开始日期。" in html(response)
    assert not Campaign.objects.filter(year=2027).exists()


def test_campaign_page_shows_allocated_and_left(client, city_staff, allocation, other_county):
    campaign = allocation.campaign
    services.update_campaign(by=city_staff, campaign=campaign, total_places=30)  # reserves 3
    page = html(login(client, city_staff).get(awards_url("campaigns", "inspect", campaign.pk)))
    assert "预留 3 个，已分配 2 个，剩余 1 个。" in page
    assert "涪城区" in page
    index = html(client.get(awards_url("campaigns")))
    assert "2 / 1" in index  # allocated / left


def test_county_sees_only_its_allocation(
    client, county_staff, outsider, allocation, other_allocation
):
    campaign = allocation.campaign
    page = html(login(client, county_staff).get(awards_url("campaigns", "inspect", campaign.pk)))
    assert "涪城区" in page and "游仙区" not in page
    assert "已分配" not in page  # the totals are the city's
    assert awards_url("campaigns", "allocate", campaign.pk) not in page


def test_campaign_without_an_allocation_is_a_404_for_a_county(client, outsider, campaign):
    login(client, outsider)
    assert client.get(awards_url("campaigns", "inspect", campaign.pk)).status_code == 404
    assert client.get(awards_url("campaigns", "edit", campaign.pk)).status_code == 404


def test_allocate_within_the_reserved_places(client, city_staff, campaign, county, other_county):
    login(client, city_staff)
    response = client.post(
        awards_url("campaigns", "allocate", campaign.pk),
        {"federation": county.pk, "places": 1, "label": "基层一线职工"},
    )
    assert response.status_code == 302, html(response)
    response = client.post(
        awards_url("campaigns", "allocate", campaign.pk),
        {"federation": other_county.pk, "places": 2},
    )
    assert response.status_code == 200
    assert "data-service-error" in html(response)
    assert Allocation.objects.count() == 1


def test_change_and_remove_an_allocation(client, city_staff, allocation):
    login(client, city_staff)
    url = awards_url("campaigns", "allocation", allocation.pk)
    assert client.post(url, {"places": 1}).status_code == 302
    allocation.refresh_from_db()
    assert allocation.places == 1
    assert client.post(url, {"places": 0}).status_code == 302
    assert not Allocation.objects.exists()


def test_county_may_not_change_its_allocation(client, county_staff, allocation):
    response = login(client, county_staff).post(
        awards_url("campaigns", "allocation", allocation.pk), {"places": 1}
    )
    assert response.status_code == 200
    assert "您无权管理该评选活动。" in html(response)
    allocation.refresh_from_db()
    assert allocation.places == 2


def test_set_constraints_and_see_them_checked(client, city_staff, nomination, county_staff):
    services.submit(by=county_staff, nomination=nomination, today=dt.date(2026, 4, 10))
    campaign = nomination.campaign
    login(client, city_staff)
    response = client.post(
        awards_url("campaigns", "constraints", campaign.pk),
        {"frontline_min": "60", "unit_head_max": "15", "female_min": "20"},
    )
    assert response.status_code == 302, html(response)
    assert Constraint.objects.filter(campaign=campaign).count() == 3
    page = html(client.get(awards_url("campaigns", "inspect", campaign.pk)))
    assert "一线职工不低于 60%" in page and "1 / 1（100.0%）" in page
    assert "女性不低于 20%" in page  # 张晓梅 is flagged a woman from the roster
    assert "不符合" not in page
    bad = client.post(awards_url("campaigns", "constraints", campaign.pk), {"frontline_min": "120"})
    assert bad.status_code == 200
    assert Constraint.objects.filter(campaign=campaign).count() == 3


@pytest.mark.parametrize("count", [1, 5])
def test_campaign_pages_query_count(
    count, client, city_staff, award, city, county, django_assert_max_num_queries
):
    for year in range(count):
        campaign = services.create_campaign(
            by=city_staff, award=award, year=2020 + year, federation=city, total_places=50,
            nominate_from=dt.date(2026, 4, 1), nominate_until=dt.date(2026, 4, 30),
        )  # fmt: skip
        services.allocate(by=city_staff, campaign=campaign, federation=county, places=2)
        services.set_constraints(by=city_staff, campaign=campaign, rows=[("frontline", "min", 60)])
    login(client, city_staff)
    with django_assert_max_num_queries(14):
        assert client.get(awards_url("campaigns")).status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(awards_url("campaigns", "inspect", campaign.pk)).status_code == 200


# 推荐 ----------------------------------------------------------------------------------------


def nomination_body(allocation, worker, **changes):
    body = {
        "allocation": allocation.pk,
        "worker": worker.pk,
        "categories": ["frontline"],
        "deeds": "扎根基层，服务职工。",
        "summary": "扎根基层服务职工",
        "unit_opinion": "同意推荐",
    }
    body.update(changes)
    return body


def test_nominate_with_an_attachment(client, county_staff, allocation, graded_worker):
    body = nomination_body(allocation, graded_worker, deeds_file=pdf())
    response = login(client, county_staff).post(awards_url("nominations", "add"), body)
    assert response.status_code == 302, html(response)
    nomination = Nomination.objects.get()
    assert nomination.state == State.DRAFT
    assert nomination.categories == ["female", "frontline"]  # female from the roster
    assert nomination.deeds_file.name.startswith("awards/deeds/")
    page = html(client.get(awards_url("nominations", "inspect", nomination.pk)))
    assert "符合推荐条件" in page
    download = client.get(awards_url("nominations", "download", nomination.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_nominate_an_ineligible_worker_shows_the_reasons(client, county_staff, allocation, county):
    newcomer = WorkerFactory(federation=county, name="新人", hire_date=dt.date(2026, 1, 1))
    response = login(client, county_staff).post(
        awards_url("nominations", "add"), nomination_body(allocation, newcomer)
    )
    assert response.status_code == 200
    assert "没有 2025 年度的考核等次。" in html(response)
    assert not Nomination.objects.exists()


def test_nominate_with_a_wrong_file_type_saves_nothing(
    client, county_staff, allocation, graded_worker
):
    body = nomination_body(allocation, graded_worker, deeds_file=pdf("事迹.pdf", b"not a pdf"))
    response = login(client, county_staff).post(awards_url("nominations", "add"), body)
    assert response.status_code == 200
    assert "附件内容与文件类型不符。" in html(response)
    body["deeds_file"] = SimpleUploadedFile("事迹.exe", b"MZ")
    response = client.post(awards_url("nominations", "add"), body)
    assert "附件须为 PDF 或 Word 文件。" in html(response)
    assert not Nomination.objects.exists()


def test_the_outsider_may_not_use_the_countys_allocation(
    client, outsider, allocation, graded_worker
):
    response = login(client, outsider).post(
        awards_url("nominations", "add"), nomination_body(allocation, graded_worker)
    )
    assert response.status_code == 200  # neither choice is offered: field errors
    assert not Nomination.objects.exists()


def test_edit_submit_and_withdraw(client, county_staff, nomination):
    login(client, county_staff)
    response = client.post(
        awards_url("nominations", "edit", nomination.pk),
        {
            "categories": ["frontline", "migrant"],
            "deeds": "新的事迹",
            "summary": "新的摘要",
            "unit_opinion": "同意",
        },
    )
    assert response.status_code == 302, html(response)
    nomination.refresh_from_db()
    assert nomination.deeds == "新的事迹"
    assert set(nomination.categories) >= {"frontline", "migrant"}
    assert client.post(awards_url("nominations", "submit", nomination.pk)).status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == State.SUBMITTED
    # Submitted: the edit screen sends the user back, and a POST changes nothing.
    edit = client.post(awards_url("nominations", "edit", nomination.pk), {"deeds": "改"})
    assert edit.status_code == 302
    nomination.refresh_from_db()
    assert nomination.deeds == "新的事迹"
    refused = client.post(awards_url("nominations", "withdraw", nomination.pk), {"reason": ""})
    assert refused.status_code == 200
    response = client.post(awards_url("nominations", "withdraw", nomination.pk), {"reason": "调动"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == State.WITHDRAWN and nomination.reason == "调动"
    assert ModelLogEntry.objects.filter(action="awards.withdraw").exists()


def test_submit_shows_the_reasons_it_is_refused(client, county_staff, nomination, graded_worker):
    graded_worker.status, graded_worker.left_on = graded_worker.Status.LEFT, dt.date(2026, 4, 9)
    graded_worker.save(update_fields=["status", "left_on"])
    login(client, county_staff)
    page = html(client.get(awards_url("nominations", "inspect", nomination.pk)))
    assert "不符合推荐条件" in page and "已离职。" in page
    response = client.post(awards_url("nominations", "submit", nomination.pk))
    assert response.status_code == 200
    assert "data-service-error" in html(response)
    nomination.refresh_from_db()
    assert nomination.state == State.DRAFT


def test_nomination_list_is_scoped_and_filtered(
    client, county_staff, city_staff, outsider, nomination, other_nomination
):
    county = html(login(client, county_staff).get(awards_url("nominations")))
    assert "张晓梅" in county and "赵敏" not in county
    city = html(login(client, city_staff).get(awards_url("nominations")))
    assert "张晓梅" in city and "赵敏" in city
    drafts = html(client.get(awards_url("nominations"), {"state": State.SUBMITTED}))
    assert "张晓梅" not in drafts
    mine = html(
        client.get(awards_url("nominations"), {"federation": nomination.allocation.federation_id})
    )
    assert "张晓梅" in mine and "赵敏" not in mine


def test_another_countys_nomination_is_a_404(client, outsider, nomination):
    nomination.deeds_file = pdf()
    nomination.save()
    login(client, outsider)
    for view in ("inspect", "edit", "submit", "withdraw", "download", "history"):
        response = client.get(awards_url("nominations", view, nomination.pk))
        assert response.status_code == 404, view
    response = client.post(awards_url("nominations", "withdraw", nomination.pk), {"reason": "x"})
    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.state == State.DRAFT


def test_download_without_a_file_is_a_404(client, county_staff, nomination):
    response = login(client, county_staff).get(awards_url("nominations", "download", nomination.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_nomination_pages_query_count(
    count, client, county_staff, campaign, county, city_staff, django_assert_max_num_queries
):
    allocation = services.allocate(by=city_staff, campaign=campaign, federation=county, places=2)
    services.update_campaign(by=city_staff, campaign=campaign, total_places=100)
    services.change_allocation(by=city_staff, allocation=allocation, places=10)
    for n in range(count):
        nomination = nominate(county_staff, allocation, eligible(county, f"工作者{n}"))
    login(client, county_staff)
    with django_assert_max_num_queries(16):
        assert client.get(awards_url("nominations")).status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(awards_url("nominations", "inspect", nomination.pk)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(awards_url("nominations", "add")).status_code == 200


# 获奖记录 ------------------------------------------------------------------------------------


def test_record_a_past_honour(client, county_staff, worker, award):
    response = login(client, county_staff).post(
        awards_url("honours", "add"), {"worker": worker.pk, "award": award.pk, "year": 2019}
    )
    assert response.status_code == 302, html(response)
    assert Honour.objects.get().year == 2019
    page = html(client.get(awards_url("honours")))
    assert "张晓梅" in page and "补录" in page


def test_the_outsider_may_not_record_the_countys_honour(client, outsider, worker, award):
    response = login(client, outsider).post(
        awards_url("honours", "add"), {"worker": worker.pk, "award": award.pk, "year": 2019}
    )
    assert response.status_code == 200
    assert not Honour.objects.exists()
    assert "张晓梅" not in html(client.get(awards_url("honours")))


@pytest.mark.parametrize("count", [1, 5])
def test_honour_list_query_count(
    count, client, county_staff, county, award, django_assert_max_num_queries
):
    for n in range(count):
        services.record_honour(
            by=county_staff, worker=WorkerFactory(federation=county), award=award, year=2010 + n
        )
    login(client, county_staff)
    with django_assert_max_num_queries(14):
        response = client.get(awards_url("honours"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == count
