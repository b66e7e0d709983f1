"""Time the city quota dashboard selector against a raw SQL aggregate of the same counts.

Run: ``.venv/bin/python bench/awards_quota.py`` (SQLite in ``var/bench.sqlite3``) or with
``DATABASE_URL=postgres://...``. Migrates the database and, if the size-M scale city is missing,
generates it with ``generate_scale_data --size M`` (its awards step: 50 campaigns over ten years,
5,000 nominations). If that city has no campaigns (a database generated before the awards step
existed), the step is run on its own.

The selector is ``awards.selectors.quota_rows`` for every campaign of the scale city, as the
city's staff see them (``permissions.campaigns_for`` and ``allocations_for``): two grouped
queries, the places allocated per federation and the nominations holding a place and approved.
The raw SQL computes the same three numbers per federation in one statement. Both must agree
(exit status 1 if not).
"""

import argparse
import random
import sys

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from awards import scale  # noqa: E402
from awards.choices import HOLDS_PLACE, State  # noqa: E402
from awards.models import Allocation, Campaign, Nomination  # noqa: E402
from awards.permissions import allocations_for, campaigns_for  # noqa: E402
from awards.selectors import quota_rows  # noqa: E402
from workforce.management.commands.generate_scale_data import (  # noqa: E402
    ROOT_NAME,
    SIZES,
    ScaleData,
)
from workforce.models import Federation  # noqa: E402
from workforce.permissions import grant_federation_staff  # noqa: E402

STAFF = "bench-awards-city"


def ensure_data(size: str) -> Federation:
    root = Federation.objects.filter(name=ROOT_NAME).first()
    if root is None:
        print(f"Generating scale data (size {size}) ...", flush=True)
        call_command("generate_scale_data", size=size)
        root = Federation.objects.get(name=ROOT_NAME)
    if not Campaign.objects.filter(federation=root).exists():
        print("The scale city has no campaigns: running the awards step ...", flush=True)
        counties = list(Federation.objects.filter(path__startswith=root.path, depth=root.depth + 1))
        data = ScaleData(
            size=SIZES[size], rng=random.Random(2017), today=timezone.localdate(), root=root
        )
        data.federations = counties
        with transaction.atomic():
            scale.add_awards(data)
    return root


def city_staff(root: Federation):
    """Return a staff user of the scale city's root federation (created once)."""
    user = get_user_model().objects.filter(username=STAFF).first()
    if user is None:
        user = get_user_model().objects.create_user(username=STAFF)
        grant_federation_staff(user, root)
    return user


RAW = """
SELECT a.federation_id, a.allocated, COALESCE(n.held, 0), COALESCE(n.approved, 0)
FROM (
    SELECT al.federation_id, SUM(al.places) AS allocated
    FROM {allocation} al
    JOIN {campaign} c ON c.id = al.campaign_id
    JOIN {federation} cf ON cf.id = c.federation_id
    WHERE cf.path LIKE %(root)s
    GROUP BY al.federation_id
) a
LEFT JOIN (
    SELECT al.federation_id,
           SUM(CASE WHEN n.state IN ({holds}) THEN 1 ELSE 0 END) AS held,
           SUM(CASE WHEN n.state = {approved} THEN 1 ELSE 0 END) AS approved
    FROM {nomination} n
    JOIN {allocation} al ON al.id = n.allocation_id
    JOIN {campaign} c ON c.id = al.campaign_id
    JOIN {federation} cf ON cf.id = c.federation_id
    WHERE cf.path LIKE %(root)s
    GROUP BY al.federation_id
) n ON n.federation_id = a.federation_id
"""


def raw_sql() -> str:
    return RAW.format(
        allocation=Allocation._meta.db_table,
        campaign=Campaign._meta.db_table,
        federation=Federation._meta.db_table,
        nomination=Nomination._meta.db_table,
        holds=", ".join(str(int(state)) for state in HOLDS_PLACE),
        approved=int(State.APPROVED),
    )


def run_raw(sql: str, root_path: str) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"root": root_path + "%"})
        return {row[0]: tuple(int(v) for v in row[1:]) for row in cursor.fetchall()}


def run_selector(user) -> dict[int, tuple]:
    # The rights are looked up once (cached on the user), as the raw SQL is given the root's
    # path: both time the counting within a scope, not the django-guardian lookup.
    rows = quota_rows(campaigns_for(user), allocations_for(user))
    return {row.federation_id: (row.allocated, row.nominated, row.approved) for row in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs of each; the best counts")
    parser.add_argument("--size", default="M", help="scale data size to generate if missing")
    options = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    root = ensure_data(options.size)
    user = city_staff(root)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    campaigns = Campaign.objects.filter(federation__path__startswith=root.path)
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"{campaigns.count()} campaigns, "
        f"{Allocation.objects.filter(campaign__in=campaigns).count()} allocations, "
        f"{Nomination.objects.filter(campaign__in=campaigns).count()} nominations"
    )
    sql = raw_sql()
    compared = benchsetup.compare(
        options.repeat, lambda: run_selector(user), lambda: run_raw(sql, root.path)
    )
    if compared is None:
        return 1
    selector_time, raw_time, raw_numbers = compared
    totals = [sum(column) for column in zip(*raw_numbers.values(), strict=True)]
    print(f"Same numbers in {len(raw_numbers)} rows; city-wide: allocated {totals[0]}, "
          f"holding a place {totals[1]}, approved {totals[2]}")  # fmt: skip
    benchsetup.report("quota_rows", selector_time, raw_time, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
