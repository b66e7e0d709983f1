"""Demo data for awards: this year's 五一劳动奖章 campaign of 绵阳市总工会, with its places
reserved for socialized workers allocated to 涪城区 and 游仙区 and nominations in every state.

Run by ``manage.py load_demo_data`` after the workforce and evaluation steps (see
``workforce/demo.py`` for the rules every step follows: idempotent, deterministic). Everything
goes in through the awards services, as the demo admin (``ctx.by``), with dates around
``ctx.today``, so the demo obeys the product's rules (eligibility, places, the notice window
in working days):

- the city-level 五一劳动奖章 in the catalogue, and this year's campaign: 120 places, 10 %
  reserved (12), nominations from 60 days before today to 20 days after, two review rounds,
  the constraints 一线职工 ≥ 60 %, 单位负责人 ≤ 15 %, 女性 ≥ 20 %;
- allocations: 涪城区 5 places and 1 typed 基层一线职工 place, 游仙区 5 (one place left);
- a first list put on notice and approved about a month ago (one winner in each county);
- the current list: nominees on notice now (the window starting yesterday), one of them with
  an objection waiting; one under review (round 1 of 2 passed), one submitted, one returned
  for changes, one rejected, one withdrawn and one draft;
- a past winner of the same medal (recorded from two years ago), refused when nominated.

Nominees are the counties' eligible workers (from last year's confirmed grades, which the
evaluation demo confirms; when it has not run, ``ensure_grades`` confirms a plain cycle in
which everyone is 合格). A campaign that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from evaluation import services as evaluation_services
from evaluation.choices import Grade
from evaluation.models import Cycle
from workforce.demo import DemoContext
from workforce.models import Federation, Worker

from . import selectors, services
from .choices import Bound, Category, Level
from .models import Award, Campaign, Honour

AWARD = "五一劳动奖章"
CITY, COUNTIES = "MY", ("FC", "YX")
TOTAL_PLACES = 120
OPENS_BEFORE, CLOSES_AFTER = 60, 20  # days around ctx.today the nominations are taken
FIRST_LIST = 50  # days before ctx.today the first list was nominated
SECOND_LIST = 30
CONSTRAINTS = [
    (Category.FRONTLINE, Bound.AT_LEAST, 60),
    (Category.UNIT_HEAD, Bound.AT_MOST, 15),
    (Category.FEMALE, Bound.AT_LEAST, 20),
]
# (county, allocation label, places)
ALLOCATIONS = [("FC", "", 5), ("FC", "基层一线职工", 1), ("YX", "", 5)]
# (county, allocation label, what happens): the first list, then the current one.
FIRST = [("FC", "", "approved"), ("YX", "", "approved")]
SECOND = [
    ("FC", "", "objected"),
    ("FC", "", "notice"),
    ("FC", "", "draft"),
    ("FC", "", "withdrawn"),
    ("FC", "基层一线职工", "returned"),
    ("YX", "", "notice"),
    ("YX", "", "review"),
    ("YX", "", "submitted"),
    ("YX", "", "rejected"),
]
DEEDS = (
    (
        "扎根街道一线八年，牵头建立新就业形态劳动者“暖心驿站”6个，帮助外卖骑手、网约车司机"
        "入会1200余人；年均调处劳动争议40余件，为职工追回欠薪近300万元。",
        "建立暖心驿站6个，帮助新就业形态劳动者入会1200余人，年均调处劳动争议40余件",
    ),
    (
        "指导辖区42家非公企业开展工资集体协商，推动签订行业性工资专项集体合同；"
        "组织职工技能竞赛12场，培养市级技术能手5名。",
        "指导42家非公企业开展工资集体协商，组织职工技能竞赛12场",
    ),
    (
        "建立困难职工帮扶台账，精准帮扶困难职工家庭86户；创新“工会+社工”服务模式，"
        "开展心理疏导、子女托管等服务200余场次，服务职工1.5万人次。",
        "精准帮扶困难职工家庭86户，开展“工会+社工”服务200余场次",
    ),
    (
        "推动园区企业建会率由65%提升至92%，规范基层工会换届选举38家；"
        "组建园区职工志愿服务队，疫情期间坚守一线服务企业复工复产。",
        "推动园区企业建会率由65%提升至92%，规范基层工会换届选举38家",
    ),
)
UNIT_OPINION = "该同志政治立场坚定，工作实绩突出，群众认可度高，同意推荐。"
OBJECTION = (
    "李某",
    "13990001234",
    "公示材料称其帮助入会1200余人，据我了解实际登记人数远少于此，请核实。",
)


def _persona(ctx: DemoContext) -> Worker | None:
    plans = ctx.worker_plans() if ctx.workers else []
    return ctx.workers.get(plans[0].person.id_number) if plans else None


def ensure_grades(ctx: DemoContext) -> None:
    """Confirm last year's grades of each county (everyone 合格) if no cycle of that year exists.

    The evaluation demo, run before this step, confirms a real cycle for last year; this only
    fills in when it has not run (``load_demo_data --only awards``), as eligibility needs a
    confirmed grade of last year.
    """
    year = ctx.today.year - 1
    federations = _fresh_federations(ctx)
    for code in COUNTIES:
        federation = federations.get(code)
        if federation is None or Cycle.objects.filter(federation=federation, year=year).exists():
            continue
        if not Worker.objects.active().filter(federation=federation).exists():
            continue
        by = ctx.by
        cycle = evaluation_services.create_cycle(
            by=by,
            federation=federation,
            year=year,
            opens_on=dt.date(year, 11, 15),
            closes_on=dt.date(year, 12, 15),
        )
        cycle = evaluation_services.start_collecting(by=by, cycle=cycle)
        cycle = evaluation_services.close_collecting(by=by, cycle=cycle)
        for assessment in cycle.assessments.all():
            evaluation_services.set_grade(
                by=by, assessment=assessment, grade=Grade.PASS, reason="演示数据：按合格录入。"
            )
        evaluation_services.confirm_cycle(by=by, cycle=cycle)
        ctx.count(_("考核周期"))


def _eligible(ctx: DemoContext, campaign: Campaign, code: str, today: dt.date) -> list[Worker]:
    """Return the county's workers who may be nominated, the longest-serving first."""
    persona = _persona(ctx)
    workers = (
        Worker.objects.active().filter(federation__code=code).order_by("hire_date", "id_number")
    )
    return [
        worker
        for worker in workers
        if worker != persona and not services.ineligibility(worker, campaign, today=today)
    ]


def _categories(number: int) -> list[str]:
    chosen = [Category.FRONTLINE] if number % 4 != 3 else [Category.TECHNICAL]
    if number % 3 == 1:
        chosen.append(Category.NON_PUBLIC)
    return chosen


def _nominate(ctx, campaign, allocation, worker, number: int, today: dt.date):
    deeds, summary = DEEDS[number % len(DEEDS)]
    nomination = services.nominate(
        by=ctx.by,
        allocation=allocation,
        worker=worker,
        categories=_categories(number),
        deeds=deeds,
        summary=summary,
        unit_opinion=UNIT_OPINION,
        today=today,
    )
    ctx.count(_("推荐"))
    return nomination


def _pass(ctx, nomination, rounds: int) -> None:
    for number in range(rounds):
        services.review(
            by=ctx.by,
            nomination=nomination,
            outcome="pass",
            comment=("材料齐全，符合推荐条件。", "经评审委员会审议，同意公示。")[number],
            score=Decimal(88 + 3 * number + nomination.pk % 5),
        )


def _approve_first_list(ctx, campaign, nominations, today: dt.date) -> None:
    ready = [n for n in nominations if n is not None]
    if not ready:
        return
    for nomination in ready:
        services.submit(by=ctx.by, nomination=nomination, today=today)
        _pass(ctx, nomination, campaign.review_rounds)
    services.start_notice(by=ctx.by, campaign=campaign, today=today + dt.timedelta(days=1))
    campaign.refresh_from_db()
    failed = [check for check in selectors.constraint_checks(campaign) if not check.passed]
    reason = "首批人选均为基层一线社会化工会工作者，经市总工会党组会研究同意。" if failed else ""
    services.approve(
        by=ctx.by,
        campaign=campaign,
        today=campaign.notice_ends_on + dt.timedelta(days=1),
        reason=reason,
    )


def _play_second_list(ctx, campaign, planned, today: dt.date) -> None:
    """Take the current list to its states; the notice starts yesterday (or the next workday)."""
    by = ctx.by
    for nomination, fate in planned:
        if fate != "draft":
            services.submit(by=by, nomination=nomination, today=today + dt.timedelta(days=1))
    for nomination, fate in planned:
        if fate in ("notice", "objected"):
            _pass(ctx, nomination, campaign.review_rounds)
        elif fate == "review":
            _pass(ctx, nomination, 1)
        elif fate == "returned":
            services.review(
                by=by, nomination=nomination, outcome="return",
                comment="请补充近三年服务职工的具体数据和所在单位盖章意见。",
            )  # fmt: skip
        elif fate == "rejected":
            services.review(
                by=by, nomination=nomination, outcome="reject",
                comment="事迹材料与推荐条件中“一线职工”要求不符。",
            )  # fmt: skip
        elif fate == "withdrawn":
            services.withdraw(by=by, nomination=nomination, reason="本人工作调动，申请撤回推荐。")
    if not any(fate in ("notice", "objected") for _n, fate in planned):
        return
    services.start_notice(by=by, campaign=campaign, today=ctx.today - dt.timedelta(days=1))
    campaign.refresh_from_db()
    name, phone, content = OBJECTION
    for nomination, fate in planned:
        if fate == "objected":
            services.file_objection(
                nomination=nomination, name=name, phone=phone, content=content,
                today=max(ctx.today, campaign.notice_starts_on),
            )  # fmt: skip
            ctx.count(_("异议"))


def _past_winner(ctx, campaign, award, candidates: list[Worker], today: dt.date) -> None:
    """Record a medal two years ago for a worker, then show the nomination is refused."""
    if not candidates:
        return
    winner = candidates[0]
    if not Honour.objects.filter(worker=winner, award=award).exists():
        services.record_honour(by=ctx.by, worker=winner, award=award, year=ctx.today.year - 2)
        ctx.count(_("获奖记录"))
    allocation = campaign.allocations.get(federation__code="FC", label="")
    try:
        _nominate(ctx, campaign, allocation, winner, 0, today)
    except services.AwardsError:
        return  # refused, as it should be: "已获得同级或更高级别的五一劳动奖章"
    raise AssertionError("a past winner was nominated")  # the rule is broken


def _fresh_federations(ctx: DemoContext) -> dict[str, Federation]:
    # Read the tree paths again: adding federations in code order (treebeard's node_order_by)
    # moves the siblings added before, so the objects built on the first run hold stale paths.
    wanted = [ctx.federations[code].pk for code in (CITY, *COUNTIES) if code in ctx.federations]
    return {f.code: f for f in Federation.objects.filter(pk__in=wanted)}


def add_campaign(ctx: DemoContext) -> None:
    """Add this year's 五一劳动奖章 campaign and play its nominations (see the module docstring)."""
    federations = _fresh_federations(ctx)
    city = federations.get(CITY)
    if city is None or not all(code in federations for code in COUNTIES):
        return
    award = Award.objects.filter(name=AWARD, level=Level.CITY).first()
    if award is None:
        award = services.create_award(
            by=ctx.by, name=AWARD, level=Level.CITY, description="绵阳市总工会授予的市级荣誉"
        )
        ctx.count(_("荣誉"))
    year = ctx.today.year
    if Campaign.objects.filter(award=award, year=year, federation=city).exists():
        return
    campaign = services.create_campaign(
        by=ctx.by,
        award=award,
        year=year,
        federation=city,
        total_places=TOTAL_PLACES,
        nominate_from=ctx.today - dt.timedelta(days=OPENS_BEFORE),
        nominate_until=ctx.today + dt.timedelta(days=CLOSES_AFTER),
        review_rounds=2,
    )
    ctx.count(_("评选活动"))
    services.set_constraints(by=ctx.by, campaign=campaign, rows=CONSTRAINTS)
    allocations = {}
    for code, label, places in ALLOCATIONS:
        allocations[code, label] = services.allocate(
            by=ctx.by,
            campaign=campaign,
            federation=federations[code],
            places=places,
            label=label,
        )
        ctx.count(_("名额分配"))
    first_day = ctx.today - dt.timedelta(days=FIRST_LIST)
    second_day = ctx.today - dt.timedelta(days=SECOND_LIST)
    pools = {code: _eligible(ctx, campaign, code, first_day) for code in COUNTIES}
    number = 0
    first = []
    for code, label, _approved in FIRST:
        if pools[code]:
            worker = pools[code].pop(0)
            allocation = allocations[code, label]
            first.append(_nominate(ctx, campaign, allocation, worker, number, first_day))
            number += 1
    _approve_first_list(ctx, campaign, first, first_day)
    planned = []
    for code, label, fate in SECOND:
        if pools[code]:
            worker = pools[code].pop(0)
            allocation = allocations[code, label]
            nomination = _nominate(ctx, campaign, allocation, worker, number, second_day)
            planned.append((nomination, fate))
            number += 1
    _play_second_list(ctx, campaign, planned, second_day)
    _past_winner(ctx, campaign, award, pools["FC"], second_day)


DEMO_STEPS = [ensure_grades, add_campaign]
