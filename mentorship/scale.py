"""Mentoring at scale: the "mentoring" step of ``manage.py generate_scale_data``.

At size M (20,000 workers) it adds exactly 2,000 mentors, 6,000 pairings and 60,000 meeting
logs; other sizes in proportion to their workers (``mentoring_size``). Like the other scale
steps it writes with ``bulk_create``, past the services (see ``generate_scale_data``), but
keeps their rules: a mentor never holds more active pairings than the policy's load limit,
an apprentice at most one active pairing of each kind, nobody is their own mentor, 结对提升
joins two workers, and a log lies within its pairing's term.

Half the mentors are senior workers, half union cadres with an account of their own (no
usable password). Pairings are spread over the states (mostly active or completed), their
mentors and apprentices in the same federation; logs are spread over the days each pairing
ran, mostly confirmed, some awaiting confirmation or disputed, a few planned ahead.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from workforce.models import Federation, Worker
from workforce.policy import Policy

from . import rules
from .choices import Expertise, Kind, MeetingForm
from .models import MeetingLog, Mentor, Pairing

BATCH = 5000
S = Pairing.Status
# Shares of the pairings by state.
STATE_SHARES = {
    S.ACTIVE: 0.4,
    S.COMPLETED: 0.3,
    S.PROPOSED: 0.12,
    S.DISSOLVED: 0.12,
    S.DECLINED: 0.06,
}
LOG_SHARES = {
    MeetingLog.Status.CONFIRMED: 0.86,
    MeetingLog.Status.AWAITING: 0.08,
    MeetingLog.Status.DISPUTED: 0.03,
    MeetingLog.Status.CANCELLED: 0.03,
}
PEER_SHARE = 0.15  # of the pairings led by a worker
TOPICS = (
    "劳动争议案例研讨",
    "集体协商实务",
    "走访企业",
    "基层工会组建",
    "困难职工帮扶",
    "职代会筹备",
)
TERM_MONTHS = Policy.mentor_term_months
LOAD_LIMIT = Policy.mentor_load_limit


@dataclass(frozen=True)
class MentoringSize:
    mentors: int
    pairings: int
    logs: int


def mentoring_size(workers: int) -> MentoringSize:
    """Return the mentoring of a city of ``workers``: 2,000 / 6,000 / 60,000 at 20,000."""
    return MentoringSize(
        mentors=round(workers / 10), pairings=round(workers * 3 / 10), logs=workers * 3
    )


def _exact_counts(total: int, shares: dict) -> dict:
    """Split ``total`` by ``shares``, the remainder to the largest share."""
    counts = {key: int(total * share) for key, share in shares.items()}
    counts[max(shares, key=shares.get)] += total - sum(counts.values())
    return counts


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _add_mentors(data, rng: random.Random, count: int) -> list[Mentor]:
    """Return ``count`` new mentors: half senior workers, half cadres with their own account."""
    active = [w for w in data.workers if w.status == Worker.Status.ACTIVE]
    from_workers = rng.sample(active, min(len(active), count // 2))
    per_federation = Counter(w.federation_id for w in active)
    federations = [f for f in data.federations if per_federation[f.pk]]
    weights = [per_federation[f.pk] for f in federations]
    cadre_federations = rng.choices(federations, weights, k=count - len(from_workers))
    taken = set(get_user_model().objects.values_list("username", flat=True))
    users = []
    for number in range(1, len(cadre_federations) + 1):
        username = f"scl-mentor-{number:06d}"
        while username in taken:
            username += "x"
        users.append(
            get_user_model()(
                username=username,
                first_name=f"导师{number}",
                password=UNUSABLE_PASSWORD_PREFIX + str(rng.getrandbits(128)),
            )
        )
    users = get_user_model().objects.bulk_create(users, batch_size=BATCH)
    since = dt.date(2005, 1, 1)
    mentors = [
        Mentor(
            user_id=worker.user_id,
            worker=worker,
            federation_id=worker.federation_id,
            name=worker.name,
            title="骨干社会化工会工作者",
            expertise=rng.sample(Expertise.values, 2),
            experience_since=worker.hire_date,
        )
        for worker in from_workers
    ] + [
        Mentor(
            user=user,
            federation=federation,
            name=user.first_name,
            title="工会干部",
            expertise=rng.sample(Expertise.values, rng.randint(1, 3)),
            experience_since=_day(rng, since, data.today - dt.timedelta(days=3 * 365)),
        )
        for user, federation in zip(users, cadre_federations, strict=True)
    ]
    return Mentor.objects.bulk_create(mentors, batch_size=BATCH)


def _dates(rng: random.Random, state: int, today: dt.date) -> tuple[dt.date, dt.date | None]:
    """Return a pairing's start and, once it ended, the day it ended."""
    back = lambda low, high: today - dt.timedelta(days=rng.randint(low, high))  # noqa: E731
    if state == S.ACTIVE:
        # One in twenty runs past its end date, waiting for staff to complete it.
        return (back(370, 420) if rng.random() < 0.05 else back(10, 340)), None
    if state == S.COMPLETED:
        start = back(400, 800)
        return start, rules.term_end(start, TERM_MONTHS) + dt.timedelta(days=rng.randint(1, 30))
    if state == S.DISSOLVED:
        start = back(60, 700)
        return start, min(today, start + dt.timedelta(days=rng.randint(20, 200)))
    if state == S.DECLINED:
        start = back(-30, 400)
        return start, min(today, start - dt.timedelta(days=rng.randint(1, 10)))
    return back(-60, -1), None  # proposed, starting soon


def _add_pairings(data, rng: random.Random, mentors: list[Mentor], count: int) -> list[Pairing]:
    today = data.today
    apprentices: dict[int, list[Worker]] = defaultdict(list)
    for worker in data.workers:
        if worker.status == Worker.Status.ACTIVE:
            apprentices[worker.federation_id].append(worker)
    states = [s for s, n in _exact_counts(count, STATE_SHARES).items() for _ in range(n)]
    rng.shuffle(states)
    load: Counter[int] = Counter()
    active_kinds: set[tuple[int, str]] = set()
    pairings = []
    for state in states:
        for _attempt in range(50):
            mentor = rng.choice(mentors)
            apprentice = rng.choice(apprentices[mentor.federation_id])
            peer = mentor.worker_id is not None and rng.random() < PEER_SHARE
            kind = Kind.PEER if peer else Kind.APPRENTICE
            if apprentice.pk == mentor.worker_id:
                continue
            if state == S.ACTIVE and (
                load[mentor.pk] >= LOAD_LIMIT or (apprentice.pk, kind) in active_kinds
            ):
                continue
            break
        else:
            raise RuntimeError("No room left for an active pairing: too few mentors.")
        if state == S.ACTIVE:
            load[mentor.pk] += 1
            active_kinds.add((apprentice.pk, kind))
        start, ended = _dates(rng, state, today)
        pairings.append(
            Pairing(
                kind=kind,
                mentor=mentor,
                apprentice=apprentice,
                federation_id=apprentice.federation_id,
                status=state,
                start_date=start,
                term_months=TERM_MONTHS,
                end_date=rules.term_end(start, TERM_MONTHS),
                accepted_on=start if state in (S.ACTIVE, S.COMPLETED, S.DISSOLVED) else None,
                ended_on=ended,
                end_reason="工作调整" if state in (S.DISSOLVED, S.DECLINED) else "",
            )
        )
    return Pairing.objects.bulk_create(pairings, batch_size=BATCH)


def _spans(pairings: list[Pairing], today: dt.date) -> list[tuple[Pairing, dt.date, dt.date]]:
    """Return the pairings that met, with the first and last day a meeting could be on."""
    spans = []
    for pairing in pairings:
        if pairing.status == S.ACTIVE:
            last = min(today, pairing.end_date)
        elif pairing.status in (S.COMPLETED, S.DISSOLVED):
            last = min(pairing.ended_on, pairing.end_date)
        else:
            continue
        if last >= pairing.start_date:
            spans.append((pairing, pairing.start_date, last))
    return spans


def _add_logs(data, rng: random.Random, pairings: list[Pairing], count: int) -> int:
    """Spread exactly ``count`` logs over the pairings that met, by the days each ran."""
    spans = _spans(pairings, data.today)
    weights = [(last - first).days + 1 for _p, first, last in spans]
    total = sum(weights)
    shares = [count * w / total for w in weights]
    per_pairing = [int(s) for s in shares]
    # Largest remainders get the logs left over, so the total is exact.
    order = sorted(range(len(spans)), key=lambda i: shares[i] - per_pairing[i], reverse=True)
    for i in order[: count - sum(per_pairing)]:
        per_pairing[i] += 1
    statuses = list(LOG_SHARES)
    status_weights = list(LOG_SHARES.values())
    forms = MeetingForm.values
    written = 0
    batch = []
    for (pairing, first, last), n in zip(spans, per_pairing, strict=True):
        writers = (pairing.mentor.user_id, pairing.apprentice.user_id)
        for _ in range(n):
            status = rng.choices(statuses, status_weights)[0]
            day = _day(rng, first, last)
            ahead = data.today + dt.timedelta(days=7)
            if pairing.status == S.ACTIVE and pairing.end_date > ahead and rng.random() < 0.03:
                status, day = MeetingLog.Status.PLANNED, ahead
            writer = writers[rng.random() < 0.3]
            answered = status in (MeetingLog.Status.CONFIRMED, MeetingLog.Status.DISPUTED)
            batch.append(
                MeetingLog(
                    pairing=pairing,
                    date=day,
                    hours=Decimal(rng.choice((10, 15, 20, 20, 25, 30))) / 10,
                    form=rng.choice(forms),
                    topic=rng.choice(TOPICS),
                    status=status,
                    written_by_id=writer,
                    answered_by_id=writers[writer == writers[0]] if answered else None,
                    dispute_reason="时长与实际不符" if status == MeetingLog.Status.DISPUTED else "",
                )
            )
        if len(batch) >= BATCH:
            MeetingLog.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
            batch = []
    MeetingLog.objects.bulk_create(batch, batch_size=BATCH)
    return written + len(batch)


def add_mentoring(data) -> None:
    """Add mentors, pairings and meeting logs to the scale-test city ``data``."""
    target = mentoring_size(data.size.workers)
    rng = random.Random(data.rng.randrange(2**32))
    mentors = _add_mentors(data, rng, target.mentors)
    pairings = _add_pairings(data, rng, mentors, target.pairings)
    data.counts["mentors"] = len(mentors)
    data.counts["pairings"] = len(pairings)
    data.counts["meeting logs"] = _add_logs(data, rng, pairings, target.logs)


def remove_mentoring(root: Federation) -> None:
    """Delete the mentoring of the scale-test city under ``root`` (for ``--replace``)."""
    pairings = Pairing.objects.filter(federation__path__startswith=root.path)
    MeetingLog.objects.filter(pairing__in=pairings).delete()
    pairings.delete()
    mentors = Mentor.objects.filter(federation__path__startswith=root.path)
    cadres = list(mentors.filter(worker__isnull=True).values_list("user_id", flat=True))
    mentors.delete()
    get_user_model().objects.filter(pk__in=cadres).delete()


# For ``generate_scale_data``: (name, add, remove), run after the workforce and training steps.
SCALE_STEPS = [("mentoring", add_mentoring, remove_mentoring)]
