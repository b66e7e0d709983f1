"""The evaluation demo steps: last year confirmed with 优秀 and 基本合格, this year collecting,
links that work; a second run changes nothing."""

import datetime as dt
import io
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import resolve
from wagtail.models import ModelLogEntry

from evaluation import demo, selectors, services
from evaluation.choices import Grade, State
from evaluation.models import Answer, Assessment, Cycle, Invitation, Poster
from evaluation.rules import TokenState
from tests.factories import WorkerFactory
from workforce.demo import DemoContext

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)
NOON = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)


def context(by, county, other_county, workers):
    return DemoContext(
        by=by,
        today=TODAY,
        federations={"FC": county, "YX": other_county},
        workers={worker.id_number: worker for worker in workers},
    )


@pytest.fixture
def workers(county, other_county):
    persona = DemoContext(today=TODAY).worker_plans()[0].person.id_number
    hired = [dt.date(2018 + n % 6, 1 + n % 12, 1) for n in range(14)]
    return [
        WorkerFactory(federation=county, id_number=persona, hire_date=dt.date(2019, 5, 1)),
        *(WorkerFactory(federation=county, hire_date=day) for day in hired),
        *(WorkerFactory(federation=other_county, hire_date=day) for day in hired),
        WorkerFactory(federation=county, hire_date=dt.date(2026, 3, 1)),  # only this year
    ]


def snapshot() -> dict:
    return {
        "cycles": list(Cycle.objects.order_by("pk").values()),
        "assessments": list(Assessment.objects.order_by("pk").values()),
        "answers": Answer.objects.count(),
        "invitations": list(Invitation.objects.order_by("pk").values_list("token", "uses_left")),
        "posters": Poster.objects.count(),
        "log entries": ModelLogEntry.objects.count(),
    }


def test_demo_steps_build_both_cycles_and_are_idempotent(city_staff, county, other_county, workers):
    ctx = context(city_staff, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(ctx)

    persona = workers[0]
    for federation, covered in ((county, 15), (other_county, 14)):
        last, this = Cycle.objects.filter(federation=federation).order_by("year")
        assert (last.year, last.state) == (2025, State.CONFIRMED)
        assert (this.year, this.state) == (2026, State.COLLECTING)
        assert this.opens_on <= TODAY <= this.closes_on

        # Last year: every score complete, every worker graded, 优秀 within the cap.
        table = selectors.scoring_table(last)
        assert len(table.rows) == covered
        assert all(row.score.complete for row in table.rows)
        assert all(row.assessment.grade is not None for row in table.rows)
        assert 1 <= table.excellent <= table.cap == 2
        assert Grade.BASIC in table.distribution

    grades = Counter(Assessment.objects.filter(cycle__year=2025).values_list("grade", flat=True))
    assert grades[Grade.EXCELLENT] >= 2 and grades[Grade.BASIC] >= 2 and grades[Grade.PASS]
    # The demo worker logs in and sees a grade; one 涪城区 grade was lowered with a reason.
    assert [(g.year, g.grade) for g in selectors.grades_of(persona)] == [(2025, Grade.EXCELLENT)]
    (lowered,) = Assessment.objects.exclude(reason="")
    assert lowered.cycle.federation == county and lowered.adjusted
    assert (lowered.proposed, lowered.grade) == (Grade.PASS, Grade.BASIC)

    # This year: some answers, a few invitations (one with an address), a poster per worker.
    this_year = Cycle.objects.get(federation=county, year=2026)
    assert this_year.assessments.count() == 16
    assert Poster.objects.filter(kind__cycle=this_year).count() == 16
    assert Answer.objects.filter(kind__cycle=this_year).count() > 16
    issued = Invitation.objects.filter(kind__cycle=this_year, source=Invitation.Source.ISSUED)
    assert issued.filter(assessment__worker=persona).count() == 4
    assert list(issued.exclude(email="").values_list("email", flat=True)) == [demo.EMPLOYER_EMAIL]
    assert issued.filter(uses_left=0).exists() and issued.filter(uses_left=1).exists()

    # The links: an open invitation about the demo worker, and their poster.
    (survey_label, survey_url), (poster_label, poster_url) = ctx.links
    assert persona.name in survey_label and persona.name in poster_label
    assert survey_url.startswith(settings.SITE_URL) and poster_url.startswith(settings.SITE_URL)
    found = resolve(urlsplit(survey_url).path)
    assert found.view_name == "evaluation:survey"
    token = found.kwargs["token"]
    invitation = Invitation.objects.get(token=token)
    assert services.state_of(invitation, now=NOON) == TokenState.OPEN
    assert invitation.assessment.worker == persona
    found = resolve(urlsplit(poster_url).path)
    assert found.view_name == "evaluation:poster"
    code = found.kwargs["code"]
    assert Poster.objects.get(code=code).assessment.cycle == this_year

    before = snapshot()
    again = context(city_staff, county, other_county, workers)
    for step in demo.DEMO_STEPS:
        step(again)
    assert not again.created
    assert snapshot() == before
    assert again.links == ctx.links

    # Once that invitation is used, the next run shows another one still open.
    services.submit_answer(
        token=token,
        values={item.pk: 85 for item in invitation.kind.items.all()},
        comment="",
        now=NOON,
    )
    later = context(city_staff, county, other_county, workers)
    demo.report_links(later)
    assert later.links[0][1] != survey_url and later.links[1] == ctx.links[1]


def test_load_demo_data_prints_the_links_and_changes_nothing_the_second_time():
    options = {
        "units": 5,
        "workers": 10,
        "today": TODAY,
        "only": ["evaluation"],
        "allow_without_debug": True,
    }
    out = io.StringIO()
    call_command("load_demo_data", stdout=out, **options)
    assert "考核周期 4" in out.getvalue()
    assert f"{settings.SITE_URL}/survey/p/" in out.getvalue()
    assert f"{settings.SITE_URL}/survey/" in out.getvalue().split("演示链接")[1]

    before = snapshot()
    out = io.StringIO()
    call_command("load_demo_data", stdout=out, **options)
    assert "未作任何改动" in out.getvalue()
    assert f"{settings.SITE_URL}/survey/p/" in out.getvalue()
    assert snapshot() == before
