"""The evaluation step of ``generate_scale_data`` (a tiny city of the same shape)."""

import io
from collections import Counter

import pytest
from django.core.management import call_command

from evaluation import selectors
from evaluation.choices import Grade, State
from evaluation.models import Answer, Assessment, Cycle, Invitation, Poster
from workforce.management.commands.generate_scale_data import ROOT_NAME
from workforce.models import Federation, Worker

pytestmark = pytest.mark.django_db
TINY = {"size": "S", "counties": 2, "units": 20, "workers": 240}


def test_scale_city_gets_a_cycle_per_federation_with_answers():
    out = io.StringIO()
    call_command("generate_scale_data", stdout=out, **TINY)
    root = Federation.objects.get(name=ROOT_NAME)
    cycles = Cycle.objects.filter(federation__path__startswith=root.path)
    hiring = set(
        Worker.objects.filter(federation__path__startswith=root.path, status="active")
        .values_list("federation", flat=True)
        .distinct()
    )
    assert set(cycles.values_list("federation", flat=True)) == hiring
    assert set(cycles.values_list("state", flat=True)) <= {State.SCORING, State.CONFIRMED}
    assert State.CONFIRMED in set(cycles.values_list("state", flat=True))

    assessments = Assessment.objects.filter(cycle__in=cycles)
    answers = Answer.objects.filter(assessment__in=assessments)
    covered, answered = assessments.count(), answers.count()
    assert covered > 0.9 * TINY["workers"]
    assert 14.5 * covered <= answers.count() <= 16.5 * covered  # about 15 a worker
    assert f"{covered} assessments, {answers.count()} answers" in out.getvalue()
    assert Poster.objects.filter(assessment__in=assessments).count() == covered
    unused = Invitation.objects.filter(kind__cycle__in=cycles, uses_left__gt=0).count()
    assert 0 < unused < 0.2 * covered

    # The stored scores are those the selectors compute from the answers, with the cap.
    for cycle in cycles:
        table = selectors.scoring_table(cycle)
        for row in table.rows:
            assert row.assessment.score == row.score.total
            assert row.assessment.complete == row.score.complete
        assert table.excellent <= table.cap
        if cycle.state == State.CONFIRMED:
            assert all(row.assessment.grade is not None for row in table.rows)
            for row in table.rows:
                if row.assessment.adjusted:
                    assert row.assessment.reason
    grades = Counter(assessments.values_list("grade", flat=True))
    assert {Grade.EXCELLENT, Grade.PASS, Grade.BASIC} <= set(grades)
    assert assessments.filter(complete=False).exists()  # some short of served-worker answers

    # --replace removes it all and builds it again.
    call_command("generate_scale_data", stdout=io.StringIO(), replace=True, **TINY)
    assert Assessment.objects.count() == covered
    assert Answer.objects.count() == answered
