"""Generate a large synthetic city for scale tests: ``manage.py generate_scale_data --size M``.

Everything hangs under its own root, 规模测试市总工会, so it can live beside the demo data. The
data is built by ``STEPS``, each adding one kind of record (and knowing how to remove it for
``--replace``); later features append their own steps (enrolments, grades, ...) to the list.

Sizes: S = 3 county-level federations / 100 units / 1,000 workers, M = 20 / 2,000 / 20,000,
L = 50 / 10,000 / 100,000. Ten workers per unit means the units must be large on average:
enterprise unions stay small (a few above 5,000 employees), while township, regional and park
unions cover tens of thousands of employees each, enough for most workers to be posted within
the norm. Some units are left unstaffed and some are staffed over the norm on purpose.

Unlike the demo data, this command writes past the services, with ``bulk_create``: it exists
to measure reads at a scale (100,000 workers) that going through a service per row would take
hours to build. It acts as the system (no user), on its own tree only, and writes no audit log.
"""

import argparse
import datetime as dt
import math
import random
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from itertools import islice

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from workforce import idnumber
from workforce.models import Federation, PolicyParameters, Posting, Unit, Worker
from workforce.staffing import allowed_workers

ROOT_NAME = "规模测试市总工会"
ROOT_CODE = "SCL"
BATCH = 1000


@dataclass(frozen=True)
class Size:
    counties: int
    units: int
    workers: int


SIZES = {
    "S": Size(counties=3, units=100, workers=1_000),
    "M": Size(counties=20, units=2_000, workers=20_000),
    "L": Size(counties=50, units=10_000, workers=100_000),
}

# Shares of the generated data (of units or of workers).
UNSTAFFED_SHARE = 0.07
OVER_NORM_SHARE = 0.04
POSTED_SHARE = 0.88  # of workers: the rest are new hires not yet posted, or have left
LEFT_SHARE = 0.03
EXCHANGE_SHARE = 0.12  # of posted workers: an earlier posting closed by an exchange (岗位交流)

PLACES = (
    "涪城 游仙 安州 三台 盐亭 梓潼 北川 平武 江油 科创 高新 经开 仙海 塘汛 青义 丰谷 石马 魏城 "
    "新桥 小枧 永兴 河边 忠兴 城郊 朝阳 工区 普明 富乐 芙蓉 玉女 吴家 松垭 沉抗 刘家 观太 黄土"
).split()
INDUSTRIES = "电子 机械 食品 纺织 建材 化工 物流 商贸 医药 能源 汽车 家电 印务 农业".split()
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红玲芬燕"
    "彬鑫斌宇浩凯健俊帆旭宁婷雪琳晶欣怡梅莉兵建国志文海波"
)
REGIONS = ("510703", "510704", "510705", "510722", "510723", "510725", "510726", "510727", "510781")
COUNTY_LEVELS = (
    (Federation.Level.DISTRICT, "区"),
    (Federation.Level.COUNTY, "县"),
    (Federation.Level.COUNTY_CITY, "市"),
)
CONTRACTORS = ("绵阳市社会工作服务中心", "涪城区同心社工服务社", "江油市阳光社会工作服务中心")
LEFT_REASONS = ("考取公务员", "个人原因辞职", "家庭原因", "合同期满不再续聘")


@dataclass
class ScaleData:
    """What the steps share: the requested size, the random source and what is built so far."""

    size: Size
    rng: random.Random
    today: dt.date
    root: Federation | None = None
    # Federations that own units, with the staffing norm (base, step) in force there.
    federations: list[Federation] = field(default_factory=list)
    norms: dict[int, tuple[int, int]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    # Unit id -> how many workers to post there.
    targets: dict[int, int] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)
    # The unit planned for each worker posted, in the order of ``workers`` (the rest get none).
    slots: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One stage of the generation; ``remove`` undoes it under a root (run in reverse order)."""

    name: str
    add: Callable[[ScaleData], None]
    remove: Callable[[Federation], None] | None = None


def batched(items: list, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _subtree(root: Federation) -> Q:
    return Q(federation__path__startswith=root.path)


# -- federations and policy ---------------------------------------------------------------------


def add_federations(data: ScaleData) -> None:
    """Add the root, the county-level federations and a park under every fifth of them."""
    data.root = Federation.add_root(name=ROOT_NAME, code=ROOT_CODE, level=Federation.Level.CITY)
    for number in range(1, data.size.counties + 1):
        level, suffix = COUNTY_LEVELS[number % len(COUNTY_LEVELS)]
        county = Federation.objects.get(pk=data.root.pk).add_child(
            name=f"规模测试{number:02d}{suffix}总工会", code=f"{ROOT_CODE}{number:02d}", level=level
        )
        data.federations.append(county)
        if number % 5 == 0:
            park = Federation.objects.get(pk=county.pk).add_child(
                name=f"规模测试{number:02d}{suffix}园区总工会",
                code=f"{ROOT_CODE}{number:02d}P",
                level=Federation.Level.PARK,
            )
            data.federations.append(park)
    data.counts["federations"] = len(data.federations) + 1


def remove_federations(root: Federation) -> None:
    Federation.objects.filter(path__startswith=root.path).delete()


def add_policies(data: ScaleData) -> None:
    """Let every seventh county set its own staffing norm (its park inherits it)."""
    records = []
    for federation in data.federations:
        data.norms[federation.pk] = (2000, 3000)
    for number, county in enumerate((f for f in data.federations if f.depth == 2), start=1):
        if number % 7 == 3:
            records.append(
                PolicyParameters(federation=county, staffing_base=1500, staffing_step=2500)
            )
            for federation in data.federations:
                if federation.path.startswith(county.path):
                    data.norms[federation.pk] = (1500, 2500)
    PolicyParameters.objects.bulk_create(records)
    data.counts["policies"] = len(records)


# -- units ----------------------------------------------------------------------------------------


def _headcount(rng: random.Random, kind: str) -> int:
    if kind == Unit.Kind.ENTERPRISE:
        # Median 600 employees; about one in twenty above 5,000.
        return max(15, min(60_000, int(rng.lognormvariate(math.log(600), 1.3))))
    low, high = {
        Unit.Kind.TOWNSHIP: (3_000, 60_000),
        Unit.Kind.FEDERATION: (2_000, 40_000),
        Unit.Kind.PARK: (5_000, 80_000),
    }[kind]
    return rng.randint(low, high)


def _unit_name(rng: random.Random, kind: str, number: int) -> str:
    place = rng.choice(PLACES)
    if kind == Unit.Kind.ENTERPRISE:
        return f"{place}{rng.choice(INDUSTRIES)}有限公司{number}号工会"
    if kind == Unit.Kind.TOWNSHIP:
        return f"{place}{rng.choice(('镇', '街道'))}第{number}工会"
    if kind == Unit.Kind.FEDERATION:
        return f"{place}{rng.choice(INDUSTRIES)}行业工会联合会{number}"
    return f"{place}产业园区第{number}工会"


def add_units(data: ScaleData) -> None:
    """Add the units, with headcounts large enough to post most workers within the norm."""
    rng = data.rng
    kinds = [Unit.Kind.ENTERPRISE, Unit.Kind.TOWNSHIP, Unit.Kind.FEDERATION, Unit.Kind.PARK]
    weights = [55, 25, 13, 7]
    weight_of = [rng.uniform(0.5, 2.0) for _ in data.federations]
    units = []
    for number in range(1, data.size.units + 1):
        federation = rng.choices(data.federations, weight_of)[0]
        kind = rng.choices(kinds, weights)[0]
        units.append(
            Unit(
                name=_unit_name(rng, kind, number),
                kind=kind,
                federation=federation,
                headcount=_headcount(rng, kind),
                address=f"{federation.name[:6]}{rng.choice(PLACES)}路{rng.randint(1, 300)}号",
            )
        )
    targets = _plan_postings(data, units)
    data.units = Unit.objects.bulk_create(units, batch_size=BATCH)
    data.targets = {unit.pk: target for unit, target in zip(data.units, targets, strict=True)}
    data.counts["units"] = len(data.units)


def _allowed(data: ScaleData, unit: Unit) -> int:
    base, step = data.norms[unit.federation.pk]
    return allowed_workers(unit.headcount, base=base, step=step)


def _plan_postings(data: ScaleData, units: list[Unit]) -> list[int]:
    """Return how many workers each unit gets, scaling large units up until they fit."""
    rng = data.rng
    wanted = round(data.size.workers * POSTED_SHARE)
    count = len(units)
    unstaffed = set(rng.sample(range(count), max(1, round(count * UNSTAFFED_SHARE))))
    others = [i for i in range(count) if i not in unstaffed]
    over = set(rng.sample(others, min(len(others), max(1, round(count * OVER_NORM_SHARE)))))
    within = [i for i in others if i not in over]
    big = [i for i in within if units[i].kind != Unit.Kind.ENTERPRISE]
    for _ in range(10):
        capacity = sum(_allowed(data, units[i]) for i in within) + 2 * len(over)
        if capacity >= wanted or not big:
            break
        factor = 1 + (wanted - capacity) / max(1, sum(_allowed(data, units[i]) for i in big))
        for i in big:
            units[i].headcount = int(units[i].headcount * factor) + 1
    targets = [0] * count
    for i in over:
        targets[i] = _allowed(data, units[i]) + rng.randint(1, 2)
    for i in within:
        targets[i] = _allowed(data, units[i])
    # Trim within-norm units (never below 1) until the total is what was asked for.
    excess = sum(targets) - wanted
    while excess > 0 and within:
        rng.shuffle(within)
        trimmed = False
        for i in within:
            cut = min(excess, rng.randint(0, targets[i] - 1))
            targets[i] -= cut
            excess -= cut
            trimmed = trimmed or cut > 0
            if excess == 0:
                break
        if not trimmed:
            break
    return targets


def remove_units(root: Federation) -> None:
    Unit.objects.filter(_subtree(root)).delete()


# -- workers and postings --------------------------------------------------------------------------


def _id_numbers(data: ScaleData, count: int) -> Iterator[tuple[str, str]]:
    """Yield (unique valid ID number, gender) pairs, avoiding numbers already registered."""
    rng = data.rng
    taken = set(Worker.objects.values_list("id_number", flat=True))
    taken |= set(get_user_model().objects.values_list("username", flat=True))
    oldest = data.today - dt.timedelta(days=55 * 365)
    span = (data.today - dt.timedelta(days=22 * 365) - oldest).days
    produced = 0
    while produced < count:
        birth = oldest + dt.timedelta(days=rng.randrange(span))
        sequence = rng.randrange(1000)
        number = idnumber.make(f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}")
        if number in taken:
            continue
        taken.add(number)
        produced += 1
        # The 17th digit is odd for men (GB 11643-1999).
        yield number, Worker.Gender.MALE if sequence % 2 else Worker.Gender.FEMALE


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _unusable_password() -> str:
    """Return what ``make_password(None)`` returns, at a fraction of its cost.

    Random like Django's, so that users' session hashes differ, but from one ``urandom`` call
    instead of one per character (a third of the time of this step otherwise).
    """
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def add_workers(data: ScaleData) -> None:
    """Add the workers and their accounts (no usable password), hired by county federations."""
    rng = data.rng
    federation_of_unit = {unit.pk: unit.federation for unit in data.units}
    slots = [unit_id for unit_id, target in data.targets.items() for _ in range(target)]
    rng.shuffle(slots)
    data.slots = slots
    modes = [choice for choice, _ in Worker.EmploymentMode.choices]
    educations = [choice for choice, _ in Worker.Education.choices]
    qualifications = [choice for choice, _ in Worker.Qualification.choices]
    users, workers = [], []
    earliest_hire = dt.date(2012, 1, 1)
    for index, (number, gender) in enumerate(_id_numbers(data, data.size.workers)):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        users.append(
            get_user_model()(username=number, first_name=name, password=_unusable_password())
        )
        mode = rng.choices(modes, [50, 25, 15, 10])[0]
        federation = (
            federation_of_unit[slots[index]] if index < len(slots) else rng.choice(data.federations)
        )
        workers.append(
            Worker(
                name=name,
                gender=gender,
                id_number=number,
                mobile=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                education=rng.choices(educations, [8, 30, 52, 9, 1])[0],
                qualification=rng.choices(qualifications, [60, 28, 10, 2])[0],
                employment_mode=mode,
                contractor=rng.choice(CONTRACTORS)
                if mode == Worker.EmploymentMode.PURCHASED
                else "",
                federation=federation,
                hire_date=_random_date(rng, earliest_hire, data.today - dt.timedelta(days=30)),
            )
        )
    users = get_user_model().objects.bulk_create(users, batch_size=BATCH)
    for user, worker in zip(users, workers, strict=True):
        worker.user = user
    data.workers = Worker.objects.bulk_create(workers, batch_size=BATCH)
    data.counts["workers"] = len(data.workers)


def remove_workers(root: Federation) -> None:
    workers = Worker.objects.filter(_subtree(root))
    user_ids = list(workers.values_list("user_id", flat=True))
    workers.delete()
    for chunk in batched(user_ids, 5000):
        get_user_model().objects.filter(pk__in=chunk).delete()


def add_postings(data: ScaleData) -> None:
    """Post workers to their planned units; some came by exchange (岗位交流), some have left."""
    rng = data.rng
    units_of: dict[int, list[int]] = {}
    for unit in data.units:
        units_of.setdefault(unit.federation_id, []).append(unit.pk)
    all_units = [unit.pk for unit in data.units]
    postings = []
    exchanges = 0
    for worker, unit_id in zip(data.workers, data.slots, strict=False):
        start = min(
            _random_date(rng, worker.hire_date, worker.hire_date + dt.timedelta(days=60)),
            data.today,
        )
        if rng.random() < EXCHANGE_SHARE and (data.today - start).days > 200:
            moved = _random_date(rng, start + dt.timedelta(days=180), data.today)
            earlier = rng.choice(units_of[worker.federation_id])
            postings.append(Posting(worker=worker, unit_id=earlier, start=start, end=moved))
            postings.append(
                Posting(worker=worker, unit_id=unit_id, kind=Posting.Kind.EXCHANGE, start=moved)
            )
            exchanges += 1
        else:
            postings.append(Posting(worker=worker, unit_id=unit_id, start=start))
    unposted = data.workers[len(data.slots) :]
    leavers = [
        worker
        for worker in unposted[: round(data.size.workers * LEFT_SHARE)]
        if (data.today - worker.hire_date).days >= 60
    ]
    for worker in leavers:
        left_on = _random_date(rng, worker.hire_date + dt.timedelta(days=30), data.today)
        unit_id = rng.choice(units_of.get(worker.federation_id) or all_units)
        postings.append(
            Posting(worker=worker, unit_id=unit_id, start=worker.hire_date, end=left_on)
        )
        worker.status = Worker.Status.LEFT
        worker.left_on = left_on
        worker.left_reason = rng.choice(LEFT_REASONS)
    Worker.objects.bulk_update(leavers, ["status", "left_on", "left_reason"], batch_size=BATCH)
    Posting.objects.bulk_create(postings, batch_size=BATCH)
    data.counts["postings"] = len(postings)
    data.counts["open postings"] = min(len(data.slots), len(data.workers))
    data.counts["exchanges"] = exchanges
    data.counts["left"] = len(leavers)


def remove_postings(root: Federation) -> None:
    Posting.objects.filter(
        Q(unit__federation__path__startswith=root.path)
        | Q(worker__federation__path__startswith=root.path)
    ).delete()


STEPS: list[Step] = [
    Step("federations", add_federations, remove_federations),
    Step("policies", add_policies),  # removed with the federations (CASCADE)
    Step("units", add_units, remove_units),
    Step("workers", add_workers, remove_workers),
    Step("postings", add_postings, remove_postings),
]


def _app_steps() -> list[Step]:
    """Return the steps other apps add in ``<app>/scale.py`` as ``SCALE_STEPS`` ((name, add,
    remove) tuples), in ``INSTALLED_APPS`` order: they run after the workforce steps."""
    steps = []
    for config in apps.get_app_configs():
        if config.name != "workforce" and module_has_submodule(config.module, "scale"):
            module = import_module(f"{config.name}.scale")
            steps.extend(Step(*entry) for entry in getattr(module, "SCALE_STEPS", ()))
    return steps


STEPS.extend(_app_steps())  # e.g. courses/scale.py: courses, sessions, enrolments, attendance


def remove_scale_data(root: Federation) -> None:
    """Delete everything the steps built under ``root``, last step first."""
    for step in reversed(STEPS):
        if step.remove is not None:
            step.remove(root)


def generate(size: Size, *, seed: int = 2017, today: dt.date | None = None) -> ScaleData:
    """Build the scale-test city for ``size`` in one transaction and return what was built."""
    data = ScaleData(size=size, rng=random.Random(seed), today=today or timezone.localdate())
    with transaction.atomic():
        for step in STEPS:
            step.add(data)
    return data


class Command(BaseCommand):
    help = "Generate a large synthetic city (规模测试市总工会) for scale tests and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument(
            "--replace", action="store_true", help="Delete an existing scale-test city first."
        )
        parser.add_argument("--seed", type=int, default=2017)
        # Hidden overrides for tests: a tiny city of the same shape.
        for name in ("counties", "units", "workers"):
            parser.add_argument(f"--{name}", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        base = SIZES[options["size"]]
        size = Size(
            counties=options["counties"] or base.counties,
            units=options["units"] or base.units,
            workers=options["workers"] or base.workers,
        )
        started = time.perf_counter()
        existing = Federation.objects.filter(name=ROOT_NAME).first()
        if existing is not None:
            if not options["replace"]:
                raise CommandError(
                    f"{ROOT_NAME} already exists; run again with --replace to rebuild it."
                )
            with transaction.atomic():
                remove_scale_data(existing)
        elif Federation.objects.filter(code__startswith=ROOT_CODE).exists():
            raise CommandError(f"Federation codes starting with {ROOT_CODE} are already in use.")
        data = generate(size, seed=options["seed"])
        summary = ", ".join(f"{value} {name}" for name, value in data.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {ROOT_NAME}: {summary} in {time.perf_counter() - started:.1f} s."
            )
        )
