"""Awards at scale: the "awards" step of ``manage.py generate_scale_data``.

At size M (20,000 workers) it adds 50 campaigns of the scale city (five awards over the last
ten years) and exactly 5,000 nominations; other sizes keep the 50 campaigns and get
nominations in proportion to their workers (``awards_size``). Like the other scale steps it
writes with ``bulk_create``, past the services (see ``generate_scale_data``), but keeps their
rules: every county-level federation has an allocation in every campaign, the places held in
an allocation never exceed it and the allocations never exceed the reserved places (10 %,
rounded up), a worker is nominated at most once per campaign and never again for an award
they won, and every approved nomination has its honour.

Past campaigns are finished (approved, rejected or withdrawn nominations); this year's are
under way, with nominations in every state and a few objections to those on notice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from workforce.models import Federation, Worker

from .choices import HOLDS_PLACE, Category, Level, ObjectionState, State
from .models import Allocation, Award, Campaign, Honour, Nomination, Objection

BATCH = 2000
YEARS = 10
AWARDS = (
    ("五一劳动奖章", Level.CITY),
    ("优秀工会工作者", Level.CITY),
    ("工会积极分子", Level.CITY),
    ("五一劳动奖章", Level.PROVINCIAL),
    ("优秀工会工作者", Level.PROVINCIAL),
)
RESERVED_PERCENT = 10
PAST_STATES = ((State.APPROVED, 0.75), (State.REJECTED, 0.15), (State.WITHDRAWN, 0.10))
CURRENT_STATES = (
    (State.DRAFT, 0.15),
    (State.RETURNED, 0.05),
    (State.SUBMITTED, 0.25),
    (State.REVIEW, 0.20),
    (State.NOTICE, 0.25),
    (State.REJECTED, 0.05),
    (State.WITHDRAWN, 0.05),
)
OBJECTION_SHARE = 0.1  # of this year's nominations on notice
SUMMARIES = (
    "扎根基层一线，帮助新就业形态劳动者入会",
    "指导非公企业开展工资集体协商",
    "精准帮扶困难职工家庭，创新工会社工服务",
    "推动园区企业建会，规范基层工会换届",
)


@dataclass(frozen=True)
class AwardsSize:
    campaigns: int
    nominations: int


def awards_size(workers: int) -> AwardsSize:
    """Return how much the step adds for a city of ``workers``: 50 campaigns, 5,000 at M."""
    return AwardsSize(campaigns=len(AWARDS) * YEARS, nominations=round(workers / 4))


def _pick(rng: random.Random, shares) -> State:
    return rng.choices([s for s, _w in shares], [w for _s, w in shares])[0]


def _campaigns(data, awards: list[Award]) -> list[Campaign]:
    first = data.today.year - YEARS + 1
    return [
        Campaign(
            award=award,
            year=year,
            federation=data.root,
            total_places=1,  # set below, once the allocations are known
            reserved_percent=RESERVED_PERCENT,
            reserved_places=0,
            nominate_from=dt.date(year, 3, 1),
            nominate_until=dt.date(year, 4, 30),
            review_rounds=1 + (year + award.level) % 2,
            notice_working_days=5,
            min_service_years=2,
            clean_grade_years=3,
        )
        for year in range(first, data.today.year + 1)
        for award in awards
    ]


def add_awards(data) -> None:
    """Add campaigns, allocations, nominations, honours and objections to the scale city."""
    target = awards_size(data.size.workers)
    rng = random.Random(data.rng.randrange(2**32))
    awards = [Award.objects.get_or_create(name=n, level=lv)[0] for n, lv in AWARDS]
    counties = list(data.federations)
    pools: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, federation_id, gender in Worker.objects.filter(
        federation__in=counties, status=Worker.Status.ACTIVE
    ).values_list("pk", "federation_id", "gender"):
        pools[federation_id].append((pk, gender))
    counties = [county for county in counties if pools[county.pk]]
    if not counties:
        return
    campaigns = _campaigns(data, awards)
    # How many nominations each campaign gets, and from which county (round-robin).
    per_campaign = [target.nominations // len(campaigns)] * len(campaigns)
    for index in range(target.nominations % len(campaigns)):
        per_campaign[index] += 1
    now = timezone.now()
    won: dict[str, set[int]] = defaultdict(set)  # award name -> workers who won it
    plans = []  # (campaign index, county, worker, gender, state)
    turn = 0
    for index, campaign in enumerate(campaigns):
        current = campaign.year == data.today.year
        taken: set[int] = set()
        for _n in range(per_campaign[index]):
            county = counties[turn % len(counties)]
            turn += 1
            free = [
                (pk, g)
                for pk, g in rng.sample(pools[county.pk], min(len(pools[county.pk]), 20))
                if pk not in taken and pk not in won[campaign.award.name]
            ]
            if not free:
                continue
            worker, gender = free[0]
            state = _pick(rng, CURRENT_STATES if current else PAST_STATES)
            taken.add(worker)
            if state == State.APPROVED:
                won[campaign.award.name].add(worker)
            plans.append((index, county, worker, gender, state))
    # Places: what each county holds in each campaign, plus one spare place.
    held: dict[tuple[int, int], int] = defaultdict(int)
    for index, county, _w, _g, state in plans:
        held[index, county.pk] += state in HOLDS_PLACE
    for index, campaign in enumerate(campaigns):
        reserved = sum(held[index, county.pk] + 1 for county in counties)
        campaign.reserved_places = reserved
        campaign.total_places = reserved * 100 // RESERVED_PERCENT
        if campaign.year == data.today.year:
            campaign.notice_starts_on = data.today - dt.timedelta(days=1)
            campaign.notice_ends_on = data.today + dt.timedelta(days=6)
        else:
            campaign.notice_starts_on = dt.date(campaign.year, 6, 1)
            campaign.notice_ends_on = dt.date(campaign.year, 6, 7)
    campaigns = Campaign.objects.bulk_create(campaigns, batch_size=BATCH)
    allocations = Allocation.objects.bulk_create(
        (
            Allocation(campaign=campaign, federation=county, places=held[index, county.pk] + 1)
            for index, campaign in enumerate(campaigns)
            for county in counties
        ),
        batch_size=BATCH,
    )
    slot = {(a.campaign_id, a.federation_id): a for a in allocations}
    nominations = []
    for index, county, worker, gender, state in plans:
        campaign = campaigns[index]
        categories = [Category.FRONTLINE] if rng.random() < 0.7 else [Category.TECHNICAL]
        if rng.random() < 0.1:
            categories.append(Category.UNIT_HEAD)
        if gender == Worker.Gender.FEMALE:
            categories.append(Category.FEMALE)
        submitted = state not in (State.DRAFT,)
        nominations.append(
            Nomination(
                allocation=slot[campaign.pk, county.pk],
                campaign=campaign,
                worker_id=worker,
                state=state,
                categories=sorted(str(c) for c in categories),
                deeds="事迹材料（规模测试数据）。",
                summary=rng.choice(SUMMARIES),
                unit_opinion="同意推荐。",
                round=campaign.review_rounds if state in (State.NOTICE, State.APPROVED) else 0,
                submitted_at=now if submitted else None,
            )
        )
    nominations = Nomination.objects.bulk_create(nominations, batch_size=BATCH)
    honours = Honour.objects.bulk_create(
        (
            Honour(worker_id=n.worker_id, award_id=n.campaign.award_id, year=n.campaign.year,
                   nomination=n)
            for n in nominations
            if n.state == State.APPROVED
        ),
        batch_size=BATCH,
    )  # fmt: skip
    on_notice = [n for n in nominations if n.state == State.NOTICE]
    objections = Objection.objects.bulk_create(
        (
            Objection(
                nomination=n, reference=f"SC{n.campaign.year}-{n.pk:08d}", name="规模测试",
                phone="13800000000", content="异议内容（规模测试数据）。",
                state=ObjectionState.OPEN,
            )
            for n in rng.sample(on_notice, round(len(on_notice) * OBJECTION_SHARE))
        ),
        batch_size=BATCH,
    )  # fmt: skip
    data.counts["award campaigns"] = len(campaigns)
    data.counts["nominations"] = len(nominations)
    data.counts["honours"] = len(honours)
    data.counts["objections"] = len(objections)


def remove_awards(root: Federation) -> None:
    """Delete the awards data of the scale city under ``root`` (the award catalogue stays)."""
    campaigns = Campaign.objects.filter(federation__path__startswith=root.path)
    nominations = Nomination.objects.filter(campaign__in=campaigns)
    Honour.objects.filter(nomination__in=nominations).delete()
    Objection.objects.filter(nomination__in=nominations).delete()
    nominations.delete()
    campaigns.delete()  # with their allocations and constraints


# For ``generate_scale_data``: (name, add, remove), run after the workforce steps.
SCALE_STEPS = [("awards", add_awards, remove_awards)]
