"""Demo data for mentoring: mentors in 涪城区 and 游仙区, about ten pairings in every state.

Run by ``manage.py load_demo_data`` after the workforce, training and certificates steps (see
``workforce/demo.py`` for the rules every step follows: idempotent, deterministic). Everything
goes in through the mentorship services, as the demo admin (``ctx.by``) where staff act and as
the mentor or apprentice where one of them does, so the demo obeys the same rules as the
product: load limits, co-signed logs, final reviews before completion.

Each county has five mentors: a union cadre with an account of their own (涪城区's is the
``mentor`` persona, 王建国) and its four most experienced workers. Per county five pairings
in each state: completed (with logs, both reviews; half of them certified), dissolved,
declined, active (logs every two weeks, the latest awaiting confirmation in some; mid-term
reviews once due, one side missing in one) and proposed. The demo ``worker`` is 王建国's
apprentice; another of his apprentices has not met for months (check-in overdue).

A pairing is looked up by mentor, apprentice and kind: one that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from courses.compliance import add_months
from workforce.demo import PASSWORDS, DemoContext
from workforce.models import Worker

from . import rules, services
from .choices import Competence, Expertise, Kind, MeetingForm
from .models import Mentor, Pairing, Review

COUNTIES = ("FC", "YX")
PER_STATE = 5  # pairings of each state in each county
WORKER_MENTORS = 4  # the most experienced workers of each county

# (username, name, title, expertise, bio, experience since): one cadre per county.
CADRES = {
    "FC": (
        "mentor",
        "王建国",
        "涪城区总工会权益保障部部长",
        [Expertise.LABOUR_LAW, Expertise.BARGAINING, Expertise.CASEWORK],
        "从事工会工作二十年，长期负责劳动争议调处和集体协商指导。",
        dt.date(2006, 3, 1),
    ),
    "YX": (
        "mentor-yx",
        "陈志强",
        "游仙区总工会基层工作部副部长",
        [Expertise.ORGANISING, Expertise.TRAINING],
        "多年负责新就业形态劳动者入会和基层工会规范化建设。",
        dt.date(2010, 9, 1),
    ),
}
TOPICS = (
    "劳动合同纠纷案例研讨", "集体协商要约与准备", "走访企业了解职工诉求", "基层工会换届选举流程",
    "职工之家建设现场观摩", "困难职工帮扶建档", "新就业形态劳动者入会宣传", "工会经费使用规范",
    "劳动争议调解实务演练", "职工代表大会筹备",
)  # fmt: skip
DISSOLVE_REASONS = ("徒弟岗位调整，不再适合继续带教。", "导师工作变动，双方协商解除。")
DECLINE_REASONS = ("近期承担专项工作，无法保证带教时间。", "专长与徒弟的需求不太匹配。")
STATES = ("completed", "dissolved", "declined", "active", "proposed")


@dataclass(frozen=True)
class PairingSpec:
    state: str
    mentor: Mentor
    apprentice: Worker
    kind: str
    start: dt.date
    overdue: bool = False  # active, but no meeting for months


@contextmanager
def _quiet():
    """Hold back "no email address; skipped" of the demo's notifications (demo accounts have
    no email address) until the ones queued inside have run at commit."""
    logger = logging.getLogger("mentorship.notifications")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        # on_commit callbacks run in order: this one after every notification queued before.
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: logger.setLevel(level))
        else:
            logger.setLevel(level)


def _county_workers(ctx: DemoContext, code: str) -> list[Worker]:
    federation = ctx.federations[code]
    return sorted(
        (
            w
            for w in ctx.workers.values()
            if w.federation_id == federation.pk and w.status == Worker.Status.ACTIVE and w.user_id
        ),
        key=lambda w: (w.hire_date, w.id_number),
    )


def _persona_worker(ctx: DemoContext) -> Worker | None:
    plans = ctx.worker_plans()
    return ctx.workers.get(plans[0].person.id_number) if plans else None


def add_mentors(ctx: DemoContext) -> None:
    """Register each county's cadre (涪城区's is the ``mentor`` persona) and senior workers."""
    users = get_user_model().objects
    persona = _persona_worker(ctx)
    have_users = set(Mentor.objects.values_list("user_id", flat=True))
    for code in COUNTIES:
        federation = ctx.federations[code]
        username, name, title, expertise, bio, since = CADRES[code]
        user = users.filter(username=username).first()
        created = user is None
        if created:
            password = PASSWORDS["mentor"] if username == "mentor" else None
            user = users.create_user(username=username, password=password, first_name=name)
            ctx.count("accounts")
        if user.pk not in have_users:
            services.register_mentor(
                by=ctx.by, federation=federation, user=user, name=name, title=title,
                expertise=expertise, bio=bio, experience_since=since,
            )  # fmt: skip
            ctx.count(_("导师"))
        if username == "mentor":
            ctx.add_account(
                "导师",
                user,
                password=PASSWORDS["mentor"],
                created=created,
                order=350,
                scope=f"{name}（{federation.short_name}总工会导师），本人带教的徒弟",
            )
        rng = ctx.rng("mentors", code)
        seniors = [w for w in _county_workers(ctx, code) if w != persona][:WORKER_MENTORS]
        for worker in seniors:
            if worker.user_id in have_users:
                continue
            services.register_mentor(
                by=ctx.by, federation=federation, worker=worker, title="骨干社会化工会工作者",
                expertise=rng.sample(Expertise.values, 2),
                bio="带教经验丰富，熟悉基层工会日常工作。",
            )  # fmt: skip
            ctx.count(_("导师"))


def _specs(ctx: DemoContext, code: str) -> list[PairingSpec]:
    """Return the county's pairings: PER_STATE in each state, mentors taken in turn."""
    rng = ctx.rng("pairings", code)
    mentors = sorted(
        Mentor.objects.filter(federation=ctx.federations[code]).select_related("user", "worker"),
        key=lambda m: (m.worker_id is not None, m.pk),  # the cadre (no worker record) first
    )
    if not mentors:
        return []
    persona = _persona_worker(ctx)
    mentor_workers = {m.worker_id for m in mentors}
    apprentices = [
        w for w in _county_workers(ctx, code) if w.pk not in mentor_workers and w != persona
    ]
    if not apprentices:
        return []
    apprentices.reverse()  # the newest workers are the apprentices
    today = ctx.today
    specs = []
    turn = 0
    for state in STATES:
        for j in range(PER_STATE):
            mentor = mentors[(STATES.index(state) + j) % len(mentors)]
            peer = j == PER_STATE - 1 and mentor.worker_id is not None
            apprentice = apprentices[turn % len(apprentices)]
            turn += 1
            overdue = False
            if state == "completed":
                start = add_months(today, -12) - dt.timedelta(days=rng.randint(20, 120))
            elif state == "dissolved":
                start = today - dt.timedelta(days=rng.randint(150, 330))
            elif state == "declined":
                start = today - dt.timedelta(days=rng.randint(10, 60))
            elif state == "active":
                start = today - dt.timedelta(days=rng.randint(20, 300))
                if code == "FC" and j >= 2 and mentor == mentors[0]:
                    mentor = mentors[-1]  # keep a place for the proposed pairing below
                if code == "FC" and j < 2:
                    # 王建国 (the cadre, mentors[0]) takes the demo worker and one who
                    # has not met for months.
                    mentor, peer = mentors[0], False
                    if j == 0 and persona is not None:
                        apprentice, start = persona, today - dt.timedelta(days=200)
                    else:
                        overdue, start = True, today - dt.timedelta(days=150)
            else:
                start = today + dt.timedelta(days=rng.randint(7, 30))
            kind = Kind.PEER if peer else Kind.APPRENTICE
            specs.append(PairingSpec(state, mentor, apprentice, kind, start, overdue))
    return specs


def _user(pairing: Pairing, side: str):
    return pairing.mentor.user if side == "mentor" else pairing.apprentice.user


def _meetings(ctx, rng, pairing, days: list[dt.date], *, await_last: bool) -> None:
    for number, day in enumerate(days):
        writer = "mentor" if rng.random() < 0.7 else "apprentice"
        entry = services.log_meeting(
            by=_user(pairing, writer),
            pairing=pairing,
            date=day,
            hours=Decimal(rng.choice((1.5, 2, 2, 2.5, 3))),
            form=rng.choice(MeetingForm.values),
            topic=rng.choice(TOPICS),
            today=ctx.today,
        )
        ctx.count(_("带教记录"))
        if await_last and number == len(days) - 1:
            continue
        other = "apprentice" if writer == "mentor" else "mentor"
        services.confirm_log(by=_user(pairing, other), entry=entry, today=ctx.today)


def _every(start: dt.date, last: dt.date, days: int) -> list[dt.date]:
    found, day = [], start
    while day <= last:
        found.append(day)
        day += dt.timedelta(days=days)
    return found


def _review(rng, pairing, stage: str, side: str) -> None:
    competences = {key: rng.randint(3, 5) for key in Competence.values} if side == "mentor" else {}
    services.submit_review(
        by=_user(pairing, side), pairing=pairing, stage=stage, rating=rng.randint(3, 5),
        competences=competences, comment="按计划完成带教，进步明显。",
    )  # fmt: skip


def _play(ctx: DemoContext, spec: PairingSpec, rng: random.Random) -> None:
    """Propose the pairing and take it to its state, through the services."""
    pairing = services.propose_pairing(
        by=ctx.by, mentor=spec.mentor, apprentice=spec.apprentice, kind=spec.kind,
        start=spec.start, months=12,
    )  # fmt: skip
    if spec.state == "proposed":
        return
    if spec.state == "declined":
        services.decline_pairing(
            by=spec.mentor.user, pairing=pairing, reason=rng.choice(DECLINE_REASONS)
        )
        return
    pairing = services.accept_pairing(by=spec.mentor.user, pairing=pairing, today=spec.start)
    first = spec.start + dt.timedelta(days=7)
    if spec.state == "dissolved":
        until = spec.start + dt.timedelta(days=rng.randint(60, 100))
        _meetings(ctx, rng, pairing, _every(first, until, 21), await_last=False)
        services.dissolve_pairing(
            by=ctx.by, pairing=pairing, reason=rng.choice(DISSOLVE_REASONS), today=until
        )
        return
    if spec.state == "completed":
        _meetings(ctx, rng, pairing, _every(first, pairing.end_date, 28), await_last=False)
        for stage in (Review.Stage.MIDTERM, Review.Stage.FINAL):
            for side in (Review.Side.MENTOR, Review.Side.APPRENTICE):
                _review(rng, pairing, stage, side)
        done = min(pairing.end_date + dt.timedelta(days=rng.randint(3, 15)), ctx.today)
        pairing = services.complete_pairing(by=ctx.by, pairing=pairing, today=done)
        if spec.kind == Kind.APPRENTICE and rng.random() < 0.5:
            on = min(done + dt.timedelta(days=7), ctx.today)
            services.certify_pairing(by=ctx.by, pairing=pairing, on=on)
            ctx.count(_("导师带徒证书"))
        return
    # Active: meetings every two weeks up to two days ago (the overdue one stopped early).
    last = spec.start + dt.timedelta(days=40) if spec.overdue else ctx.today - dt.timedelta(days=2)
    _meetings(ctx, rng, pairing, _every(first, last, 14), await_last=rng.random() < 0.6)
    if ctx.today >= rules.midterm_date(pairing.start_date, pairing.end_date):
        _review(rng, pairing, Review.Stage.MIDTERM, Review.Side.MENTOR)
        if not spec.overdue:  # the overdue apprentice owes the mid-term review too
            _review(rng, pairing, Review.Stage.MIDTERM, Review.Side.APPRENTICE)


def add_pairings(ctx: DemoContext) -> None:
    """Arrange each county's pairings and play each to its state (see the module docstring)."""
    existing = set(Pairing.objects.values_list("mentor_id", "apprentice_id", "kind"))
    with _quiet():
        for code in COUNTIES:
            _add_county_pairings(ctx, code, existing)


def _add_county_pairings(ctx: DemoContext, code: str, existing: set) -> None:
    for number, spec in enumerate(_specs(ctx, code)):
        key = (spec.mentor.pk, spec.apprentice.pk, spec.kind)
        if key in existing:
            continue
        try:
            with transaction.atomic():
                _play(ctx, spec, ctx.rng("pairing", code, number))
        except services.MentorshipError:
            # A small demo (few workers) cannot hold every pairing: leave this one out.
            continue
        existing.add(key)
        ctx.count(_("师徒结对"))


DEMO_STEPS = [add_mentors, add_pairings]
