"""The demo data: its plan (no database) and a reduced run of ``load_demo_data``.

House rule: never load the full demo data in a test. The command runs here with
``--units 5 --workers 10``; the full plan is checked without touching the database.
"""

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from home.models import HomePage
from workforce import demo, idnumber, permissions
from workforce.models import Federation, Posting, Unit, Worker
from workforce.staffing import allowed_workers

TODAY = dt.date(2026, 11, 26)


def run(**options) -> str:
    out = io.StringIO()
    options = {
        "units": 5,
        "workers": 10,
        "today": TODAY,
        "only": ["workforce"],  # other apps' demo steps are theirs to test
        "allow_without_debug": True,
        **options,
    }
    call_command("load_demo_data", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict:
    """Return every row the demo writes, as plain values."""
    return {
        "federations": list(Federation.objects.values_list("code", "name", "level", "path")),
        "units": list(Unit.objects.order_by("pk").values()),
        "workers": list(Worker.objects.order_by("pk").values()),
        "postings": list(Posting.objects.order_by("pk").values()),
        "users": list(
            get_user_model()
            .objects.order_by("pk")
            .values_list("username", "password", "is_active", "is_superuser")
        ),
        "log entries": ModelLogEntry.objects.count(),
        "home": list(HomePage.objects.values_list("intro", "body", "latest_revision_id")),
    }


# The plan, without the database --------------------------------------------------------------


def test_people_have_valid_unique_mianyang_id_numbers():
    persons = demo.people(demo.DEFAULT_SEED, 400)
    numbers = [p.id_number for p in persons]
    assert all(idnumber.is_valid(n) for n in numbers)
    assert all(n.startswith("5107") for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert len({p.name for p in persons}) == len(persons)
    assert len({p.mobile for p in persons}) == len(persons)
    assert all(len(p.mobile) == 11 and p.mobile.isdigit() for p in persons)
    # GB 11643: the 17th digit is odd for men, even for women.
    assert all((int(p.id_number[16]) % 2 == 1) == (p.gender == Worker.Gender.MALE) for p in persons)


def test_people_do_not_depend_on_how_many_are_asked_for():
    assert demo.people(7, 30)[:10] == demo.people(7, 10)


def test_catalogue_covers_the_tree_with_realistic_units():
    catalogue = demo.unit_catalogue(demo.DEFAULT_SEED)
    assert 110 <= len(catalogue) <= 130
    assert {u.federation_code for u in catalogue} == {c.code for c in demo.COUNTIES}
    assert set(Counter(u.kind for u in catalogue)) == set(Unit.Kind.values)
    assert all(100 <= u.headcount <= 12000 for u in catalogue)
    assert sum(u.headcount < 2000 for u in catalogue) > len(catalogue) / 2
    assert all(u.address.startswith("四川省") for u in catalogue)
    assert len({u.key for u in catalogue}) == len(catalogue)


def test_reduced_selection_starts_with_fucheng_and_spreads_over_counties():
    catalogue = demo.unit_catalogue(demo.DEFAULT_SEED)
    chosen = demo.select_units(catalogue, 13)
    assert [u.federation_code for u in chosen[:2]] == ["FC", "FC"]
    assert {u.federation_code for u in chosen} == {c.code for c in demo.COUNTIES}
    assert len(set(chosen)) == 13


def test_full_plan_is_deterministic_and_mostly_within_the_norm():
    catalogue = demo.unit_catalogue(demo.DEFAULT_SEED)
    plans = demo.plan_workers(demo.DEFAULT_SEED, catalogue, 250, TODAY)
    assert plans == demo.plan_workers(demo.DEFAULT_SEED, catalogue, 250, TODAY)
    assert plans != demo.plan_workers(demo.DEFAULT_SEED + 1, catalogue, 250, TODAY)

    current = Counter(p.postings[-1][0] for p in plans if p.postings and p.departure is None)
    unstaffed = [u for u in catalogue if current[u.key] == 0]
    over = [u for u in catalogue if current[u.key] > allowed_workers(u.headcount)]
    assert 8 <= len(unstaffed) <= 12
    assert 3 <= len(over) <= 6
    assert sum(current.values()) > 0.8 * len(plans)  # most are posted
    assert sum(len(p.postings) > 1 for p in plans) == 20  # 岗位交流 history
    assert sum(p.departure is not None for p in plans) == 5
    assert set(Counter(p.employment_mode for p in plans)) == set(Worker.EmploymentMode.values)
    assert all(p.contractor for p in plans if p.employment_mode == "purchased")
    assert all(dt.date(2017, 1, 1) <= p.hire_date <= TODAY for p in plans)
    for plan in plans:
        starts = [start for _, start in plan.postings]
        assert starts == sorted(set(starts))
        assert all(plan.hire_date <= s <= TODAY for s in starts)
        if plan.departure:
            assert starts[-1] <= plan.departure[0] < TODAY


def test_worker_persona_is_a_posted_fucheng_worker_with_an_exchange():
    catalogue = demo.unit_catalogue(demo.DEFAULT_SEED)
    for units, workers in [(len(catalogue), 250), (5, 10), (2, 1)]:
        persona = demo.plan_workers(3, demo.select_units(catalogue, units), workers, TODAY)[0]
        assert persona.federation_code == "FC"
        assert len(persona.postings) == 2 and persona.departure is None
        assert {key[0] for key, _ in persona.postings} == {"FC"}


# A reduced run ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reduced_run_builds_the_tree_workers_and_personas():
    output = run()

    assert Federation.objects.count() == 12
    root = Federation.objects.get(code="MY")
    assert root.is_root() and root.name == "绵阳市总工会"
    assert Federation.objects.get(code="JY").level == Federation.Level.COUNTY_CITY
    assert Federation.objects.get(code="GX").level == Federation.Level.PARK
    assert Unit.objects.count() == 5
    assert Worker.objects.count() == 10
    assert Worker.objects.filter(status=Worker.Status.LEFT).count() == 1

    User = get_user_model()
    city, fucheng, youxian = (User.objects.get(username=n) for n in ("city", "fucheng", "youxian"))
    fc, yx = Federation.objects.get(code="FC"), Federation.objects.get(code="YX")
    assert permissions.can_manage(city, fc) and permissions.can_manage(city, root)
    assert permissions.can_manage(fucheng, fc) and not permissions.can_manage(fucheng, yx)
    assert permissions.can_manage(youxian, yx) and not permissions.can_manage(youxian, fc)
    assert city.check_password("demo-city-2026")
    assert fucheng.check_password("demo-fucheng-2026")
    assert User.objects.get(username="admin").is_superuser

    worker_user = User.objects.get(username="worker")
    assert worker_user.check_password("demo-worker-2026")
    assert not permissions.is_federation_staff(worker_user)
    worker = worker_user.worker
    assert worker.federation == fc and worker.status == Worker.Status.ACTIVE
    postings = list(worker.postings.order_by("start"))
    assert [p.kind for p in postings] == [Posting.Kind.INITIAL, Posting.Kind.EXCHANGE]
    assert postings[0].end is not None and postings[1].end is None
    assert list(permissions.workers_for(worker_user)) == [worker]

    for username in ("city", "fucheng", "youxian", "worker", "admin"):
        assert username in output
    assert "demo-admin-2026" in output


@pytest.mark.django_db
def test_second_run_creates_and_changes_nothing():
    run()
    before = snapshot()
    output = run()
    assert snapshot() == before
    assert "未作任何改动" in output
    assert "demo-city-2026 *" in output  # existing accounts are marked as kept


@pytest.mark.django_db
def test_a_larger_run_afterwards_only_adds():
    run()
    small = snapshot()
    run(units=8, workers=14)
    assert Unit.objects.count() == 8
    assert Worker.objects.count() == 14
    assert list(Unit.objects.order_by("pk").values())[:5] == small["units"]


@pytest.mark.django_db
def test_reset_passwords_restores_the_demo_password():
    run()
    city = get_user_model().objects.get(username="city")
    city.set_password("changed-by-someone")
    city.save()
    run()
    city.refresh_from_db()
    assert not city.check_password("demo-city-2026")  # a plain re-run changes nothing
    run(reset_passwords=True)
    city.refresh_from_db()
    assert city.check_password("demo-city-2026")


@pytest.mark.django_db
def test_home_page_gets_a_description_only_while_it_has_the_placeholder():
    page = HomePage.objects.get()
    page.intro = "我们自己写的导语"
    page.save()
    run()
    page.refresh_from_db()
    assert page.intro == "我们自己写的导语" and page.body == ""

    page.intro = demo.HOME_DEFAULT_INTRO
    page.save()
    run()
    page.refresh_from_db()
    assert page.intro == demo.HOME_INTRO and "绵工发〔2017〕52号" in page.body


@pytest.mark.django_db
def test_refuses_to_run_with_debug_off_unless_told():
    with pytest.raises(CommandError, match="--allow-without-debug"):
        call_command("load_demo_data", units=5, workers=10, stdout=io.StringIO())
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_refuses_an_unknown_app():
    with pytest.raises(CommandError, match="nosuchapp"):
        run(only=["nosuchapp"])
    assert not Worker.objects.exists()


@pytest.mark.django_db
def test_steps_from_other_apps_run_after_the_workforce_steps():
    seen = []

    def later_step(ctx: demo.DemoContext) -> None:
        seen.append((len(ctx.workers), ctx.federations["FC"].name))

    assert demo.discover_steps()[: len(demo.STEPS)] == demo.STEPS
    assert demo.discover_steps(["workforce"]) == demo.STEPS
    ctx = demo.load(
        demo.DemoContext(today=TODAY, unit_count=3, worker_count=4),
        steps=[*demo.STEPS, later_step],
    )
    assert seen == [(4, "涪城区总工会")]
    assert list(ctx.timings) == [f"{s.__module__}.{s.__name__}" for s in [*demo.STEPS, later_step]]
