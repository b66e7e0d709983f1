"""Scoring screens (evaluation/scoring_views.py): staff scores, closing, the scoring table,
grades, confirmation, the export, 考核结果统计 and the cycle overview's panel.

``scored`` is 涪城区's cycle, closed with ten covered workers and a 20% share (2 优秀 places):
95 is proposed 优秀, the two 93s are tied at the boundary (staff choose), 91 is beyond the cap,
and one worker has no answers (incomplete).
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluation import services
from evaluation.choices import Channel, Grade, LabelSet, State
from evaluation.models import Answer, Assessment
from evaluation.services import ItemSpec, KindSpec
from tests.conftest import login
from tests.evaluation.conftest import answer, kinds_of, make_cycle
from tests.factories import PostingFactory, WorkerFactory, make_federation

pytestmark = pytest.mark.django_db

SCORES = [95, 93, 93, 91, 80, 80, 80, 75, 65, None]
NAMES = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]


def cycle_url(view, cycle, *args):
    return reverse(f"evaluation_cycles:{view}", args=[cycle.pk, *args])


def html(response) -> str:
    return response.content.decode()


def cover(cycle, names, *, unit=None):
    """Cover one new worker per name (posted to ``unit`` when given); return the assessments."""
    rows = []
    for name in names:
        worker = WorkerFactory(federation=cycle.federation, name=name)
        if unit is not None:
            PostingFactory(worker=worker, unit=unit)
        rows.append(Assessment.objects.create(cycle=cycle, worker=worker))
    return rows


def score(cycle, assessments, totals):
    """Give each assessment enough answers of every kind at its total (None: no answers)."""
    kinds = list(cycle.kinds.all())
    for assessment, total in zip(assessments, totals, strict=True):
        if total is not None:
            for kind in kinds:
                answer(assessment, kind, total, kind.min_answers)


@pytest.fixture
def scored(cycle, county_staff, worker):
    """The cycle closed with SCORES; ``worker`` (张晓梅) has no answers."""
    services.update_cycle(by=county_staff, cycle=cycle, excellent_share_percent=20)
    services.start_collecting(by=county_staff, cycle=cycle)
    rows = cover(cycle, NAMES[:9])
    score(cycle, rows, SCORES[:9])
    services.close_collecting(by=county_staff, cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def by_name(cycle, name):
    return cycle.assessments.get(worker__name=name)


# The scoring table -----------------------------------------------------------------------------


def test_live_preview_while_collecting(client, collecting, county_staff, assessment):
    kinds = kinds_of(collecting)
    answer(assessment, kinds["用人单位"], 90)
    answer(assessment, kinds["服务企业"], 80, 2)  # at least 3 needed
    page = html(login(client, county_staff).get(cycle_url("scoring", collecting)))
    assert "data-live-preview" in page
    assert "90.00 (1)" in page and "80.00 (2)" in page
    assert page.count("data-short") == 2  # 服务企业 2 of 3, 服务对象 0 of 10
    assert 'data-flag="incomplete"' in page and "不完整" in page
    assert "data-grade-link" not in page and 'data-flag="ungraded"' not in page
    assert cycle_url("close", collecting) in page


def test_the_table_shows_ties_the_cap_and_incomplete_scores(client, scored, county_staff):
    page = html(login(client, county_staff).get(cycle_url("scoring", scored)))
    assert "data-covered>10<" in page and "data-cap>2<" in page
    assert "data-excellent>1<" in page  # 95 only: the 93s wait for staff
    assert "data-ties>2<" in page and "data-ungraded>3<" in page
    assert page.count('data-flag="tie"') == 2
    assert page.count('data-flag="capped"') == 1
    assert page.count('data-flag="incomplete"') == 1
    assert page.count("data-grade-link") == 10
    assert cycle_url("confirm", scored) in page


def test_filter_and_sort(client, scored, county_staff):
    login(client, county_staff)
    ties = html(client.get(cycle_url("scoring", scored), {"flag": "tie"}))
    assert ties.count("data-assessment=") == 2 and "乙" in ties and "甲" not in ties
    ungraded = html(client.get(cycle_url("scoring", scored), {"grade": "none"}))
    assert ungraded.count("data-assessment=") == 3
    excellent = html(client.get(cycle_url("scoring", scored), {"grade": Grade.EXCELLENT}))
    assert excellent.count("data-assessment=") == 1
    ordered = html(client.get(cycle_url("scoring", scored), {"order": "-total"}))
    names = [ordered.index(f'<th scope="row">{name}<') for name in ("甲", "丁", "壬", "张晓梅")]
    assert names == sorted(names)  # 95 first, the unscored last
    bad = client.get(cycle_url("scoring", scored), {"grade": "x", "order": "?"})
    assert bad.status_code == 200  # an invalid filter shows everything


def test_labels_follow_the_cycles_label_set(client, county_staff, county, worker):
    cycle = make_cycle(county_staff, county)
    services.update_cycle(by=county_staff, cycle=cycle, label_set=LabelSet.COMPETENT)
    services.start_collecting(by=county_staff, cycle=cycle)
    score(cycle, [cycle.assessments.get()], [75])
    services.close_collecting(by=county_staff, cycle=cycle)
    page = html(login(client, county_staff).get(cycle_url("scoring", cycle)))
    assert "称职" in page and "合格" not in page.split("data-scoring-table", 1)[1]


# Grades and confirmation -----------------------------------------------------------------------


def test_a_grade_change_needs_a_reason(client, scored, county_staff):
    first = by_name(scored, "甲")
    url = cycle_url("grade", scored, first.pk)
    login(client, county_staff)
    assert "甲" in html(client.get(url))
    response = client.post(url, {"grade": Grade.PASS, "reason": "  "})
    assert response.status_code == 200
    assert "调整建议等次须填写理由" in html(response)
    first.refresh_from_db()
    assert first.grade == Grade.EXCELLENT
    response = client.post(url, {"grade": Grade.PASS, "reason": "年度内受到通报批评"})
    assert response.status_code == 302
    assert response["Location"] == f"{cycle_url('scoring', scored)}#row-{first.pk}"
    first.refresh_from_db()
    assert (first.grade, first.reason) == (Grade.PASS, "年度内受到通报批评")
    page = html(client.get(cycle_url("scoring", scored)))
    assert "年度内受到通报批评" in page and 'data-flag="adjusted"' in page


def test_a_bad_grade_is_a_form_error(client, scored, county_staff):
    first = by_name(scored, "甲")
    response = login(client, county_staff).post(
        cycle_url("grade", scored, first.pk), {"grade": "99", "reason": "x"}
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.grade == Grade.EXCELLENT


def test_grading_goes_back_to_the_filtered_table(client, scored, county_staff):
    tied = by_name(scored, "乙")
    back = cycle_url("scoring", scored) + "?flag=tie"
    url = cycle_url("grade", scored, tied.pk) + "?next=" + back.replace("?", "%3F")
    response = login(client, county_staff).post(url, {"grade": Grade.PASS, "reason": ""})
    assert response.status_code == 302 and response["Location"] == f"{back}#row-{tied.pk}"
    evil = cycle_url("grade", scored, tied.pk) + "?next=https://example.com/"
    response = client.post(evil, {"grade": Grade.PASS})
    assert response["Location"].startswith(cycle_url("scoring", scored))


def test_confirm_is_refused_over_the_cap_then_goes_through(client, scored, county_staff):
    login(client, county_staff)
    confirm = cycle_url("confirm", scored)
    response = client.post(confirm)
    assert response.status_code == 200 and "还有 3 人未定等次" in html(response)
    for name in ("乙", "丙"):  # both tied workers get 优秀: 3 for 2 places
        client.post(
            cycle_url("grade", scored, by_name(scored, name).pk),
            {"grade": Grade.EXCELLENT, "reason": "所带项目获市级表彰"},
        )
    client.post(
        cycle_url("grade", scored, by_name(scored, "张晓梅").pk),
        {"grade": Grade.PASS, "reason": "服务对象评价不足，按单位意见"},
    )
    page = html(client.get(confirm))
    assert "data-cap>2<" in page and "data-excellent>3<" in page
    response = client.post(confirm)
    assert response.status_code == 200
    assert "优秀 3 人，超过上限 2 人" in html(response) and "data-service-error" in html(response)
    scored.refresh_from_db()
    assert scored.state == State.SCORING
    client.post(cycle_url("grade", scored, by_name(scored, "丙").pk), {"grade": Grade.PASS})
    response = client.post(confirm)
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.state == State.CONFIRMED
    page = html(client.get(reverse("evaluation_cycles:inspect", args=[scored.pk])))
    assert "data-distribution" in page and cycle_url("scoring_export", scored, "xlsx") in page
    # Locked: no more grade changes.
    response = client.post(
        cycle_url("grade", scored, by_name(scored, "甲").pk), {"grade": 20, "reason": "x"}
    )
    assert response.status_code == 200 and "data-service-error" in html(response)
    assert by_name(scored, "甲").grade == Grade.EXCELLENT


# Closing and staff scores ----------------------------------------------------------------------


def test_close_collecting(client, collecting, county_staff, assessment):
    score(collecting, [assessment], [88])
    login(client, county_staff)
    page = html(client.get(cycle_url("close", collecting)))
    assert "data-responses" in page and "结束收集" in page
    response = client.post(cycle_url("close", collecting))
    assert response.status_code == 302 and response["Location"] == cycle_url("scoring", collecting)
    assessment.refresh_from_db()
    assert (assessment.score, assessment.proposed) == (D(88), Grade.PASS)
    again = client.post(cycle_url("close", collecting))  # no longer collecting: refused
    assert again.status_code == 200 and "data-wrong-state" in html(again)


@pytest.fixture
def staff_kind_cycle(cycle, county_staff):
    """The cycle with 县总工会考核 (scored by staff, 50) beside 用人单位 (50), collecting."""
    services.set_kinds(
        by=county_staff,
        cycle=cycle,
        kinds=[
            KindSpec("县总工会考核", 50, 1, Channel.STAFF),
            KindSpec("用人单位", 50, 1, Channel.INVITATION),
        ],
    )
    services.set_items(
        by=county_staff, kind=kinds_of(cycle)["用人单位"], items=[ItemSpec("总体", 1, "points")]
    )
    return cycle


def test_staff_scores(client, staff_kind_cycle, county_staff, assessment):
    cycle = staff_kind_cycle
    cover(cycle, ["乙"])
    services.start_collecting(by=county_staff, cycle=cycle)
    kind = kinds_of(cycle)["县总工会考核"]
    other = by_name(cycle, "乙")
    url = cycle_url("staff_scores", cycle)
    login(client, county_staff)
    page = html(client.get(url))
    assert (
        f'name="s-{assessment.pk}-{kind.pk}"' in page and f'name="s-{other.pk}-{kind.pk}"' in page
    )
    # A bad row keeps every typed value and saves nothing.
    body = {f"s-{assessment.pk}-{kind.pk}": "92.5", f"s-{other.pk}-{kind.pk}": "150",
            f"c-{assessment.pk}-{kind.pk}": "表现突出"}  # fmt: skip
    response = client.post(url, body)
    assert response.status_code == 200
    page = html(response)
    assert "data-row-error" in page and 'value="92.5"' in page and 'value="表现突出"' in page
    assert not Answer.objects.filter(kind=kind).exists()
    body[f"s-{other.pk}-{kind.pk}"] = "80"
    assert client.post(url, body).status_code == 302
    assert dict(Answer.objects.filter(kind=kind).values_list("assessment_id", "score")) == {
        assessment.pk: D("92.50"),
        other.pk: D(80),
    }
    # Unchanged rows are not written again; clearing an entered score is refused.
    assert client.post(url, body).status_code == 302
    assert Answer.objects.filter(kind=kind).count() == 2
    body[f"s-{other.pk}-{kind.pk}"] = ""
    response = client.post(url, body)
    assert response.status_code == 200 and "不能清空" in html(response)
    # The scoring table's preview counts the staff score.
    assert "92.50 (1)" in html(client.get(cycle_url("scoring", cycle)))


def test_staff_scores_only_while_collecting(client, staff_kind_cycle, county_staff, assessment):
    kind = kinds_of(staff_kind_cycle)["县总工会考核"]
    url = cycle_url("staff_scores", staff_kind_cycle)
    login(client, county_staff)
    page = html(client.get(url))  # draft: shown, read-only
    assert "data-not-collecting" in page and f'name="s-{assessment.pk}-{kind.pk}"' not in page
    response = client.post(url, {f"s-{assessment.pk}-{kind.pk}": "90"})
    assert response.status_code == 200 and "data-row-error" in html(response)
    assert not Answer.objects.exists()


def test_a_cycle_without_staff_kinds_says_so(client, collecting, county_staff):
    page = html(login(client, county_staff).get(cycle_url("staff_scores", collecting)))
    assert "data-no-staff-kinds" in page


# Export ----------------------------------------------------------------------------------------


def test_export_holds_every_row(client, scored, county_staff):
    login(client, county_staff)
    response = client.get(cycle_url("scoring_export", scored, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("姓名", "单位", "用人单位平均分", "用人单位评价数")
    assert len(rows) == 11
    first = next(row for row in rows if row[0] == "甲")
    assert "优秀" in first and D(str(first[-7])) == D(95)
    tied = next(row for row in rows if row[0] == "乙")
    assert tied[-4] == "是"  # 名额边界同分
    text = client.get(cycle_url("scoring_export", scored, "csv")).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 11 and any(line[0] == "张晓梅" and line[-6] == "否" for line in lines)
    assert client.get(cycle_url("scoring_export", scored, "pdf")).status_code == 404


# Scope -----------------------------------------------------------------------------------------


def test_another_countys_cycle_and_assessment_are_a_404(
    client, scored, outsider, other_cycle, county_staff, city_staff
):
    login(client, outsider)
    for view in ("scoring", "staff_scores", "close", "confirm"):
        assert client.get(cycle_url(view, scored)).status_code == 404
    assert client.get(cycle_url("scoring_export", scored, "csv")).status_code == 404
    first = by_name(scored, "甲")
    assert client.post(cycle_url("grade", scored, first.pk), {"grade": 20}).status_code == 404
    # An assessment of another cycle under the county's cycle URL is not found either.
    stranger = other_cycle.assessments.get()
    login(client, county_staff)
    assert client.get(cycle_url("grade", scored, stranger.pk)).status_code == 404
    login(client, city_staff)
    assert client.get(cycle_url("scoring", scored)).status_code == 200


# 考核结果统计 ----------------------------------------------------------------------------------


def _confirm(cycle, by):
    services.close_collecting(by=by, cycle=cycle)
    for a in cycle.assessments.filter(grade__isnull=True):
        services.set_grade(by=by, assessment=a, grade=Grade.PASS, reason="人工认定")
    services.confirm_cycle(by=by, cycle=cycle)


def test_results_per_county_with_a_chart(
    client, scored, county_staff, outsider, other_cycle, city_staff, other_county
):
    for name in ("乙", "丙"):
        services.set_grade(by=county_staff, assessment=by_name(scored, name), grade=Grade.PASS)
    services.set_grade(
        by=county_staff, assessment=by_name(scored, "张晓梅"), grade=Grade.FAIL, reason="未履职"
    )
    services.confirm_cycle(by=county_staff, cycle=scored)
    services.start_collecting(by=outsider, cycle=other_cycle)  # 游仙区: still collecting
    url = reverse("evaluation_results:index")
    page = html(login(client, city_staff).get(url))
    assert "<svg" in page and "2026 年度考核等次分布图" in page
    row = _row(page, scored.federation_id)
    # 优秀 95; 合格 the two 93s, 91 (beyond the cap), 80 × 3, 75; 基本合格 65; 不合格 张晓梅.
    counts = [int(cell) for cell in _cells(row)]
    assert counts[:5] == [1, 7, 1, 1, 10]
    other = _row(page, other_county.pk)
    assert "收集评价" in other
    login(client, outsider)
    page = html(client.get(url))
    assert "涪城区" not in page  # their own subtree only
    assert "收集评价" in _row(page, other_county.pk) and "data-no-results" in page


def _row(page: str, federation_id: int) -> str:
    return page.split(f'data-federation="{federation_id}"', 1)[1].split("</tr>", 1)[0]


def _cells(row: str) -> list[str]:
    return re.findall(r'<td class="num">(\d+)</td>', row)


def test_results_year_filter(client, county_staff, county):
    for year in (2024, 2025):
        cycle = make_cycle(
            county_staff,
            county,
            year=year,
            opens_on=dt.date(year, 3, 1),
            closes_on=dt.date(year, 3, 31),
        )
        cover(cycle, [f"甲{year}"])
        services.start_collecting(by=county_staff, cycle=cycle)
        rows = list(cycle.assessments.all())
        score(cycle, rows, [95 if year == 2024 else 65] * len(rows))
        _confirm(cycle, county_staff)
    url = reverse("evaluation_results:index")
    login(client, county_staff)
    assert "2025 年度考核等次分布图" in html(client.get(url))  # the latest by default
    page = html(client.get(url, {"year": "2024"}))
    assert "2024 年度考核等次分布图" in page
    assert "2025 年度考核等次分布图" in html(client.get(url, {"year": "abc"}))


def test_results_without_cycles(client, county_staff):
    page = html(login(client, county_staff).get(reverse("evaluation_results:index")))
    assert "data-no-cycles" in page


def test_results_are_for_staff_only(client, worker):
    login(client, worker.user)
    assert client.get(reverse("evaluation_results:index")).status_code in (302, 403, 404)


# The cycle overview's panel --------------------------------------------------------------------


def test_overview_panel_follows_the_state(client, collecting, county_staff):
    inspect = reverse("evaluation_cycles:inspect", args=[collecting.pk])
    login(client, county_staff)
    page = html(client.get(inspect))
    assert "data-scoring-panel" in page and cycle_url("close", collecting) in page
    services.close_collecting(by=county_staff, cycle=collecting)
    page = html(client.get(inspect))
    assert "data-scoring-counts" in page and cycle_url("confirm", collecting) in page
    assert "未定等次 1 人" in page  # the worker has no answers


def test_draft_overview_has_no_scoring_panel(client, cycle, county_staff):
    page = html(
        login(client, county_staff).get(reverse("evaluation_cycles:inspect", args=[cycle.pk]))
    )
    assert "data-scoring-panel" not in page


# Query bounds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 12])
def test_query_bounds(
    extra, client, staff_kind_cycle, county_staff, worker, unit, django_assert_max_num_queries
):
    cycle = staff_kind_cycle
    rows = [cycle.assessments.get(), *cover(cycle, [f"工作者{n}" for n in range(extra)], unit=unit)]
    services.start_collecting(by=county_staff, cycle=cycle)
    score(cycle, rows, [80 + n % 15 for n in range(len(rows))])
    login(client, county_staff)
    # Measured: 14, 15, 17 and 14 queries, the same at 1 and 13 rows.
    with django_assert_max_num_queries(14):
        assert client.get(cycle_url("scoring", cycle)).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(cycle_url("staff_scores", cycle)).status_code == 200
    with django_assert_max_num_queries(17):
        assert client.get(cycle_url("close", cycle)).status_code == 200
    with django_assert_max_num_queries(20):  # room for the setup panel beside ours
        assert client.get(reverse("evaluation_cycles:inspect", args=[cycle.pk])).status_code == 200
    _confirm(cycle, county_staff)
    with django_assert_max_num_queries(14):
        assert client.get(cycle_url("scoring", cycle)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(cycle_url("confirm", cycle)).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(cycle_url("grade", cycle, rows[-1].pk)).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(cycle_url("scoring_export", cycle, "xlsx")).status_code == 200


@pytest.mark.parametrize("counties", [1, 4])
def test_results_query_bound(counties, client, city, city_staff, django_assert_max_num_queries):
    for n in range(counties):
        county = make_federation(f"测试{n}县总工会", f"T{n}", parent=city, level="county")
        cycle = make_cycle(city_staff, county)
        rows = cover(cycle, [f"县{n}工作者{k}" for k in range(n + 1)])
        services.start_collecting(by=city_staff, cycle=cycle)
        score(cycle, rows, [70 + 10 * k for k in range(n + 1)])
        _confirm(cycle, city_staff)
    login(client, city_staff)
    with django_assert_max_num_queries(13):  # measured: 13 at 1 and at 4 counties
        response = client.get(reverse("evaluation_results:index"))
    assert response.status_code == 200
    assert html(response).count("data-federation=") == counties + 1  # and the city's own row
