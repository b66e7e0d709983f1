"""Demo data for pay and funds: the city's 三岗十八级, placements, this year's step runs, Sichuan's
minimum-wage tiers with an announced raise, insurance, a funded year and two self-inspections.

Run by ``manage.py load_demo_data`` after the workforce and evaluation steps (see
``workforce/demo.py`` for the rules every step follows: idempotent, deterministic). Everything
goes in through the compensation services, as the demo admin (``ctx.by``), with dates around
``ctx.today`` (the year below is ``ctx.today.year``):

- **The scheme.** 绵阳市总工会's 三岗十八级 (正职 7-18, 副职 4-15, 其他 1-12, the default rule
  numbers), a pay table from 1 January two years ago (2,000 yuan at level 1, 100 more a level)
  and a raised one from 1 January this year (2,100, 110 more a level), each with a 持证津贴 per
  qualification; the part-time work subsidy per grade.
- **Floors.** Sichuan's three tiers as plausible rows (2018-07-01 and 2022-04-01; the ``note``
  says they must be checked against the province's current notice), and a raise announced
  from the first day of the month after next, so the floor check flags the workers who will
  fall below it. Every county-level federation is in a tier; 游仙区 moved from tier 2 to tier 1
  on 1 January this year, where the raised table's level 1 (2,100.00) only equals the floor:
  "应高于", so a level-1 worker without a qualification there is a violation.
- **Placements.** Every active worker except the part-time party-mass workers (paid a work
  subsidy, not a wage) is placed from the hire date at the level ``selectors.suggested_level``
  gives on that date: in each county the longest-serving as 正职, the next two as 副职, the
  others 其他.
- **Step runs.** This year's run of 涪城区 and of 游仙区, effective 1 January: every proposal is
  confirmed except the one of the lowest-placed worker, left 待确认. In 游仙区 that worker stays
  at level 1, paid the floor: the deliberate violation.
- **Insurance.** This year's months, every month due paid, except one month of one 涪城区 worker.
- **Funds.** This year's four fund sources of 涪城区 and 游仙区, each budgeted for the whole year,
  and the spending to date charged through ``services.charge``: pay per quarter from the source
  of the worker's employment mode, employer insurance per quarter, the city's extra for
  public-welfare posts, last year's part-time work subsidies and two training courses.
- **Self-inspections.** 涪城区's report for this year, submitted to the city; 游仙区's, a draft.

What exists is looked up and left as it is: the scheme, posts and tables by name and date, a
worker with a placement, a tier with an assignment, a run, source or report by its year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.choices import Grade
from workforce.demo import DemoContext
from workforce.models import Federation, Worker
from workforce.permissions import staff_of
from workforce.selectors import policy_for

from . import rules, selectors, services
from .choices import Source, Use
from .models import (
    FundSource,
    MinimumWage,
    PayScheme,
    Placement,
    SelfInspection,
    Spending,
    StepRun,
    TierAssignment,
)

CITY, COUNTIES = "MY", ("FC", "YX")
SCHEME = "三岗十八级"
POSTS = (("正职", 7, 18), ("副职", 4, 15), ("其他", 1, 12))  # (name, lowest, highest)
HEADS, DEPUTIES = 1, 2  # per county, the longest-serving workers placed 正职 and 副职
# (years before ctx.today.year, level 1, per level, allowance per qualification)
TABLES = (
    (2, 2000, 100, {"assistant": 80, "social_worker": 150, "senior": 250}),
    (0, 2100, 110, {"assistant": 100, "social_worker": 200, "senior": 300}),
)
SUBSIDIES = {Grade.EXCELLENT: 3600, Grade.PASS: 3000, Grade.BASIC: 1800, Grade.FAIL: 0}

WAGE_NOTE = "演示数据：须以四川省人民政府现行最低工资标准通知核对"
RAISE_NOTE = "演示数据：拟调整标准，须以四川省人民政府正式通知为准"
WAGES = {  # tier -> [(effective from, monthly)], Sichuan's tiers (一档 the highest)
    1: [(dt.date(2018, 7, 1), 1780), (dt.date(2022, 4, 1), 2100)],
    2: [(dt.date(2018, 7, 1), 1650), (dt.date(2022, 4, 1), 1970)],
    3: [(dt.date(2018, 7, 1), 1550), (dt.date(2022, 4, 1), 1870)],
}
RAISE = {1: 2310, 2: 2170, 3: 2060}  # from the first day of the month after next
TIERS = {  # county code -> tier from 2022-04-01
    "FC": 2, "YX": 2, "AZ": 2, "JY": 2, "GX": 2, "JK": 2,
    "ST": 3, "YT": 3, "ZT": 3, "BC": 3, "PW": 3,
}  # fmt: skip
MOVED = {"YX": 1}  # county code -> tier from 1 January this year

# Funds: which source pays a worker's wage, by employment mode.
PAYS_WAGE = {
    Worker.EmploymentMode.DIRECT: Source.COUNTY_BUDGET,
    Worker.EmploymentMode.PUBLIC_WELFARE: Source.PUBLIC_WELFARE,
    Worker.EmploymentMode.PURCHASED: Source.EMPLOYER,
}
INSURANCE_MONTHLY = Decimal("960.00")  # the employer's share per worker and month (demo figure)
TRAININGS = (
    (3, "社会化工会工作者岗位轮训班培训费", Decimal("18600.00")),
    (9, "工会法与劳动法实务专题培训费", Decimal("9400.00")),
)
BUDGET_MARGIN = Decimal("1.08")  # a year's budget: the year's planned spending plus 8 %

REMARKS = (
    "本年度按照《关于加强社会化工会工作者队伍建设的实施意见》要求，对社会化工会工作者聘用、管理和经费"
    "使用情况进行了全面自查：新聘人员均经公开招聘或购买服务程序，岗位等级按三岗十八级确定，"
    "专项经费按来源分账核算、专款专用。"
)
CORRECTIVE = (
    "一、对个别人员漏缴社会保险的月份，已通知用人单位于下月补缴；"
    "二、省最低工资标准调整后，处于一级的人员月薪将低于新标准，拟于新标准执行前调整薪酬标准。"
)
DRAFT_REMARKS = "自查工作正在进行中，数据核对后补充说明。"


def _fresh_federations(ctx: DemoContext) -> dict[str, Federation]:
    # Read the tree paths again: federations added in code order move the siblings added
    # before, so the objects built on the first run may hold stale paths.
    wanted = [federation.pk for federation in ctx.federations.values()]
    return {f.code: f for f in Federation.objects.filter(pk__in=wanted)}


def _persona(ctx: DemoContext) -> Worker | None:
    plans = ctx.worker_plans() if ctx.workers else []
    return ctx.workers.get(plans[0].person.id_number) if plans else None


def _year_start(ctx: DemoContext, years_before: int = 0) -> dt.date:
    return dt.date(ctx.today.year - years_before, 1, 1)


def _scheme(ctx: DemoContext) -> PayScheme | None:
    city = _fresh_federations(ctx).get(CITY)
    return PayScheme.objects.filter(federation=city).first() if city else None


def _full_time(workers):
    return workers.exclude(employment_mode=Worker.EmploymentMode.PART_TIME)


# Scheme ------------------------------------------------------------------------------------------


def add_scheme(ctx: DemoContext) -> None:
    """Add the city's 三岗十八级: posts, the two pay tables and the work subsidies."""
    city = _fresh_federations(ctx).get(CITY)
    if city is None:
        return
    scheme = _scheme(ctx)
    if scheme is None:
        scheme = services.save_scheme(by=ctx.by, federation=city, name=SCHEME)
        ctx.count(_("薪酬体系"))
    posts = set(scheme.posts.values_list("name", flat=True))
    for order, (name, lowest, highest) in enumerate(POSTS):
        if name not in posts:
            services.save_post(
                by=ctx.by, scheme=scheme, name=name, lowest=lowest, highest=highest, order=order
            )
    dates = set(scheme.tables.values_list("effective_from", flat=True))
    names = dict(Worker.Qualification.choices)
    for years_before, first, step, allowances in TABLES:
        since = _year_start(ctx, years_before)
        if since in dates:
            continue
        services.save_pay_table(
            by=ctx.by,
            scheme=scheme,
            effective_from=since,
            rates={level: Decimal(first + step * (level - 1)) for level in range(1, 19)},
            allowances=[
                (
                    _("持证津贴（%(qualification)s）") % {"qualification": names[code]},
                    code,
                    Decimal(amount),
                )
                for code, amount in allowances.items()
            ],  # fmt: skip
            note="演示数据：绵阳市社会化工会工作者薪酬标准",
        )
        ctx.count(_("薪酬标准"))
    since = _year_start(ctx, TABLES[0][0])
    if not scheme.subsidies.filter(effective_from=since).exists():
        services.set_subsidies(
            by=ctx.by,
            scheme=scheme,
            effective_from=since,
            yearly={grade: Decimal(amount) for grade, amount in SUBSIDIES.items()},
        )


# Floors ------------------------------------------------------------------------------------------


def raise_date(today: dt.date) -> dt.date:
    """The first day of the month after next."""
    month = today.month + 2
    return dt.date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def add_floors(ctx: DemoContext) -> None:
    """Add Sichuan's tiers, the announced raise and every county-level federation's tier."""
    if CITY not in ctx.federations:
        return
    existing = set(MinimumWage.objects.values_list("tier", "effective_from"))
    for tier, rows in WAGES.items():
        for since, monthly in rows:
            if (tier, since) not in existing:
                services.save_minimum_wage(
                    by=ctx.by, tier=tier, monthly=Decimal(monthly), effective_from=since,
                    note=WAGE_NOTE,
                )  # fmt: skip
                ctx.count(_("最低工资标准"))
        if not any(t == tier and since > rows[-1][0] for t, since in existing):
            services.save_minimum_wage(
                by=ctx.by, tier=tier, monthly=Decimal(RAISE[tier]),
                effective_from=raise_date(ctx.today), note=RAISE_NOTE,
            )  # fmt: skip
            ctx.count(_("最低工资标准"))
    federations = _fresh_federations(ctx)
    assigned = set(TierAssignment.objects.values_list("federation__code", flat=True))
    for code, tier in TIERS.items():
        if code in federations and code not in assigned:
            services.assign_tier(
                by=ctx.by,
                federation=federations[code],
                tier=tier,
                effective_from=WAGES[tier][-1][0],
            )
            if code in MOVED:
                services.assign_tier(
                    by=ctx.by, federation=federations[code], tier=MOVED[code],
                    effective_from=_year_start(ctx),
                )  # fmt: skip
            ctx.count(_("最低工资档次"))


# Placements and step runs ------------------------------------------------------------------------


def add_placements(ctx: DemoContext) -> None:
    """Place every active full-time worker from the hire date at the level the record gives."""
    scheme = _scheme(ctx)
    if scheme is None or not ctx.workers:
        return
    posts = {post.name: post for post in scheme.posts.select_related("scheme")}
    workers = list(
        _full_time(Worker.objects.active())
        .filter(pk__in=[worker.pk for worker in ctx.workers.values()])
        .select_related("federation")
        .order_by("federation__path", "hire_date", "id_number")
    )
    placed = set(Placement.objects.filter(worker__in=workers).values_list("worker_id", flat=True))
    rank: dict[int, int] = {}
    for worker in workers:
        number = rank[worker.federation_id] = rank.get(worker.federation_id, -1) + 1
        if worker.pk in placed:
            continue
        name = "正职" if number < HEADS else "副职" if number < HEADS + DEPUTIES else "其他"
        post = posts[name]
        suggested = selectors.suggested_level(worker, post, worker.hire_date)
        services.place_worker(
            by=ctx.by,
            worker=worker,
            post=post,
            level=suggested.level,
            effective_from=worker.hire_date,
            note="\n".join(suggested.reasons),
        )
        ctx.count(_("岗位等级"))


def add_step_runs(ctx: DemoContext) -> None:
    """Run this year's step run in each demo county; confirm all but the lowest-placed worker's."""
    if _scheme(ctx) is None:
        return
    federations = _fresh_federations(ctx)
    for code in COUNTIES:
        federation = federations.get(code)
        if (
            federation is None
            or StepRun.objects.filter(federation=federation, year=ctx.today.year).exists()
        ):
            continue
        run = services.propose_steps(
            by=ctx.by, federation=federation, year=ctx.today.year, effective_from=_year_start(ctx)
        )
        ctx.count(_("年度晋档"))
        proposals = list(run.proposals.order_by("from_level", "worker__name", "pk"))
        if len(proposals) > 1:
            services.decide_proposals(by=ctx.by, run=run, confirm=[p.pk for p in proposals[1:]])
            ctx.count(_("晋档确认"), len(proposals) - 1)


# Insurance ---------------------------------------------------------------------------------------


def add_insurance(ctx: DemoContext) -> None:
    """Record this year's paid months of every full-time worker; one 涪城区 worker misses one."""
    if _scheme(ctx) is None or not ctx.workers:
        return
    year = ctx.today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    workers = list(
        _full_time(Worker.objects.filter(pk__in=[w.pk for w in ctx.workers.values()]))
        .filter(hire_date__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .exclude(insurance_years__year=year)
        .select_related("federation")
        .order_by("hire_date", "id_number")
    )
    persona = _persona(ctx)
    gap = next(
        (
            w
            for w in workers
            if w.federation.code == COUNTIES[0]
            and w.status == Worker.Status.ACTIVE
            and w != persona
        ),
        None,
    )
    for worker in workers:
        due = rules.due_months(year, hired=worker.hire_date, left=worker.left_on, today=ctx.today)
        if not due:
            continue
        if worker == gap and len(due) > 1:
            due.remove(due[len(due) // 2])
        services.record_insurance(by=ctx.by, worker=worker, year=year, months=due)
        ctx.count(_("社会保险"))


# Funds -------------------------------------------------------------------------------------------


def _quarters(year: int) -> list[tuple[dt.date, int]]:
    """Each quarter's first day and its number."""
    return [(dt.date(year, 3 * number - 2, 1), number) for number in range(1, 5)]


def _planned(
    federation: Federation, year: int
) -> list[tuple[str, str, Decimal, dt.date, int | None, str]]:
    """Return the year's spending of a county: (source kind, use, amount, date, worker id, note)."""
    workers = _full_time(Worker.objects.active().under([federation.path]))
    modes = dict(workers.values_list("pk", "employment_mode"))
    qualifications = dict(workers.values_list("pk", "qualification"))
    placements = selectors.placements_by_worker(workers)
    tables = selectors.pay_tables({v[1] for rows in placements.values() for _s, v in rows})
    plan = []
    for first, number in _quarters(year):
        for worker_id, rows in sorted(placements.items()):
            placement = rules.in_force(rows, first)
            if placement is None:
                continue
            _post, scheme_id, _name, level = placement
            monthly = selectors.pay_on(
                tables, scheme_id=scheme_id, level=level,
                qualification=qualifications[worker_id], on=first,
            )  # fmt: skip
            if monthly is None:
                continue
            paid_on = first + dt.timedelta(days=14)
            plan.append((PAYS_WAGE[modes[worker_id]], Use.PAY, monthly * 3, paid_on, worker_id,
                         f"{year}年第{number}季度工资"))  # fmt: skip
            plan.append((Source.COUNTY_BUDGET, Use.INSURANCE, INSURANCE_MONTHLY * 3, paid_on,
                         worker_id, f"{year}年第{number}季度社会保险（单位缴纳部分）"))  # fmt: skip
    per_person = Decimal(policy_for(federation).public_welfare_city_subsidy)
    welfare = workers.filter(employment_mode=Worker.EmploymentMode.PUBLIC_WELFARE)
    for worker_id in welfare.values_list("pk", flat=True).order_by("pk"):
        plan.append((Source.HIGHER_UNION, Use.SUBSIDY, per_person, dt.date(year, 6, 30),
                     worker_id, f"{year}年度公益性岗位市级补助"))  # fmt: skip
    for line in selectors.work_subsidies(federation, year=year - 1):
        if line.yearly > 0:
            plan.append((Source.COUNTY_BUDGET, Use.SUBSIDY, line.yearly, dt.date(year, 1, 20),
                         line.worker_id, f"{year - 1}年度兼职工作补贴"))  # fmt: skip
    for month, note, amount in TRAININGS:
        plan.append((Source.HIGHER_UNION, Use.TRAINING, amount, dt.date(year, month, 10), None,
                     note))  # fmt: skip
    return plan


def add_funds(ctx: DemoContext) -> None:
    """Budget this year's four sources of each demo county and charge the spending to date."""
    year = ctx.today.year
    federations = _fresh_federations(ctx)
    for code in COUNTIES:
        federation = federations.get(code)
        if federation is None or _scheme(ctx) is None:
            continue
        sources = {s.kind: s for s in FundSource.objects.filter(federation=federation, year=year)}
        plan = _planned(federation, year)
        for kind in Source.values:
            if kind in sources:
                continue
            planned = sum((row[2] for row in plan if row[0] == kind), Decimal("0"))
            budget = (planned * BUDGET_MARGIN / 1000).quantize(Decimal("1")) * 1000
            sources[kind] = services.save_fund_source(
                by=ctx.by, federation=federation, year=year, kind=kind,
                budget=max(budget, Decimal("10000")), note="演示数据",
            )  # fmt: skip
            ctx.count(_("经费来源"))
        if Spending.objects.filter(source__in=sources.values()).exists():
            continue
        workers = {w.pk: w for w in Worker.objects.filter(pk__in={row[4] for row in plan})}
        for kind, use, amount, spent_on, worker_id, note in plan:
            if spent_on > ctx.today:
                continue
            services.charge(
                by=ctx.by, source=sources[kind], use=use, amount=amount.quantize(rules.CENTS),
                spent_on=spent_on, worker=workers.get(worker_id), note=note,
            )  # fmt: skip
            ctx.count(_("经费支出"))


# Self-inspections --------------------------------------------------------------------------------


def add_reports(ctx: DemoContext) -> None:
    """涪城区 submits this year's self-inspection to the city; 游仙区's is a draft."""
    if _scheme(ctx) is None:
        return
    year = ctx.today.year
    federations = _fresh_federations(ctx)
    submitted, draft = (federations.get(code) for code in COUNTIES)
    if (
        submitted is not None
        and not SelfInspection.objects.filter(federation=submitted, year=year).exists()
    ):
        # Filed by the county's own staff account (fucheng) where the demo has one.
        by = staff_of(submitted).order_by("pk").first() or ctx.by
        report = services.start_report(by=by, federation=submitted, year=year)
        report = services.save_report_text(
            by=by, report=report, remarks=REMARKS, corrective_actions=CORRECTIVE
        )
        services.submit_report(by=by, report=report, today=ctx.today)
        ctx.count(_("自查报告"))
    if (
        draft is not None
        and not SelfInspection.objects.filter(federation=draft, year=year).exists()
    ):
        report = services.start_report(by=ctx.by, federation=draft, year=year)
        services.save_report_text(
            by=ctx.by, report=report, remarks=DRAFT_REMARKS, corrective_actions=""
        )
        ctx.count(_("自查报告"))


def report_links(ctx: DemoContext) -> None:
    """List the demo worker's 我的薪酬 page (log in as ``worker``) once they are placed."""
    persona = _persona(ctx)
    if persona is None or not Placement.objects.filter(worker=persona).exists():
        return
    ctx.add_link(
        _("%(name)s的我的薪酬（以 worker 登录）") % {"name": persona.name},
        f"{settings.SITE_URL}{reverse('compensation:my_pay')}",
    )


DEMO_STEPS = [
    add_scheme,
    add_floors,
    add_placements,
    add_step_runs,
    add_insurance,
    add_funds,
    add_reports,
    report_links,
]
