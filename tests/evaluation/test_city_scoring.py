"""``selectors.city_scoring``: the scoring table of every cycle under some federations at once."""

from decimal import Decimal as D

import pytest

from evaluation import selectors
from tests.evaluation.conftest import answer, kinds_of, make_cycle
from tests.factories import PostingFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def complete(cycle, assessment, unit=90, enterprise=80, served=70):
    """Give ``assessment`` enough answers of every default kind."""
    kinds = kinds_of(cycle)
    answer(assessment, kinds["用人单位"], unit)
    answer(assessment, kinds["服务企业"], enterprise, n=3)
    answer(assessment, kinds["服务对象"], served, n=10)


def test_city_scoring_matches_each_cycles_table(cycle, other_cycle, city, county, unit):
    assessment = cycle.assessments.get()
    complete(cycle, assessment)  # 0.4 × 90 + 0.3 × 80 + 0.3 × 70 = 81
    other = other_cycle.assessments.get()
    answer(other, kinds_of(other_cycle)["用人单位"], 95)  # the other kinds are short

    scoring = selectors.city_scoring([city.path])
    assert [c.pk for c in scoring.cycles] == [cycle.pk, other_cycle.pk]
    assert [k.name for k in scoring.kinds[cycle.pk]] == ["用人单位", "服务企业", "服务对象"]
    mine, theirs = scoring.rows
    assert (mine.assessment_id, mine.name, mine.unit) == (assessment.pk, "张晓梅", unit.name)
    assert mine.score.total == D("81.00") and mine.score.complete
    assert theirs.assessment_id == other.pk and theirs.score.total is None
    assert not theirs.score.complete and len(theirs.score.short) == 2
    for table in (selectors.scoring_table(cycle), selectors.scoring_table(other_cycle)):
        (row,) = table.rows
        found = next(r for r in scoring.rows if r.assessment_id == row.assessment.pk)
        assert found.score == row.score and found.unit == row.unit

    # Scoped to the federations given, and to a year.
    assert [r.assessment_id for r in selectors.city_scoring([county.path]).rows] == [assessment.pk]
    assert selectors.city_scoring([city.path], year=2025).rows == []
    assert selectors.city_scoring([]).rows == []


def test_city_scoring_reads_a_fixed_number_of_queries(
    city, county, county_staff, other_county, unit, django_assert_num_queries
):
    for workers in (1, 6):  # a cycle covering 1 worker, then another covering 7
        for _n in range(workers):
            PostingFactory(worker=WorkerFactory(federation=county), unit=unit)
            WorkerFactory(federation=other_county)
        make_cycle(county_staff, county, year=2020 + workers)
        with django_assert_num_queries(5):
            scoring = selectors.city_scoring([city.path])
        assert all(row.name and row.score is not None for row in scoring.rows)
