"""Set up Django for a benchmark script, and time and compare a selector with raw SQL.

Each script starts with ``import benchsetup`` and ``benchsetup.django_setup(...)`` before it imports
any model: settings ``lms.settings.dev`` with DEBUG off (no query log: it would slow the ORM side),
the database in ``var/<database>`` unless ``DATABASE_URL`` is set. The scripts that race a
selector against one raw SQL statement then use ``best_times`` and ``report``.
"""

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def django_setup(database: str = "bench.sqlite3", **environ: str) -> None:
    """Point Django at the benchmark database (plus ``environ`` defaults) and set it up."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / database}")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    for name, value in environ.items():
        os.environ.setdefault(name, value)

    import django

    django.setup()


def inherited_policy_sql(column: str) -> str:
    """Return SQL for the value of policy ``column`` in force at federation ``f``.

    The deepest value set on ``f`` or an ancestor, else the policy default: what
    ``workforce.policy.resolve_policy`` decides.
    """
    from workforce.models import Federation, PolicyParameters
    from workforce.policy import Policy

    policy, federation = PolicyParameters._meta.db_table, Federation._meta.db_table
    return f"""COALESCE((
            SELECT p.{column} FROM {policy} p JOIN {federation} a ON a.id = p.federation_id
            WHERE p.{column} IS NOT NULL AND f.path LIKE a.path || '%%'
            ORDER BY a.depth DESC LIMIT 1), {getattr(Policy(), column)})"""


def best_times(repeat: int, *runs: Callable[[], object]) -> tuple[list[float], list[object]]:
    """Return the best time and last result of each run, taking turns so load hits both alike."""
    best = [float("inf")] * len(runs)
    results: list[object] = [None] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            results[index] = run()
            best[index] = min(best[index], time.perf_counter() - started)
    return best, results


def same_numbers(selector: dict, raw: dict) -> bool:
    """Return whether the selector and the raw SQL agree; print the rows where they do not."""
    if selector == raw:
        return True
    print("MISMATCH between the selector and the raw SQL:")
    for key in sorted(set(selector) | set(raw)):
        if selector.get(key) != raw.get(key):
            print(f"  {key}: selector {selector.get(key)}")
            print(f"  {' ' * len(key)}  raw      {raw.get(key)}")
    return False


def compare(repeat: int, selector: Callable[[], dict], raw: Callable[[], dict]):
    """Warm both once, take the best of ``repeat`` timed runs of each and check they agree.

    Return ``(selector_time, raw_time, raw_numbers)``, or None when the numbers differ.
    """
    selector()
    raw()
    (selector_time, raw_time), (selector_numbers, raw_numbers) = best_times(repeat, selector, raw)
    if not same_numbers(selector_numbers, raw_numbers):
        return None
    return selector_time, raw_time, raw_numbers


def report(selector_name: str, selector_time: float, raw_time: float, repeat: int) -> None:
    """Print both best times and their ratio against the goal of at most 2x."""
    labels = (f"selector {selector_name}:", "raw SQL aggregate:")
    width = max(len(label) for label in labels)
    for label, elapsed in zip(labels, (selector_time, raw_time), strict=True):
        print(f"{label:<{width}} {elapsed * 1000:8.1f} ms (best of {repeat})")
    print(f"ratio: {selector_time / raw_time:.2f}x (goal <= 2x)")
