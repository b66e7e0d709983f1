"""The training demo's calendar and enrolment plan (plain values; no demo data is loaded)."""

import datetime as dt
import random

from courses.demo import CAPACITY, COURSES, Learner, plan_enrolments, session_calendar

TODAY = dt.date(2026, 11, 26)
BY_KEY = {c.key: c for c in COURSES}


def learners(n=300):
    rng = random.Random(1)
    return [
        Learner(
            f"id{i}",
            rng.choice(["FC", "YX", "JY"]),
            dt.date(2017, 9, 1) + dt.timedelta(days=rng.randint(0, 3300)),
            rng.random() < 0.3,
        )
        for i in range(n)
    ]


def test_calendar_covers_2025_to_2027_in_all_four_catalogs():
    sessions = session_calendar()
    recent = [s for s in sessions if s.start.year >= 2025]
    assert {s.start.year for s in recent} == {2025, 2026, 2027}
    assert {BY_KEY[s.course].training_type for s in recent} == {
        "onboarding",
        "rotation",
        "thematic",
        "qualification",
    }
    assert all(s.start.weekday() < 5 and s.end >= s.start for s in sessions)
    assert len({s.key for s in sessions}) == len(sessions)
    rotations = [s for s in sessions if BY_KEY[s.course].training_type == "rotation"]
    assert all((s.end - s.start).days >= 25 for s in rotations)  # 20 weekdays: a month


def test_plan_is_deterministic_and_respects_capacity_and_overlaps():
    people = learners()
    sessions = session_calendar()
    plan = plan_enrolments(52, people, sessions, TODAY)
    assert plan == plan_enrolments(52, people, sessions, TODAY)
    by_key = {s.key: s for s in sessions}
    for key, ids in plan.items():
        spec = by_key[key]
        assert len(ids) == len(set(ids))
        if spec.end < TODAY:
            assert len(ids) <= CAPACITY[BY_KEY[spec.course].training_type]
    spans: dict[str, list] = {}
    for key, ids in plan.items():
        for id_number in ids:
            spans.setdefault(id_number, []).append((by_key[key].start, by_key[key].end))
    for ranges in spans.values():
        ranges.sort()
        assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    hire = {p.id_number: p.hire_date for p in people}
    assert all(by_key[key].start >= hire[i] for key, ids in plan.items() for i in ids)
