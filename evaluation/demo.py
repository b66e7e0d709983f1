"""Demo data for social evaluation: last year's cycle confirmed, this year's collecting answers.

Run by ``manage.py load_demo_data`` after the workforce steps (see ``workforce/demo.py`` for the
rules every step follows: idempotent, deterministic). For 涪城区 and 游仙区, the two counties
whose staff have demo accounts, everything goes in through the evaluation services, as the
demo admin (``ctx.by``) where staff act and through answer tokens where evaluators do:

- **Last year's cycle, confirmed.** Collected from 15 November to 15 December with the policy's
  default kinds (用人单位 40, 服务企业 30, 服务对象 30): every covered worker has the answers
  each kind needs (one employing unit, three or four enterprises by invitation, ten to
  fourteen served workers through the poster), so every score is complete. The answers are
  drawn so that the 优秀 places (15 %) go to the demo ``worker`` and a few others, a few
  workers score 基本合格 and the rest 合格; in 涪城区 staff lower one 合格 to 基本合格 with a
  written reason. Then collecting closes, the grades are proposed and the cycle is confirmed.
- **This year's cycle, collecting** from two weeks before ``ctx.today`` to a month after it:
  answers came in through the posters for about two thirds of the workers, and a few
  invitations are out (the demo worker's employing unit, with an email address, and three
  enterprises, one of which answered).

A cycle is looked up by federation and year: one that exists is left as it is. The step
``report_links`` adds to the command's output a survey link that is open now (an unused
invitation of this year's cycle) and the demo worker's poster entry, to answer on a phone.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from workforce.demo import DemoContext
from workforce.models import Posting, Worker, open_posting_q

from . import rules, services
from .choices import Channel, Grade, State
from .models import Assessment, Cycle, Invitation, Kind, Poster

COUNTIES = ("FC", "YX")
PAST_OPENS, PAST_CLOSES = (11, 15), (12, 15)  # (month, day) of last year's collecting
OPEN_BEFORE, OPEN_AFTER = 14, 30  # days around ctx.today this year's cycle collects
BASIC_SHARE = 0.1  # of the covered workers, drawn to score 基本合格 last year
ENTERPRISES = (
    "四川九洲电器集团有限责任公司工会", "四川长虹电器股份有限公司工会", "攀长钢公司工会",
    "京东方光电科技有限公司工会", "绵阳新华内燃机集团工会", "四川华丰科技股份有限公司工会",
    "绵阳富临实业集团工会", "四川久远银海软件股份有限公司工会", "利尔化学股份有限公司工会",
    "四川美丰化工股份有限公司工会", "绵阳市商业银行工会", "游仙区小微企业联合工会",
)  # fmt: skip
COMMENTS = (
    "服务热情，解决问题及时。",
    "帮助我们建立了职工之家，很满意。",
    "希望多到企业走访，听听一线职工的意见。",
    "政策讲解清楚，办事公道。",
    "工作认真负责，值得信赖。",
    "联系方式最好再公开一些，找人不太方便。",
)
ADJUST_REASON = "年内两次未按时报送工作台账，经区总工会党组会研究，下调一个等次。"
EMPLOYER_EMAIL = "renshi@example.cn"  # example.cn: a reserved demo domain, nothing is sent

# The level values each kind of worker gets from their evaluators last year, by band.
EXCELLENT, PASS, BASIC = "excellent", "pass", "basic"


def _persona(ctx: DemoContext) -> Worker | None:
    plans = ctx.worker_plans()
    return ctx.workers.get(plans[0].person.id_number) if plans else None


def _moment(rng: random.Random, first: dt.date, last: dt.date) -> dt.datetime:
    """Return a daytime moment between two days (``first`` if the range is empty)."""
    day = first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(8, 21), rng.randint(0, 59)))
    )


def _value(rng: random.Random, band: str, kind: Kind, quality: float) -> int:
    """Return one item's level for a worker of ``band`` (see the module docstring)."""
    if band == EXCELLENT:
        # The employing unit is delighted: with 85 at worst elsewhere, the total stays ≥ 91.
        return 100 if kind.order == 0 or rng.random() < 0.5 else 85
    if band == BASIC:
        # The employing unit gives 70; the others 70 or 50: a total between 58 and 70, ~67.
        return 70 if kind.order == 0 or rng.random() < 0.75 else 50
    return 85 if rng.random() < quality else 70  # between 70 and 85: 合格


def _submit(rng, token: str, kind: Kind, now: dt.datetime, value) -> None:
    values = {item.pk: value() for item in kind.items.all()}
    comment = rng.choice(COMMENTS) if rng.random() < 0.2 else ""
    services.submit_answer(token=token, values=values, comment=comment, now=now)


def _units(assessments: list[Assessment]) -> dict[int, str]:
    postings = Posting.objects.filter(
        open_posting_q(), worker_id__in=[a.worker_id for a in assessments]
    )
    return dict(postings.values_list("worker_id", "unit__name"))


def _contacts(rng, kind: Kind, unit: str, count: int) -> list[tuple[str, str]]:
    if kind.order == 0:
        return [(unit or "用人单位工会", "")] * count
    return [(name, "") for name in rng.sample(ENTERPRISES, count)]


def _answer_all(ctx, cycle: Cycle, rng, bands: dict[int, tuple[str, float]], first, last):
    """Give every covered worker the answers each kind needs (and a few more)."""
    kinds = list(cycle.kinds.prefetch_related("items"))
    posters = dict(Poster.objects.filter(kind__cycle=cycle).values_list("assessment_id", "code"))
    assessments = list(cycle.assessments.order_by("pk"))
    units = _units(assessments)
    answers = invitations = 0
    for assessment in assessments:
        band, quality = bands[assessment.pk]
        for kind in kinds:
            count = kind.min_answers + rng.choice(
                (0, 0, 1) if kind.min_answers < 10 else (0, 1, 2, 4)
            )
            value = partial(_value, rng, band, kind, quality)
            if kind.channel == Channel.INVITATION:
                issued = services.issue_invitations(
                    by=ctx.by, kind=kind, assessment=assessment,
                    contacts=_contacts(rng, kind, units.get(assessment.worker_id, ""), count),
                )  # fmt: skip
                invitations += len(issued)
                for invitation in issued:
                    _submit(rng, invitation.token, kind, _moment(rng, first, last), value)
            elif kind.channel == Channel.POSTER:
                for _n in range(count):
                    now = _moment(rng, first, last)
                    entry = services.open_poster_entry(code=posters[assessment.pk], now=now)
                    _submit(rng, entry.token, kind, now, value)
            else:  # scored by staff (none among the default kinds): one score
                services.record_staff_score(by=ctx.by, assessment=assessment, kind=kind, score=80)
                count = 1
            answers += count
    ctx.count(_("评价"), answers)
    ctx.count(_("评价邀请"), invitations)


def _bands(cycle: Cycle, rng, persona: Worker | None) -> dict[int, tuple[str, float]]:
    """Decide who scores 优秀 (the demo worker first, within the cap), 基本合格 and 合格."""
    assessments = list(cycle.assessments.select_related("worker").order_by("worker__id_number"))
    cap = rules.excellent_cap(len(assessments), cycle.excellent_share_percent)
    others = [a for a in assessments if a.worker != persona]
    rng.shuffle(others)
    first = [a for a in assessments if a.worker == persona]
    excellent = (first + others)[:cap]
    basic = [a for a in others if a not in excellent][: max(1, round(len(others) * BASIC_SHARE))]
    return {
        a.pk: (
            EXCELLENT if a in excellent else BASIC if a in basic else PASS,
            rng.uniform(0.2, 0.9),
        )
        for a in assessments
    }


def _confirmed_cycle(ctx: DemoContext, code: str, year: int, persona: Worker | None) -> None:
    federation = ctx.federations[code]
    opens, closes = dt.date(year, *PAST_OPENS), dt.date(year, *PAST_CLOSES)
    cycle = services.create_cycle(
        by=ctx.by, federation=federation, year=year, opens_on=opens, closes_on=closes
    )
    ctx.count(_("考核周期"))
    if not cycle.assessments.exists():
        return  # nobody to evaluate (a tiny demo): the cycle stays a draft
    cycle = services.start_collecting(by=ctx.by, cycle=cycle)
    rng = ctx.rng("evaluation", code, year)
    _answer_all(ctx, cycle, rng, _bands(cycle, rng, persona), opens, closes)
    cycle = services.close_collecting(by=ctx.by, cycle=cycle)
    # Staff decide whatever the scores leave open (none with these answers, but be safe).
    for assessment in cycle.assessments.filter(grade__isnull=True):
        services.set_grade(
            by=ctx.by, assessment=assessment, grade=Grade.PASS,
            reason="" if assessment.proposed == Grade.PASS else "评价数不足，参照平时考核评定。",
        )  # fmt: skip
    if code == "FC":
        lowered = (
            cycle.assessments.filter(grade=Grade.PASS)
            .exclude(worker=persona)
            .order_by("pk")
            .first()
        )
        if lowered is not None:
            services.set_grade(
                by=ctx.by, assessment=lowered, grade=Grade.BASIC, reason=ADJUST_REASON
            )
    services.confirm_cycle(by=ctx.by, cycle=cycle)


def _collecting_cycle(ctx: DemoContext, code: str, year: int, persona: Worker | None) -> None:
    federation = ctx.federations[code]
    opens = ctx.today - dt.timedelta(days=OPEN_BEFORE)
    cycle = services.create_cycle(
        by=ctx.by, federation=federation, year=year, opens_on=opens,
        closes_on=ctx.today + dt.timedelta(days=OPEN_AFTER),
    )  # fmt: skip
    ctx.count(_("考核周期"))
    if not cycle.assessments.exists():
        return
    cycle = services.start_collecting(by=ctx.by, cycle=cycle)
    rng = ctx.rng("evaluation", code, year)
    last = ctx.today - dt.timedelta(days=1)
    kinds = list(cycle.kinds.prefetch_related("items"))
    posters = dict(Poster.objects.filter(kind__cycle=cycle).values_list("assessment_id", "code"))
    assessments = list(cycle.assessments.select_related("worker").order_by("worker__id_number"))
    units = _units(assessments)
    levels = lambda: rng.choices((100, 85, 70, 50), (4, 4, 2, 1))[0]  # noqa: E731
    answers = invitations = 0
    for assessment in assessments:
        mine = assessment.worker == persona
        for kind in kinds:
            if kind.channel == Channel.POSTER and assessment.pk in posters:
                count = 4 if mine else rng.choice((0, 0, 2, 3, 5, 8, 11))
                for _n in range(count):
                    now = _moment(rng, opens, last)
                    entry = services.open_poster_entry(code=posters[assessment.pk], now=now)
                    _submit(rng, entry.token, kind, now, levels)
                answers += count
            elif kind.channel == Channel.INVITATION and (mine or rng.random() < 0.1):
                if kind.order == 0:
                    unit = units.get(assessment.worker_id) or "用人单位工会"
                    contacts = [(unit, EMPLOYER_EMAIL if mine else "")]
                else:
                    contacts = _contacts(rng, kind, "", 3)
                issued = services.issue_invitations(
                    by=ctx.by, kind=kind, assessment=assessment, contacts=contacts
                )
                invitations += len(issued)
                if kind.order != 0:  # one enterprise answered already
                    _submit(rng, issued[0].token, kind, _moment(rng, opens, last), levels)
                    answers += 1
    ctx.count(_("评价"), answers)
    ctx.count(_("评价邀请"), invitations)


def add_cycles(ctx: DemoContext) -> None:
    """Add last year's confirmed cycle and this year's collecting one in each demo county."""
    persona = _persona(ctx)
    past, current = ctx.today.year - 1, ctx.today.year
    for code in COUNTIES:
        federation = ctx.federations.get(code)
        if federation is None:
            continue
        years = set(Cycle.objects.filter(federation=federation).values_list("year", flat=True))
        if past not in years:
            _confirmed_cycle(ctx, code, past, persona)
        if current not in years:
            _collecting_cycle(ctx, code, current, persona)


def public_url(token: str | None = None, code: str | None = None) -> str:
    """Return the public address of an invitation (``token``) or a poster entry (``code``)."""
    if token is not None:
        return f"{settings.SITE_URL}{reverse('evaluation:survey', args=[token])}"
    return f"{settings.SITE_URL}{reverse('evaluation:poster', args=[code])}"


def report_links(ctx: DemoContext) -> None:
    """List a survey link open now and the demo worker's poster entry (this year's cycle)."""
    persona = _persona(ctx)
    if persona is None:
        return
    now = timezone.make_aware(dt.datetime.combine(ctx.today, dt.time(12)))
    assessment = (
        Assessment.objects.filter(worker=persona, cycle__year=ctx.today.year)
        .select_related("cycle")
        .first()
    )
    if assessment is None or assessment.cycle.state != State.COLLECTING:
        return
    invitations = Invitation.objects.filter(
        assessment=assessment, source=Invitation.Source.ISSUED, uses_left__gt=0, revoked=False
    ).select_related("kind__cycle")
    unused = next(
        (
            i
            for i in invitations.order_by("pk")
            if services.state_of(i, now=now) == rules.TokenState.OPEN
        ),
        None,
    )
    name = persona.name
    if unused is not None:
        ctx.add_link(
            _("评价问卷（%(kind)s评价%(name)s，一次有效）")
            % {"kind": unused.kind.name, "name": name},
            public_url(token=unused.token),
        )
    poster = Poster.objects.filter(assessment=assessment).first()
    if poster is not None and now.date() <= assessment.cycle.closes_on:
        ctx.add_link(
            _("%(name)s的评价海报（服务对象扫码评价）") % {"name": name},
            public_url(code=poster.code),
        )


DEMO_STEPS = [add_cycles, report_links]
