"""Demo data: the Mianyang federation tree, its grassroots unions, workers and demo accounts.

``manage.py load_demo_data`` builds a ``DemoContext`` and runs the steps of ``STEPS`` in order,
all in one transaction, then prints the demo accounts. The data goes in through the same
services the product uses (``register_worker``, ``post_worker``, ``exchange_worker``,
``record_departure``, ``grant_staff``), so it obeys the same rules.

Every step follows two rules:

* **Idempotent.** Look up what the step would create (in bulk, by a natural key: federation
  code, unit name, ID number, username) and create only what is missing. A second run creates
  nothing and changes nothing, and it is quick because each step is a handful of queries.
* **Deterministic.** Draw randomness only from ``ctx.rng("topic")``: a ``random.Random`` seeded
  by the run's seed and the topic, so one step's draws never shift another's.

Adding demo data for a later feature: write ``<yourapp>/demo.py`` with a module-level
``DEMO_STEPS = [my_step, ...]``. ``discover_steps()`` runs them after the workforce steps, in
``INSTALLED_APPS`` order. A step is ``def my_step(ctx: DemoContext) -> None``; it can use
``ctx.by`` (the acting admin), ``ctx.federations`` (by code), ``ctx.units`` (by federation code
and name), ``ctx.workers`` (by ID number), ``ctx.today``, ``ctx.count(...)`` for the summary,
``ctx.add_account(...)`` for a persona of its own and ``ctx.add_link(label, url)`` for an
address the command prints at the end (every run, so look it up, do not only create it).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from . import idnumber, services
from .models import Federation, Unit, Worker
from .staffing import allowed_workers

DEFAULT_SEED = 52  # 绵工发〔2017〕52号
DEFAULT_WORKERS = 250
EARLIEST_HIRE = dt.date(2017, 9, 1)  # the policy document dates from 2017

# Demo-only passwords, printed at the end of every run. Never reuse them anywhere real.
PASSWORDS = {
    "admin": "demo-admin-2026",
    "city": "demo-city-2026",
    "fucheng": "demo-fucheng-2026",
    "youxian": "demo-youxian-2026",
    "worker": "demo-worker-2026",
    "mentor": "demo-mentor-2026",  # mentorship/demo.py: 王建国, a 涪城区 mentor
}

# ---------------------------------------------------------------------------------------------
# The catalogue: county-level federations and their grassroots unions, read from
# demo_counties.toml (the file says what each entry means).
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountySpec:
    code: str
    name: str
    short_name: str
    level: str
    address_prefix: str
    roads: tuple[str, ...]
    contractors: tuple[str, ...]
    urban: bool
    units: dict[str, tuple[str, ...]]  # Unit.Kind value -> "name:size" entries


CITY = ("绵阳市总工会", "绵阳市", "MY")


def read_counties(path: Path) -> tuple[CountySpec, ...]:
    """Return the counties of a catalogue file, in the file's order."""
    with path.open("rb") as file:
        counties = tomllib.load(file)["county"]
    return tuple(
        CountySpec(
            code=county["code"],
            name=county["name"],
            short_name=county["short_name"],
            level=Federation.Level(county["level"]),
            address_prefix=county["address_prefix"],
            roads=tuple(county["roads"]),
            contractors=tuple(county["contractors"]),
            urban=county["urban"],
            units={Unit.Kind(kind): tuple(units) for kind, units in county["units"].items()},
        )
        for county in counties
    )


COUNTIES = read_counties(Path(__file__).with_name("demo_counties.toml"))

# ID-number area codes (GB/T 2260) of Mianyang, weighted by population; 510724 is the old
# 安县 code that people born before it became 安州区 (2016) still carry.
AREA_CODES = (
    ("510703", 26), ("510704", 16), ("510724", 8), ("510781", 14), ("510722", 12),
    ("510723", 6), ("510725", 6), ("510726", 5), ("510727", 4), ("510700", 3),
)  # fmt: skip
SURNAMES = (
    ("王", 8), ("李", 9), ("张", 8), ("刘", 7), ("陈", 7), ("杨", 6), ("黄", 4), ("赵", 3),
    ("吴", 3), ("周", 3), ("徐", 2), ("孙", 2), ("马", 2), ("朱", 2), ("胡", 3), ("郭", 2),
    ("何", 4), ("罗", 4), ("高", 2), ("林", 2), ("邓", 3), ("蒋", 3), ("冯", 2), ("唐", 3),
    ("谢", 3), ("曾", 3), ("袁", 2), ("杜", 2), ("彭", 2), ("向", 2), ("苟", 2), ("母", 2),
    ("敬", 1), ("文", 2), ("任", 2), ("雷", 2), ("蒲", 1), ("廖", 2), ("税", 1), ("魏", 1),
)  # fmt: skip
GIVEN_FEMALE = "婷丽静敏燕娟霞芳琳雪倩佳欣悦颖露蓉梅兰洁晓雨思涵玉春秀莉丹瑶璐萍红琴慧"
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫浩宇俊波林峰建志成东亮龙文川鸿翔"
MOBILE_PREFIXES = (
    "139", "138", "137", "135", "136", "158", "159", "150", "151", "187", "188", "182",
    "183", "130", "131", "132", "155", "156", "186", "133", "153", "180", "181", "189",
    "177", "199",
)  # fmt: skip
EDUCATION = (
    (Worker.Education.HIGH_SCHOOL, 4), (Worker.Education.JUNIOR_COLLEGE, 30),
    (Worker.Education.BACHELOR, 56), (Worker.Education.MASTER, 10),
)  # fmt: skip
QUALIFICATION = (
    (Worker.Qualification.NONE, 45), (Worker.Qualification.ASSISTANT, 35),
    (Worker.Qualification.SOCIAL_WORKER, 17), (Worker.Qualification.SENIOR, 3),
)  # fmt: skip
# Part-time party-mass workers (党群工作者兼职) belong to dense urban areas (§四.一).
MODES_URBAN = (
    (Worker.EmploymentMode.DIRECT, 35), (Worker.EmploymentMode.PURCHASED, 30),
    (Worker.EmploymentMode.PUBLIC_WELFARE, 15), (Worker.EmploymentMode.PART_TIME, 20),
)  # fmt: skip
MODES_RURAL = (
    (Worker.EmploymentMode.DIRECT, 45), (Worker.EmploymentMode.PURCHASED, 30),
    (Worker.EmploymentMode.PUBLIC_WELFARE, 25),
)  # fmt: skip
DEPARTURE_REASONS = (
    "考取公务员", "个人原因辞职", "聘用合同期满不再续聘", "调入企业工作", "随家庭迁居外地",
)  # fmt: skip
SIZE_RANGES = {"S": (100, 1800, 700), "M": (2000, 4999, 3000), "L": (5000, 12000, 12000)}


def _weighted(rng: random.Random, table: Iterable[tuple[str, int]]) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """Return a day in [start, end]; ``start`` when the range is empty."""
    return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _years_after(day: dt.date, years: int) -> dt.date:
    """Return the same day ``years`` later (28 February for 29 February)."""
    if day.month == 2 and day.day == 29:
        day = day.replace(day=28)
    return day.replace(year=day.year + years)


# ---------------------------------------------------------------------------------------------
# The plan: plain values, built without touching the database.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    federation_code: str
    name: str
    kind: str
    headcount: int
    address: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.federation_code, self.name)


@dataclass(frozen=True)
class PersonSpec:
    name: str
    gender: str
    id_number: str
    mobile: str
    education: str
    qualification: str


@dataclass(frozen=True)
class WorkerPlan:
    """One worker's story: hire, postings (the first initial, the rest exchanges), departure."""

    person: PersonSpec
    federation_code: str
    employment_mode: str
    contractor: str
    hire_date: dt.date
    postings: tuple[tuple[tuple[str, str], dt.date], ...] = ()  # (unit key, start)
    departure: tuple[dt.date, str] | None = None


def unit_catalogue(seed: int) -> list[UnitSpec]:
    """Return every unit of the catalogue with its headcount and address, in county order."""
    specs = []
    for county in COUNTIES:
        for kind, entries in county.units.items():
            for entry in entries:
                name, size = entry.split(":")
                rng = random.Random(f"{seed}:unit:{county.code}:{name}")
                if size.isdigit():
                    headcount = int(size)
                else:
                    low, high, mode = SIZE_RANGES[size]
                    headcount = round(rng.triangular(low, high, mode))
                if kind == Unit.Kind.TOWNSHIP:
                    seat = "办事处" if "街道" in name else "人民政府"
                    address = f"{county.address_prefix}{name.removesuffix('工会')}{seat}"
                else:
                    road = rng.choice(county.roads)
                    address = f"{county.address_prefix}{road}{rng.randint(1, 320)}号"
                specs.append(UnitSpec(county.code, name, kind, headcount, address))
    return specs


def select_units(catalogue: list[UnitSpec], count: int) -> list[UnitSpec]:
    """Return ``count`` units: the first two of 涪城区 (the worker persona's), then by county.

    Taking the counties in turn keeps a reduced run spread over the whole tree.
    """
    by_county: dict[str, list[UnitSpec]] = {}
    for spec in catalogue:
        by_county.setdefault(spec.federation_code, []).append(spec)
    first = by_county["FC"][:2]
    queues = [[s for s in specs if s not in first] for specs in by_county.values()]
    chosen = list(first)
    while len(chosen) < min(count, len(catalogue)):
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    return chosen[:count]


def people(seed: int, count: int) -> list[PersonSpec]:
    """Return ``count`` distinct people: names, valid unique Mianyang ID numbers, mobiles.

    The n-th person is the same whatever ``count`` is, so runs of different sizes agree.
    """
    rng = random.Random(f"{seed}:people")
    names: set[str] = set()
    ids: set[str] = set()
    mobiles: set[str] = set()
    result = []
    while len(result) < count:
        gender = Worker.Gender.FEMALE if rng.random() < 0.62 else Worker.Gender.MALE
        pool = GIVEN_FEMALE if gender == Worker.Gender.FEMALE else GIVEN_MALE
        surname = _weighted(rng, SURNAMES)
        given = "".join(rng.sample(pool, 2 if rng.random() < 0.78 else 1))
        name = surname + given
        birth = dt.date(1976, 1, 1) + dt.timedelta(days=round(rng.triangular(0, 9495, 5500)))
        area = _weighted(rng, AREA_CODES)
        # The 17th digit is odd for men and even for women.
        sequence = rng.randrange(0, 500) * 2 + (1 if gender == Worker.Gender.MALE else 0)
        mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        education = _weighted(rng, EDUCATION)
        qualification = _weighted(rng, QUALIFICATION)
        if name in names or mobile in mobiles:
            continue
        number = idnumber.make(f"{area}{birth:%Y%m%d}{sequence:03d}")
        while number in ids:
            sequence = (sequence + 2) % 1000
            number = idnumber.make(f"{area}{birth:%Y%m%d}{sequence:03d}")
        names.add(name)
        ids.add(number)
        mobiles.add(mobile)
        result.append(PersonSpec(name, gender, number, mobile, education, qualification))
    return result


def plan_workers(
    seed: int, units: list[UnitSpec], worker_count: int, today: dt.date
) -> list[WorkerPlan]:
    """Decide who works where: most posted within the norm, a few units unstaffed or over it.

    Worker 0 is the ``worker`` persona: 涪城区, posted to the first unit after an exchange.
    """
    rng = random.Random(f"{seed}:plan:{today.isoformat()}")
    persons = people(seed, worker_count)
    county = {c.code: c for c in COUNTIES}
    by_federation: dict[str, list[UnitSpec]] = {}
    for spec in units:
        by_federation.setdefault(spec.federation_code, []).append(spec)

    left_count = round(worker_count * 0.02) or (1 if worker_count >= 8 else 0)
    exchange_count = max(round(worker_count * 0.08), 1)
    unstaffed_count = round(len(units) / 12)
    over_count = round(len(units) / 24)
    budget = worker_count - left_count - round(worker_count * 0.03)

    # Slots: one per staffed unit, a few over the norm on purpose, then the room the norm allows.
    small = [u for u in units[2:] if allowed_workers(u.headcount) == 1]
    unstaffed = set(rng.sample([u.key for u in small], min(unstaffed_count, len(small))))
    staffed = [u for u in units if u.key not in unstaffed]
    single = [u.key for u in staffed[1:] if allowed_workers(u.headcount) == 1]
    over = rng.sample(single, min(over_count, len(single)))
    extra = [u.key for u in staffed for _ in range(allowed_workers(u.headcount) - 1)]
    rng.shuffle(extra)
    slots = [u.key for u in staffed][: max(budget, 1)]
    slots += over[: max(budget - len(slots), 0)]
    slots += extra[: max(budget - len(slots), 0)]
    rest = slots[1:]
    rng.shuffle(rest)
    slots = slots[:1] + rest

    plans: list[WorkerPlan] = []
    batches: dict[str, dt.date] = {}
    for index, person in enumerate(persons):
        posted = index < len(slots)
        leaving = not posted and index < len(slots) + left_count
        unit_key = slots[index] if posted else rng.choice(units).key
        code = unit_key[0]
        birth = idnumber.birth_date(person.id_number)
        adult = _years_after(birth, 21)
        if index == 0:
            hire = _day_between(rng, dt.date(2019, 3, 1), dt.date(2019, 9, 30))
        elif posted:
            hire = _day_between(rng, max(EARLIEST_HIRE, adult), today - dt.timedelta(days=120))
        elif leaving:
            hire = _day_between(rng, EARLIEST_HIRE, _years_after(today, -3))
        else:  # this season's open recruitment (公开招聘): in onboarding, not yet posted
            if code not in batches:
                batches[code] = _day_between(
                    rng, today - dt.timedelta(days=75), today - dt.timedelta(days=10)
                )
            hire = batches[code]
        modes = MODES_URBAN if county[code].urban else MODES_RURAL
        mode = Worker.EmploymentMode.DIRECT if index == 0 else _weighted(rng, modes)
        contractor = (
            rng.choice(county[code].contractors) if mode == Worker.EmploymentMode.PURCHASED else ""
        )
        postings: list[tuple[tuple[str, str], dt.date]] = []
        departure = None
        if posted or leaving:
            start = min(hire + dt.timedelta(days=rng.randint(0, 30)), today)
            postings.append((unit_key, start))
        if leaving:
            on = _day_between(rng, start + dt.timedelta(days=300), today - dt.timedelta(days=30))
            departure = (max(on, start), rng.choice(DEPARTURE_REASONS))
        plans.append(WorkerPlan(person, code, mode, contractor, hire, tuple(postings), departure))

    # Exchanges (岗位交流): an earlier posting elsewhere in the same county, kept as history.
    earliest = _years_after(today, -2)
    candidates = [
        i
        for i, plan in enumerate(plans)
        if i > 0
        and plan.postings
        and plan.departure is None
        and plan.hire_date <= earliest
        and len(by_federation[plan.federation_code]) > 1
    ]
    exchanged = [0] + sorted(rng.sample(candidates, min(exchange_count - 1, len(candidates))))
    for i in exchanged:
        plan = plans[i]
        (final_key, start), *_ = plan.postings
        others = [u.key for u in by_federation[plan.federation_code] if u.key != final_key]
        moves = 2 if i % 4 == 3 and len(others) > 1 else 1
        previous = rng.sample(others, moves)
        span = (today - dt.timedelta(days=60) - start).days
        dates = sorted(
            start + dt.timedelta(days=365 + rng.randint(0, max(span - 365, 0)))
            for _ in range(moves)
        )
        chain = [(previous[0], start)]
        for k, key in enumerate([*previous[1:], final_key]):
            on = max(dates[k], chain[-1][1] + dt.timedelta(days=1))
            chain.append((key, on))
        plans[i] = replace(plan, postings=tuple(chain))
    return plans


# ---------------------------------------------------------------------------------------------
# The run: a context shared by the steps, and the steps themselves.
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoAccount:
    role: str
    username: str
    password: str
    scope: str
    created: bool
    order: int = 500


@dataclass
class DemoContext:
    """What the steps share: the run's options, what exists so far and what was created."""

    seed: int = DEFAULT_SEED
    today: dt.date = field(default_factory=timezone.localdate)
    unit_count: int | None = None  # None: the whole catalogue
    worker_count: int = DEFAULT_WORKERS
    reset_passwords: bool = False
    by: AbstractBaseUser | None = None
    federations: dict[str, Federation] = field(default_factory=dict)
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)
    workers: dict[str, Worker] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, absolute URL)
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds
    _plans: list[WorkerPlan] | None = field(default=None, init=False, repr=False)

    def rng(self, *topic: object) -> random.Random:
        """Return a generator seeded by the run's seed and ``topic`` alone."""
        return random.Random(":".join(str(part) for part in (self.seed, *topic)))

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] += n

    def unit_specs(self) -> list[UnitSpec]:
        catalogue = unit_catalogue(self.seed)
        return select_units(catalogue, self.unit_count or len(catalogue))

    def worker_plans(self) -> list[WorkerPlan]:
        if self._plans is None:
            self._plans = plan_workers(self.seed, self.unit_specs(), self.worker_count, self.today)
        return self._plans

    def add_account(
        self,
        role: str,
        user: AbstractBaseUser,
        *,
        password: str,
        scope: str,
        created: bool,
        order: int = 500,
    ) -> None:
        """Record a persona for the accounts table (and reset its password if asked)."""
        if self.reset_passwords and not created:
            user.set_password(password)
            user.save(update_fields=["password"])
            self.count("passwords reset")
        account = DemoAccount(role, user.get_username(), password, scope, created, order)
        self.accounts.append(account)

    def add_link(self, label: str, url: str) -> None:
        """List an address worth opening (a survey to answer, say) below the accounts."""
        self.links.append((label, url))


DemoStep = Callable[[DemoContext], None]


def _get_user(username: str) -> AbstractBaseUser | None:
    return get_user_model().objects.filter(username=username).first()


def ensure_admin(ctx: DemoContext) -> None:
    """Create the ``admin`` superuser; every later write is logged as done by it."""
    user = _get_user("admin")
    created = user is None
    if created:
        user = get_user_model().objects.create_superuser(
            username="admin", email="", password=PASSWORDS["admin"], first_name="系统管理员"
        )
        ctx.count("accounts")
    ctx.by = user
    ctx.add_account(
        "管理员（超级用户）",
        user,
        password=PASSWORDS["admin"],
        scope="全部数据与后台设置",
        created=created,
        order=900,
    )


def build_federations(ctx: DemoContext) -> None:
    """Create 绵阳市总工会 and its eleven county-level federations."""
    codes = [CITY[2], *(c.code for c in COUNTIES)]
    existing = {f.code: f for f in Federation.objects.filter(code__in=codes)}
    if CITY[2] not in existing:
        existing[CITY[2]] = services.add_federation(
            by=ctx.by,
            parent=None,
            name=CITY[0],
            short_name=CITY[1],
            code=CITY[2],
            level=Federation.Level.CITY,
        )
        ctx.count("federations")
    for county in COUNTIES:
        if county.code not in existing:
            existing[county.code] = services.add_federation(
                by=ctx.by,
                parent=existing[CITY[2]],
                name=county.name,
                short_name=county.short_name,
                code=county.code,
                level=county.level,
            )
            ctx.count("federations")
    ctx.federations = existing


def build_units(ctx: DemoContext) -> None:
    """Create the grassroots unions (基层工会) with headcounts and addresses."""
    specs = ctx.unit_specs()
    feds = ctx.federations
    existing = {
        (u.federation.code, u.name): u
        for u in Unit.objects.filter(federation__in=feds.values()).select_related("federation")
    }
    for spec in specs:
        if spec.key not in existing:
            existing[spec.key] = services.add_unit(
                by=ctx.by,
                federation=feds[spec.federation_code],
                name=spec.name,
                kind=spec.kind,
                headcount=spec.headcount,
                address=spec.address,
            )
            ctx.count("units")
    ctx.units = {s.key: existing[s.key] for s in specs}


def build_workers(ctx: DemoContext) -> None:
    """Register the workers and replay their postings, exchanges and departures."""
    plans = ctx.worker_plans()
    existing = {
        w.id_number: w
        for w in Worker.objects.filter(id_number__in=[p.person.id_number for p in plans])
    }
    for plan in plans:
        if plan.person.id_number in existing:
            continue
        person = plan.person
        worker = services.register_worker(
            by=ctx.by,
            federation=ctx.federations[plan.federation_code],
            name=person.name,
            id_number=person.id_number,
            gender=person.gender,
            education=person.education,
            employment_mode=plan.employment_mode,
            hire_date=plan.hire_date,
            mobile=person.mobile,
            qualification=person.qualification,
            contractor=plan.contractor,
        )
        for step, (unit_key, start) in enumerate(plan.postings):
            unit = ctx.units[unit_key]
            if step == 0:
                services.post_worker(by=ctx.by, worker=worker, unit=unit, start=start)
            else:
                services.exchange_worker(by=ctx.by, worker=worker, unit=unit, on=start)
                ctx.count("exchanges")
            ctx.count("postings")
        if plan.departure is not None:
            on, reason = plan.departure
            worker = services.record_departure(by=ctx.by, worker=worker, on=on, reason=reason)
            ctx.count("departures")
        existing[person.id_number] = worker
        ctx.count("workers")
    ctx.workers = existing


STAFF_PERSONAS = (
    # role, username, full name, federation code, scope
    ("市总工会工作人员", "city", "周敏", "MY", "绵阳市总工会及全部下级"),
    ("县级工会工作人员", "fucheng", "罗静", "FC", "涪城区总工会及下级"),
    ("县级工会工作人员（另一县）", "youxian", "何建国", "YX", "游仙区总工会及下级"),
)


def add_staff_accounts(ctx: DemoContext) -> None:
    """Create the staff personas and grant each its federation (``manage_federation``)."""
    for order, (role, username, full_name, code, scope) in enumerate(STAFF_PERSONAS):
        user = _get_user(username)
        created = user is None
        if created:
            user = get_user_model().objects.create_user(
                username=username, password=PASSWORDS[username], first_name=full_name
            )
            services.grant_staff(by=ctx.by, user=user, federation=ctx.federations[code])
            ctx.count("accounts")
        ctx.add_account(
            role, user, password=PASSWORDS[username], scope=scope, created=created, order=order
        )


def add_worker_account(ctx: DemoContext) -> None:
    """Give the worker persona (a 涪城区 worker with an exchange) the login ``worker``.

    ``register_worker`` names a worker's account by ID number and leaves it without a
    password; for the demo this one account is renamed ``worker`` and given a password.
    """
    worker = ctx.workers[ctx.worker_plans()[0].person.id_number]
    user = worker.user
    created = user.get_username() != "worker"
    if created:
        if _get_user("worker") is not None:
            return  # someone else holds the name; leave both alone
        user.username = "worker"
        user.set_password(PASSWORDS["worker"])
        user.save(update_fields=["username", "password"])
        ctx.count("accounts")
    unit = worker.postings.open().select_related("unit").first()
    where = f"，在岗：{unit.unit.name}" if unit else ""
    ctx.add_account(
        "工作者",
        user,
        password=PASSWORDS["worker"],
        created=created,
        order=300,
        scope=f"{worker.name}（{worker.federation.short_name}聘用{where}），仅本人记录",
    )


HOME_DEFAULT_INTRO = "服务社会化工会工作者的招聘、定岗、培训、带徒、晋升与考核。"
HOME_INTRO = "绵阳市总工会社会化工会工作者队伍的一站式管理平台：招聘定岗、培训学时、高师带徒、岗位交流、评先评优与年度考核，数据一处录入、逐级可查。"  # noqa: E501
HOME_BODY = (
    "<p>平台依据绵阳市总工会《关于加强社会化工会工作者队伍建设的实施意见》（绵工发〔2017〕52号）"
    "建设，服务市总工会、各县市区（园区）总工会、基层工会和社会化工会工作者本人。</p>"
    "<ul>"
    "<li><b>配备与定岗</b>：按“职工2000人以下配备1名，2000人以上每3000人可增配1名”核算各基层工会"
    "应配、可配人数，列出未配备的单位；岗位交流留存完整履历。</li>"
    "<li><b>培训</b>：上岗培训、岗位轮训、专题培训和资格培训按实到学时累计，"
    "提示“每年不少于1周”“每2年1次为期1月轮训”的完成情况。</li>"
    "<li><b>成长</b>：高师带徒、结对提升，见习—在岗—骨干—专职副主席后备的成长路径逐项对照。</li>"
    "<li><b>评价</b>：用人单位、服务企业和服务职工三方评价，形成年度考核等次。</li>"
    "</ul>"
    "<p>县级工会工作人员登录后进入管理后台，管理本级及下级数据；"
    "工作者登录后在“我的”页面查看本人的定岗、培训与成长记录。</p>"
)


def describe_home_page(ctx: DemoContext) -> None:
    """Replace the home page's placeholder intro with a description of the platform."""
    from home.models import HomePage  # the home app is optional to the workforce app

    page = HomePage.objects.first()
    if page is None or page.body or page.intro not in ("", HOME_DEFAULT_INTRO):
        return
    page.intro = HOME_INTRO
    page.body = HOME_BODY
    page.save_revision(user=ctx.by, log_action=True).publish(user=ctx.by)
    ctx.count("pages")


STEPS: list[DemoStep] = [
    ensure_admin,
    build_federations,
    build_units,
    build_workers,
    add_staff_accounts,
    add_worker_account,
    describe_home_page,
]


def discover_steps(only: Collection[str] | None = None) -> list[DemoStep]:
    """Return the workforce steps, then each other app's ``demo.DEMO_STEPS``.

    ``only`` limits the other apps to those labels. The workforce steps always run: every
    other step builds on them (``ctx.by``, ``ctx.workers``), and on a loaded database they
    only look the data up.
    """
    steps = list(STEPS)
    for config in apps.get_app_configs():
        if config.name == __package__ or (only is not None and config.label not in only):
            continue
        if module_has_submodule(config.module, "demo"):
            steps.extend(getattr(import_module(f"{config.name}.demo"), "DEMO_STEPS", ()))
    return steps


def load(ctx: DemoContext, steps: Iterable[DemoStep] | None = None) -> DemoContext:
    """Run the steps in one transaction and return the context with what was created."""
    with transaction.atomic():
        for step in discover_steps() if steps is None else steps:
            started = time.monotonic()
            step(ctx)
            ctx.timings[f"{step.__module__}.{step.__name__}"] = time.monotonic() - started
    ctx.accounts.sort(key=lambda a: a.order)
    return ctx
