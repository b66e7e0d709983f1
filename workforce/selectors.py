"""Reads for the workforce app."""

from collections.abc import Iterable

from django.db import connections
from django.db.models import Count, FilteredRelation, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Federation, PolicyParameters, Posting, Unit, Worker, open_posting_q, subtree_q
from .policy import POLICY_FIELDS, Policy, resolve_policy
from .staffing import FederationNorm, ReportGroup, StaffingReport, roll_up


def ancestor_paths(federation: Federation) -> list[str]:
    """Return the tree paths from the root down to ``federation`` itself."""
    step = Federation.steplen
    return [federation.path[: step * depth] for depth in range(1, federation.depth + 1)]


def policy_for(federation: Federation) -> Policy:
    """Return the policy in force for ``federation``: its values over its ancestors' (1 query)."""
    records = (
        PolicyParameters.objects.filter(federation__path__in=ancestor_paths(federation))
        .order_by("federation__depth")
        .values(*POLICY_FIELDS)
    )
    return resolve_policy(records)


def worker_profile(worker_id: int) -> Worker:
    """Return a worker with federation, and postings (newest first) with their units."""
    return (
        Worker.objects.select_related("federation", "user")
        .prefetch_related(
            Prefetch(
                "postings",
                queryset=Posting.objects.select_related("unit", "unit__federation").order_by(
                    "-start"
                ),
            )
        )
        .get(pk=worker_id)
    )


def current_posting(worker: Worker) -> Posting | None:
    """Return the open posting from a worker loaded by ``worker_profile``."""
    return next((p for p in worker.postings.all() if p.end is None), None)


def outermost_paths(paths: Iterable[str]) -> list[str]:
    """Return ``paths`` sorted, without those that lie inside another of them."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


STAFFING_FIELDS = ("staffing_base", "staffing_step")


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """Return the rows of a ``values_list`` queryset as the database driver gives them.

    For thousands of rows of integers and text, which both SQLite and PostgreSQL return as
    Python values already, this skips Django's per-row conversion (``int()`` on every count),
    about a tenth of the staffing report's time.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def staffing_report(paths: list[str]) -> StaffingReport:
    """Return the staffing report of the federations under ``paths`` (2 queries).

    One row per county-level federation: the children of a city root in ``paths`` (and the root
    itself when units belong to it directly), or each other federation in ``paths`` with its
    subtree. Each unit is measured against the staffing norm of its own federation's policy.
    """
    scopes = outermost_paths(paths)
    if not scopes:
        return StaffingReport()
    step = Federation.steplen
    above = {scope[: step * depth] for scope in scopes for depth in range(1, len(scope) // step)}
    # The federations in scope and their ancestors, each with the staffing values of its own
    # policy record (the other parameters play no part here).
    federations = Federation.objects.filter(subtree_q(scopes) | Q(path__in=above)).values_list(
        "id", "path", "name", *(f"policy__{name}" for name in STAFFING_FIELDS)
    )
    in_scope: list[tuple[int, str, str]] = []
    overrides: dict[str, dict[str, int | None]] = {}
    for federation_id, path, name, *values in federations:
        if any(value is not None for value in values):
            overrides[path] = dict(zip(STAFFING_FIELDS, values, strict=True))
        if path not in above:
            in_scope.append((federation_id, path, name))

    groups: dict[str, ReportGroup] = {}
    own_units: dict[str, ReportGroup] = {}  # a city root's row for units directly under it
    norms: dict[int, FederationNorm] = {}
    for federation_id, path, name in in_scope:
        scope = next(scope for scope in scopes if path.startswith(scope))
        if len(scope) > step:
            key = scope
        elif len(path) == step:
            key = path
            own_units[key] = ReportGroup(key, _("%(name)s（本级）") % {"name": name})
        else:
            key = path[: 2 * step]
        if path == key and len(path) > step:
            groups[key] = ReportGroup(key, name)
        policy = resolve_policy(
            overrides[path[:end]]
            for end in range(step, len(path) + 1, step)
            if path[:end] in overrides
        )
        norms[federation_id] = FederationNorm(key, name, policy.staffing_base, policy.staffing_step)

    # One grouped query: the units with their open postings, joined with the condition in the
    # join so that PostgreSQL drops closed postings before hashing.
    units = plain_rows(
        Unit.objects.filter(federation_id__in=norms)
        .annotate(
            open_postings=FilteredRelation("postings", condition=open_posting_q("postings__"))
        )
        .values_list("id", "name", "kind", "headcount", "federation_id")
        .annotate(posted=Count("open_postings"))
        .order_by()
    )
    # A city root gets its own row only when units belong to it directly.
    for federation_id in {unit[4] for unit in units}:
        key = norms[federation_id].group
        if key in own_units:
            groups[key] = own_units[key]
    # Translate each kind once, not once per listed unit.
    kinds = {value: str(label) for value, label in Unit.Kind.choices}
    return roll_up(sorted(groups.values(), key=lambda group: group.key), norms, units, kinds)
