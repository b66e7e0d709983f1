"""Social evaluation at scale: the "evaluation" step of ``manage.py generate_scale_data``.

One cycle of this year per federation that hires workers (the county-level federations and
their parks), covering its active workers, with the policy's default kinds and questionnaires
(用人单位 40, 服务企业 30, 服务对象 30; at least 1 / 3 / 10 answers). Collecting closed yesterday
after four weeks; two cycles in three are confirmed, the rest are being scored. Each worker
has about 15 answers (at size M: 19,403 covered workers, about 292,000 answers; other sizes in
proportion): one or two from the employing unit, three or four from enterprises, ten to twelve
from served workers — and one worker in twenty has fewer than ten of those, so their score is
incomplete. Each answer's item levels are drawn around the worker's own quality, so scores
spread over every grade.

Like the other scale steps it writes past the services (see ``generate_scale_data``), with
``bulk_create`` and, for the answers, invitations and posters, plain ``executemany`` of values
adapted once (at size M this takes about 35 s on SQLite instead of minutes), but keeps their
rules: the scores and proposals are those of ``evaluation/rules.py`` (the 优秀 cap, ties at its
boundary left to staff while scoring), a confirmed cycle has every worker graded (an incomplete
score or a tie graded 合格 by staff, with a reason where it differs from the proposal), and each
issued invitation that led to an answer is spent (``uses_left`` 0) without any link to it.
Poster entries (one-use tokens given to browsers) are not generated: they carry nothing the
screens read.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from workforce.models import Federation, Worker

from . import rules
from .choices import DEFAULT_KINDS, Channel, Grade, Scale, State
from .models import Answer, Assessment, Cycle, Invitation, Item, Kind, Poster

BATCH = 5000
CONFIRMED_SHARE = 2 / 3  # of the cycles; the rest are being scored
SHORT_SHARE = 0.05  # of the workers: fewer served-worker answers than the minimum
ADJUSTED_SHARE = 0.01  # of the workers of a confirmed cycle: a grade lowered with a reason
LEVELS = (100, 85, 70, 50, 30)
COMMENTS = ("服务热情，解决问题及时。", "希望多到企业走访。", "政策讲解清楚。", "办事公道。")


def _extra(rng: random.Random, kind_order: int) -> int:
    """Answers beyond a kind's minimum: 1-2 employing units, 3-4 enterprises, 10-12 served."""
    if kind_order == 0:
        return rng.random() < 0.1
    if kind_order == 1:
        return rng.random() < 0.15
    return rng.choice((0, 1, 1, 2))


def _level(rng: random.Random, quality: float) -> int:
    """Draw one item's level for a worker whose mean level index is ``quality`` (0 best)."""
    index = min(4, max(0, round(rng.gauss(quality, 0.8))))
    return LEVELS[index]


def _insert(model, fields: list[str], rows: list[tuple]) -> int:
    """Insert ``rows`` (values already adapted to the database) with plain ``executemany``."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)


class _Adapted(dict):
    """Values adapted for the database once each (few distinct scores, days and levels)."""

    def __init__(self, adapt):
        super().__init__()
        self.adapt = adapt

    def __missing__(self, key):
        self[key] = value = self.adapt(key)
        return value


def _add_cycle(data, federation: Federation, opens, closes, state) -> tuple[Cycle, list[Kind]]:
    cycle = Cycle.objects.create(
        federation=federation,
        year=data.today.year,
        name=f"{data.today.year}年度社会化工会工作者满意度评估",
        opens_on=opens,
        closes_on=closes,
        state=state,
        excellent_min=Decimal(90),
        pass_min=Decimal(70),
        basic_min=Decimal(60),
        excellent_share_percent=15,
        confirmed_at=timezone.now() if state == State.CONFIRMED else None,
    )
    kinds = []
    for order, (name, weight, minimum, channel, items) in enumerate(DEFAULT_KINDS):
        kind = Kind.objects.create(
            cycle=cycle, name=str(name), weight=weight, min_answers=minimum, channel=channel,
            order=order,
        )  # fmt: skip
        kind.item_list = Item.objects.bulk_create(
            Item(kind=kind, text=str(text), weight=w, scale=Scale.LEVELS, order=n)
            for n, (text, w) in enumerate(items)
        )
        kinds.append(kind)
    return cycle, kinds


def _draw(rng, kinds: list[Kind], covered: int, answer_of: _Adapted) -> tuple[list, list]:
    """Draw each covered worker's answers: [(kind id, answer key, when, comment)] per
    worker, and their tallies {kind id: (answers, mean score)}."""
    drawn, tallies = [], []
    for _index in range(covered):
        quality = rng.triangular(0, 2.6, 1.1)
        short = rng.random() < SHORT_SHARE
        answers, tally = [], {}
        for kind in kinds:
            n = kind.min_answers + _extra(rng, kind.order)
            if short and kind.channel == Channel.POSTER:
                n = rng.randint(6, kind.min_answers - 1)
            total = Decimal(0)
            for _n in range(n):
                key = (kind.pk, tuple(_level(rng, quality) for _item in kind.item_list))
                total += answer_of[key][0]
                comment = rng.choice(COMMENTS) if rng.random() < 0.05 else ""
                answers.append((kind.pk, key, rng.random(), comment))
            tally[kind.pk] = (n, total / n)
        drawn.append(answers)
        tallies.append(tally)
    return drawn, tallies


def _grade(rng, cycle: Cycle, kinds, assessments: list[Assessment], tallies: list) -> None:
    """Score and propose as ``close_collecting`` does; confirm as staff would."""
    rule_kinds = [rules.KindRule(kind.pk, kind.weight, kind.min_answers) for kind in kinds]
    scores = [rules.weighted_score(rule_kinds, tally) for tally in tallies]
    cap = rules.excellent_cap(len(assessments), cycle.excellent_share_percent)
    bands = rules.Bands(cycle.excellent_min, cycle.pass_min, cycle.basic_min)
    proposals = rules.propose_grades(dict(enumerate(s.total for s in scores)), bands, cap)
    confirmed = cycle.state == State.CONFIRMED
    for index, assessment in enumerate(assessments):
        score, proposal = scores[index], proposals[index]
        assessment.score, assessment.complete = score.total, score.complete
        assessment.proposed, assessment.tie = proposal.grade, proposal.tie
        assessment.grade = None if proposal.tie else proposal.grade
        if confirmed and assessment.grade is None:
            assessment.grade = Grade.PASS
            if proposal.grade != Grade.PASS:
                assessment.reason = "评价数不足，参照平时考核评定。"
        elif confirmed and assessment.grade == Grade.PASS and rng.random() < ADJUSTED_SHARE:
            assessment.grade, assessment.reason = Grade.BASIC, "年内未按时报送工作台账。"


def add_evaluation(data) -> None:
    """Add a scored or confirmed cycle, with answers, per federation of the scale-test city."""
    rng = random.Random(data.rng.randrange(2**32))
    ops = connection.ops
    closes = data.today - dt.timedelta(days=1)
    opens = closes - dt.timedelta(days=28)
    days = (closes - opens).days + 1
    valid_from = timezone.make_aware(dt.datetime.combine(opens, dt.time.min))
    valid_until = timezone.make_aware(dt.datetime.combine(closes + dt.timedelta(1), dt.time.min))
    sent, now = (
        ops.adapt_datetimefield_value(valid_from),
        ops.adapt_datetimefield_value(timezone.now()),
    )
    until = ops.adapt_datetimefield_value(valid_until)
    day_of = _Adapted(lambda offset: ops.adapt_datefield_value(opens + dt.timedelta(days=offset)))
    items_of: dict[int, list[Item]] = {}  # kind id -> its items
    # (kind id, its items' levels) -> (score, adapted score, values as JSON)
    answer_of = _Adapted(
        lambda key: (
            score := rules.answer_score(
                [(i.weight, level) for i, level in zip(items_of[key[0]], key[1], strict=True)]
            ),
            ops.adapt_decimalfield_value(score, 5, 2),
            json.dumps(
                {str(i.pk): level for i, level in zip(items_of[key[0]], key[1], strict=True)}
            ),
        )
    )
    covered: dict[int, list[Worker]] = defaultdict(list)
    for worker in data.workers:
        if worker.status == Worker.Status.ACTIVE and worker.hire_date < opens:
            covered[worker.federation_id].append(worker)
    counts: dict[str, int] = defaultdict(int)
    for number, federation in enumerate(data.federations):
        workers = covered.get(federation.pk)
        if not workers:
            continue
        state = State.SCORING if number % 3 == 2 else State.CONFIRMED
        cycle, kinds = _add_cycle(data, federation, opens, closes, state)
        items_of.update((kind.pk, kind.item_list) for kind in kinds)
        drawn, tallies = _draw(rng, kinds, len(workers), answer_of)
        assessments = [Assessment(cycle=cycle, worker=worker) for worker in workers]
        _grade(rng, cycle, kinds, assessments, tallies)
        assessments = Assessment.objects.bulk_create(assessments, batch_size=BATCH)
        answers, invitations, posters = [], [], []
        for assessment, worker_answers in zip(assessments, drawn, strict=True):
            per_kind: dict[int, int] = defaultdict(int)
            for kind_id, key, when, comment in worker_answers:
                _score, score, values = answer_of[key]
                day = day_of[int(when * days)]
                answers.append((kind_id, assessment.pk, values, score, comment, day))
                per_kind[kind_id] += 1
            for kind in kinds:
                if kind.channel == Channel.POSTER:
                    posters.append((kind.pk, assessment.pk, secrets.token_urlsafe(16)))
                elif kind.channel == Channel.INVITATION:
                    n = per_kind[kind.pk]
                    unused = rng.random() < 0.05  # an invitee who never answered
                    contact = "用人单位工会" if kind.order == 0 else "企业工会"
                    invitations += [
                        (kind.pk, assessment.pk, secrets.token_urlsafe(16), "issued", contact,
                         "", int(k == n), sent, until, False, sent, None, 0, now)
                        for k in range(n + unused)
                    ]  # fmt: skip
        counts["answers"] += _insert(
            Answer, ["kind", "assessment", "values", "score", "comment", "submitted_on"], answers
        )
        counts["invitations"] += _insert(Invitation, INVITATION_FIELDS, invitations)
        _insert(Poster, ["kind", "assessment", "code"], posters)
        counts["cycles"] += 1
        counts["assessments"] += len(assessments)
    data.counts["evaluation cycles"] = counts["cycles"]
    data.counts["assessments"] = counts["assessments"]
    data.counts["answers"] = counts["answers"]
    data.counts["invitations"] = counts["invitations"]


INVITATION_FIELDS = [
    "kind", "assessment", "token", "source", "contact", "email", "uses_left", "valid_from",
    "valid_until", "revoked", "sent_at", "reminded_at", "reminders", "created_at",
]  # fmt: skip


def remove_evaluation(root: Federation) -> None:
    """Delete the cycles of the scale-test city under ``root`` (for ``--replace``)."""
    Cycle.objects.filter(federation__path__startswith=root.path).delete()


# For ``generate_scale_data``: (name, add, remove), run after the workforce steps.
SCALE_STEPS = [("evaluation", add_evaluation, remove_evaluation)]
