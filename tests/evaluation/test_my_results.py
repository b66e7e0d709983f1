"""The worker's "我的考核" (me/evaluation/): confirmed grades, totals and scores per kind, their
own only; and its link in the site header and on the worker's page (lms/nav.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.choices import Grade
from tests.conftest import login
from tests.evaluation.conftest import answer, kinds_of, make_cycle
from tests.factories import UserFactory

URL = "/me/evaluation/"


def scored_cycle(by, federation, year: int, scores: dict[str, int], *, comment: str = ""):
    """Return ``federation``'s cycle of ``year``, scored: every covered worker answered for."""
    cycle = make_cycle(
        by, federation, year=year, opens_on=dt.date(year, 3, 1), closes_on=dt.date(year, 3, 31)
    )
    services.start_collecting(by=by, cycle=cycle)
    kinds = kinds_of(cycle)
    for assessment in cycle.assessments.all():
        for name, score in scores.items():
            for made in answer(assessment, kinds[name], score, n=kinds[name].min_answers):
                made.comment = comment
                made.save()
    return services.close_collecting(by=by, cycle=cycle)


def confirmed_cycle(by, federation, year: int, scores: dict[str, int], **kwargs):
    cycle = scored_cycle(by, federation, year, scores, **kwargs)
    return services.confirm_cycle(by=by, cycle=cycle)


ALL_80 = {"用人单位": 80, "服务企业": 80, "服务对象": 80}


def test_url():
    assert reverse("evaluation:my_results") == URL


def test_a_worker_sees_grade_total_and_scores_per_kind(client, worker, county_staff, county):
    confirmed_cycle(
        county_staff, county, 2025, {"用人单位": 90, "服务企业": 70, "服务对象": 80},
        comment="这条意见不该出现",
    )  # fmt: skip
    response = login(client, worker.user).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2025 年度" in page and "合格" in page
    assert "81.00" in page  # 0.4 × 90 + 0.3 × 70 + 0.3 × 80
    for name, weight, mean, count in [
        ("用人单位", 40, "90.00", 1),
        ("服务企业", 30, "70.00", 3),
        ("服务对象", 30, "80.00", 10),
    ]:
        assert (
            f"<tr><td>{name}</td><td>{weight}%</td>\n        <td>{mean}</td>\n"
            f"        <td>{count}</td></tr>"
        ) in page
    assert "这条意见不该出现" not in page  # never comments or single answers
    assert worker.id_number not in page


def test_an_adjusted_grade_shows_its_reason(client, worker, county_staff, county):
    cycle = scored_cycle(county_staff, county, 2025, ALL_80)
    assessment = cycle.assessments.get(worker=worker)
    services.set_grade(
        by=county_staff, assessment=assessment, grade=Grade.BASIC, reason="年度内受到通报批评"
    )
    services.confirm_cycle(by=county_staff, cycle=cycle)
    page = login(client, worker.user).get(URL).content.decode()
    assert "基本合格" in page
    assert "建议等次为“合格”，经审核调整。" in page and "年度内受到通报批评" in page


def test_the_competent_label_set(client, worker, county_staff, county):
    cycle = scored_cycle(county_staff, county, 2025, ALL_80)
    type(cycle).objects.filter(pk=cycle.pk).update(label_set="competent")
    services.confirm_cycle(by=county_staff, cycle=cycle)
    page = login(client, worker.user).get(URL).content.decode()
    assert 'class="badge grade grade-20">称职</span>' in page


def test_only_confirmed_results(client, worker, county_staff, county):
    scored_cycle(county_staff, county, 2025, ALL_80)  # being scored: not yet
    page = login(client, worker.user).get(URL).content.decode()
    assert "2025 年度" not in page and "暂无已确认的考核结果" in page


def test_a_worker_sees_only_their_own(client, worker, other_worker, outsider, other_county):
    confirmed_cycle(outsider, other_county, 2025, ALL_80)
    page = login(client, worker.user).get(URL).content.decode()
    assert "2025 年度" not in page and "暂无已确认的考核结果" in page


def test_staff_without_a_worker_record_get_an_empty_state(client, county_staff, county, worker):
    confirmed_cycle(county_staff, county, 2025, ALL_80)
    response = login(client, county_staff).get(URL)
    assert response.status_code == 200
    assert "没有社会化工会工作者档案" in response.content.decode()
    assert "2025 年度" not in response.content.decode()


def test_sign_in_first(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_post_is_refused(client, worker):
    assert login(client, worker.user).post(URL).status_code == 405


@pytest.mark.parametrize("years", [1, 3])
def test_queries_do_not_grow_with_years(
    client, worker, county_staff, county, years, django_assert_max_num_queries
):
    for year in range(2025, 2025 + years):
        confirmed_cycle(county_staff, county, year, ALL_80)
    login(client, worker.user)
    # Session, user; assessments, kinds, answers; the header's worker (which 我的考核 reuses),
    # mentoring links and the two permission lookups for its admin link.
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.content.decode().count('class="card result"') == years


# The link ---------------------------------------------------------------------------------------


def test_a_worker_has_the_link_in_the_header_and_on_my_page(client, worker):
    page = login(client, worker.user).get(reverse("workforce:my_page")).content.decode()
    assert page.count(f'href="{URL}"') == 2  # the header, the card
    assert 'id="my-evaluation-links"' in page


def test_people_without_a_worker_record_have_no_link(client, county_staff):
    verify = reverse("certificates:verify_search")  # a page with the site header
    assert URL not in login(client, county_staff).get(verify).content.decode()
    assert URL not in login(client, UserFactory()).get(verify).content.decode()
    client.logout()
    assert URL not in client.get(verify).content.decode()
