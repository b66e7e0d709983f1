"""The evaluation services: cycles, kinds, tokens, answers, scores and grades."""

import datetime as dt
from decimal import Decimal as D

import pytest

from evaluation import selectors, services
from evaluation.choices import Channel, Grade, State
from evaluation.models import Answer, Assessment, Invitation, Kind, Poster
from evaluation.rules import TokenState
from evaluation.services import EvaluationError, ItemSpec, KindSpec, TokenRefused
from tests.evaluation.conftest import IN_WINDOW, answer, kinds_of, make_cycle
from tests.factories import WorkerFactory


def test_a_cycle_covers_active_workers_the_federation_hired_before_it_opens(
    county_staff, county, park, worker
):
    WorkerFactory(federation=county, hire_date=dt.date(2026, 3, 1))  # hired on the first day
    WorkerFactory(federation=county, status="left", left_on=dt.date(2025, 1, 1))
    WorkerFactory(federation=park)  # hired by the park federation, not by 涪城区
    cycle = make_cycle(county_staff, county)
    assert [a.worker for a in cycle.assessments.all()] == [worker]
    assert cycle.state == State.DRAFT
    assert (cycle.excellent_min, cycle.pass_min, cycle.basic_min) == (90, 70, 60)
    assert cycle.excellent_share_percent == 15
    assert [(k.name, k.weight, k.min_answers, k.channel) for k in cycle.kinds.all()] == [
        ("用人单位", 40, 1, Channel.INVITATION),
        ("服务企业", 30, 3, Channel.INVITATION),
        ("服务对象", 30, 10, Channel.POSTER),
    ]
    assert all(kind.items.exists() for kind in cycle.kinds.all())


def test_one_cycle_per_federation_and_year(cycle, county_staff, county):
    with pytest.raises(EvaluationError, match="已有 2026 年度"):
        make_cycle(county_staff, county)


def test_a_new_cycle_copies_the_previous_kinds(cycle, county_staff, county):
    services.set_kinds(
        by=county_staff,
        cycle=cycle,
        kinds=[
            KindSpec("县总工会考核", 50, 1, Channel.STAFF),
            KindSpec("用人单位", 50, 1, Channel.INVITATION),
        ],
    )
    later = make_cycle(
        county_staff,
        county,
        year=2027,
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 3, 31),
    )
    assert [(k.name, k.weight) for k in later.kinds.all()] == [
        ("县总工会考核", 50),
        ("用人单位", 50),
    ]


def test_staff_of_another_county_cannot_create_or_change(cycle, outsider, county):
    with pytest.raises(EvaluationError):
        make_cycle(outsider, county, year=2027)
    with pytest.raises(EvaluationError):
        services.start_collecting(by=outsider, cycle=cycle)
    with pytest.raises(EvaluationError):
        services.update_cycle(by=outsider, cycle=cycle, name="x")


def test_weights_that_do_not_add_up_save_nothing(cycle, county_staff):
    before = list(cycle.kinds.values_list("name", "weight"))
    with pytest.raises(EvaluationError, match="权重之和须为 100，现为 90"):
        services.set_kinds(
            by=county_staff,
            cycle=cycle,
            kinds=[KindSpec(k.name, 30, k.min_answers, k.channel, k.pk) for k in cycle.kinds.all()],
        )
    assert list(cycle.kinds.values_list("name", "weight")) == before


def test_kinds_can_swap_names_and_be_removed(cycle, county_staff):
    unit, enterprise, served = cycle.kinds.all()
    services.set_kinds(
        by=county_staff,
        cycle=cycle,
        kinds=[
            KindSpec("服务企业", 60, 1, unit.channel, unit.pk),
            KindSpec("用人单位", 40, 3, enterprise.channel, enterprise.pk),
        ],
    )
    assert list(cycle.kinds.values_list("pk", "name", "weight")) == [
        (unit.pk, "服务企业", 60),
        (enterprise.pk, "用人单位", 40),
    ]
    assert not Kind.objects.filter(pk=served.pk).exists()


def test_questionnaires_freeze_when_collecting_starts(cycle, county_staff):
    kind = cycle.kinds.first()
    services.set_items(by=county_staff, kind=kind, items=[ItemSpec("总体满意度", 1, "points")])
    assert list(kind.items.values_list("text", "scale")) == [("总体满意度", "points")]
    services.start_collecting(by=county_staff, cycle=cycle)
    with pytest.raises(EvaluationError, match="收集评价"):
        services.set_items(by=county_staff, kind=kind, items=[ItemSpec("x", 1, "points")])
    with pytest.raises(EvaluationError):
        services.set_kinds(
            by=county_staff, cycle=cycle, kinds=[KindSpec("x", 100, 1, Channel.STAFF)]
        )
    with pytest.raises(EvaluationError):
        services.update_cycle(by=county_staff, cycle=cycle, excellent_min=D(85))


def test_collecting_prints_one_poster_per_worker_and_poster_kind(collecting, worker):
    poster = Poster.objects.get()
    assert poster.kind.channel == Channel.POSTER and poster.assessment.worker == worker


def test_a_one_use_token_stores_exactly_one_answer(collecting, assessment, county_staff):
    unit = kinds_of(collecting)["用人单位"]
    [invitation] = services.issue_invitations(
        by=county_staff, kind=unit, assessment=assessment, contacts=[("城郊街道办", "")]
    )
    values = {item.pk: 85 for item in unit.items.all()}
    answer_ = services.submit_answer(
        token=invitation.token, values=values, comment=" 很好 ", now=IN_WINDOW
    )
    assert answer_.score == D("85.00") and answer_.comment == "很好"
    with pytest.raises(TokenRefused) as refused:
        services.submit_answer(token=invitation.token, values=values, comment="", now=IN_WINDOW)
    assert refused.value.state == TokenState.USED
    assert Answer.objects.count() == 1
    # Anonymity: nothing ties the answer to the token; the token only knows it was used.
    assert {f.name for f in Answer._meta.get_fields()} & {"invitation", "token", "contact"} == set()
    invitation.refresh_from_db()
    assert invitation.uses_left == 0


@pytest.mark.parametrize(
    "now, state",
    [
        (dt.datetime(2026, 2, 1, tzinfo=dt.UTC), TokenState.NOT_YET),
        (dt.datetime(2026, 4, 2, tzinfo=dt.UTC), TokenState.EXPIRED),
    ],
)
def test_a_token_outside_its_dates_is_refused(collecting, assessment, county_staff, now, state):
    unit = kinds_of(collecting)["用人单位"]
    [invitation] = services.issue_invitations(
        by=county_staff, kind=unit, assessment=assessment, contacts=[("a", "")]
    )
    with pytest.raises(TokenRefused) as refused:
        services.submit_answer(token=invitation.token, values={}, comment="", now=now)
    assert refused.value.state == state


def test_unknown_revoked_and_closed_tokens(collecting, assessment, county_staff):
    with pytest.raises(TokenRefused) as refused:
        services.submit_answer(token="nope", values={}, comment="", now=IN_WINDOW)
    assert refused.value.state == TokenState.UNKNOWN
    unit = kinds_of(collecting)["用人单位"]
    first, second = services.issue_invitations(
        by=county_staff, kind=unit, assessment=assessment, contacts=[("a", ""), ("b", "")]
    )
    services.revoke_invitation(by=county_staff, invitation=first)
    with pytest.raises(TokenRefused) as refused:
        services.submit_answer(token=first.token, values={}, comment="", now=IN_WINDOW)
    assert refused.value.state == TokenState.REVOKED
    services.close_collecting(by=county_staff, cycle=collecting)
    with pytest.raises(TokenRefused) as refused:
        services.submit_answer(token=second.token, values={}, comment="", now=IN_WINDOW)
    assert refused.value.state == TokenState.CLOSED


def test_every_item_must_be_answered_within_its_scale(collecting, assessment, county_staff):
    unit = kinds_of(collecting)["用人单位"]
    [invitation] = services.issue_invitations(
        by=county_staff, kind=unit, assessment=assessment, contacts=[("a", "")]
    )
    first, *rest = unit.items.all()
    with pytest.raises(EvaluationError, match="请为"):
        services.submit_answer(
            token=invitation.token, values={first.pk: 85}, comment="", now=IN_WINDOW
        )
    with pytest.raises(EvaluationError, match="选择一个满意度"):
        services.submit_answer(
            token=invitation.token,
            values={item.pk: 77 for item in unit.items.all()},
            comment="",
            now=IN_WINDOW,
        )
    invitation.refresh_from_db()
    assert invitation.uses_left == 1 and not Answer.objects.exists()


def test_a_poster_issues_short_lived_one_use_tokens(collecting):
    poster = Poster.objects.get()
    entry = services.open_poster_entry(code=poster.code, now=IN_WINDOW)
    assert entry.source == Invitation.Source.POSTER and entry.uses_left == 1
    assert entry.contact == "" and entry.valid_until - entry.valid_from == dt.timedelta(minutes=120)
    with pytest.raises(EvaluationError):
        services.open_poster_entry(code="unknown", now=IN_WINDOW)
    with pytest.raises(EvaluationError):
        services.open_poster_entry(code=poster.code, now=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))


def test_staff_score_a_staff_kind(cycle, county_staff, assessment):
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
    services.start_collecting(by=county_staff, cycle=cycle)
    staff_kind = kinds_of(cycle)["县总工会考核"]
    services.record_staff_score(
        by=county_staff, assessment=assessment, kind=staff_kind, score=D(88)
    )
    services.record_staff_score(
        by=county_staff, assessment=assessment, kind=staff_kind, score=D(92)
    )
    assert list(Answer.objects.values_list("score", flat=True)) == [D(92)]
    with pytest.raises(EvaluationError):
        services.record_staff_score(
            by=county_staff, assessment=assessment, kind=kinds_of(cycle)["用人单位"], score=D(1)
        )


def _covered(cycle, n):
    for _ in range(n):
        Assessment.objects.create(cycle=cycle, worker=WorkerFactory(federation=cycle.federation))
    return list(cycle.assessments.order_by("pk"))


def _score_all(cycle, totals):
    """Give each assessment enough answers of every kind at the score listed."""
    kinds = list(cycle.kinds.all())
    for assessment, total in zip(cycle.assessments.order_by("pk"), totals, strict=True):
        for kind in kinds:
            if total is not None:
                answer(assessment, kind, total, kind.min_answers)


def test_close_scores_proposes_and_confirm_respects_the_cap(collecting, county_staff):
    _covered(collecting, 6)  # 7 covered: a 15% cap gives 1 优秀
    _score_all(collecting, [95, 92, 92, 75, 65, 50, None])
    services.close_collecting(by=county_staff, cycle=collecting)
    rows = list(collecting.assessments.order_by("pk"))
    assert [r.score for r in rows] == [D(95), D(92), D(92), D(75), D(65), D(50), None]
    assert [r.proposed for r in rows] == [
        Grade.EXCELLENT,
        Grade.PASS,
        Grade.PASS,
        Grade.PASS,
        Grade.BASIC,
        Grade.FAIL,
        None,
    ]
    assert [r.complete for r in rows][-1] is False
    with pytest.raises(EvaluationError, match="还有 1 人未定等次"):
        services.confirm_cycle(by=county_staff, cycle=collecting)
    with pytest.raises(EvaluationError, match="须填写理由"):
        services.set_grade(by=county_staff, assessment=rows[6], grade=Grade.PASS)
    services.set_grade(
        by=county_staff, assessment=rows[6], grade=Grade.PASS, reason="服务对象评价不足，按单位意见"
    )
    services.set_grade(
        by=county_staff, assessment=rows[1], grade=Grade.EXCELLENT, reason="年度表现突出"
    )
    with pytest.raises(EvaluationError, match="超过上限 1 人"):
        services.confirm_cycle(by=county_staff, cycle=collecting)
    services.set_grade(by=county_staff, assessment=rows[1], grade=Grade.PASS)
    services.confirm_cycle(by=county_staff, cycle=collecting)
    collecting.refresh_from_db()
    assert collecting.state == State.CONFIRMED
    with pytest.raises(EvaluationError):
        services.set_grade(by=county_staff, assessment=rows[0], grade=Grade.PASS, reason="x")
    assert [g.label for g in selectors.grades_of(rows[0].worker)] == ["优秀"]
    rows[6].refresh_from_db()
    assert rows[6].reason and rows[6].adjusted


def test_a_tie_at_the_boundary_waits_for_staff(collecting, county_staff):
    _covered(collecting, 6)
    _score_all(collecting, [93, 93, 80, 80, 80, 80, 80])
    services.close_collecting(by=county_staff, cycle=collecting)
    first, second, *_rest = collecting.assessments.order_by("pk")
    assert (first.tie, second.tie) == (True, True)
    assert (first.grade, second.grade) == (None, None)
    services.set_grade(
        by=county_staff, assessment=first, grade=Grade.EXCELLENT, reason="所带项目获市级表彰"
    )
    services.set_grade(by=county_staff, assessment=second, grade=Grade.PASS)
    services.confirm_cycle(by=county_staff, cycle=collecting)


def test_grades_of_reads_confirmed_cycles_only(collecting, county_staff, worker):
    _score_all(collecting, [75])
    services.close_collecting(by=county_staff, cycle=collecting)
    assert selectors.grades_of(worker) == []
    assert selectors.grade_years([worker.pk]) == {}
    services.confirm_cycle(by=county_staff, cycle=collecting)
    assert selectors.grade_years([worker.pk]) == {worker.pk: {2026: Grade.PASS}}
    [record] = selectors.grades_of(worker)
    assert (record.year, record.grade, record.label, record.score) == (
        2026,
        Grade.PASS,
        "合格",
        D(75),
    )
