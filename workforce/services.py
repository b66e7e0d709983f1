"""Writes for the workforce app: the only place roster data changes.

Every service runs in one transaction, first checks that ``by`` manages the federations the
change touches (``workforce.permissions``), writes an audit entry and raises ``WorkforceError``
with a user-facing message when the policy or the user's rights forbid the change. ``update_*``
services take only the fields named in their whitelist.
"""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.errors import DomainError
from lms.locking import lock

from . import idnumber, permissions
from .models import Federation, PolicyParameters, Posting, Unit, Worker
from .permissions import can_manage, managed_paths
from .policy import POLICY_FIELDS
from .roster_import import ImportResult, Kind, RowError, UnitRow, WorkerRow, header_for
from .signals import staff_rights_changed


class WorkforceError(DomainError):
    """A roster change the rules do not allow; the message is shown to the user."""


FEDERATION_FIELDS = frozenset({"name", "short_name", "code", "level"})
UNIT_FIELDS = frozenset({"federation", "name", "kind", "headcount", "address"})
WORKER_PROFILE_FIELDS = (
    "name",
    "gender",
    "mobile",
    "education",
    "qualification",
    "employment_mode",
    "contractor",
    "federation",
    "hire_date",
)


def _require_manager(by, *federations: Federation) -> None:
    """Refuse unless ``by`` manages every one of ``federations`` (directly or from above)."""
    for federation in federations:
        if by is None or not can_manage(by, federation):
            raise WorkforceError(_("您无权管理“%(name)s”的队伍。") % {"name": federation.name})


def _check_fields(fields: dict, allowed, service: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{service}() cannot change {', '.join(sorted(unknown))}.")


def _apply(instance: Model, fields: dict) -> list[str]:
    """Set ``fields`` on ``instance``; return the names whose value changed."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    return changed


def _save_changes(by, instance: Model, fields: dict, *, created: bool = False) -> None:
    """Set ``fields``, save the ones that changed and log it (a new record is logged even
    unchanged)."""
    changed = _apply(instance, fields)
    if changed:
        instance.save(update_fields=changed)
    if created or changed:
        log(instance, "wagtail.create" if created else "wagtail.edit", user=by)


def _lock_worker(worker: Worker) -> Worker:
    """Lock the worker's row: postings of one worker change one at a time."""
    return lock(Worker.objects.select_related("federation"), worker.pk)


# Federations and units ---------------------------------------------------------------------


def add_federation(
    *,
    by,
    parent: Federation | None,
    name: str,
    code: str,
    level: str,
    short_name: str = "",
) -> Federation:
    """Add a federation under ``parent``; only a superuser starts a new tree (``parent=None``)."""
    if parent is None:
        if by is None or not by.is_superuser:
            raise WorkforceError(_("只有系统管理员可以新建顶级总工会。"))
    else:
        _require_manager(by, parent)
    with transaction.atomic():
        if parent is None:
            federation = Federation.add_root(
                name=name, code=code, level=level, short_name=short_name
            )
        else:
            # Lock the parent: treebeard numbers a new child from the parent's current children.
            parent = lock(Federation, parent.pk)
            federation = parent.add_child(name=name, code=code, level=level, short_name=short_name)
        log(federation, "wagtail.create", user=by)
    return federation


def update_federation(*, by, federation: Federation, **fields) -> Federation:
    """Change a federation's names, code or level (its place in the tree stays)."""
    _check_fields(fields, FEDERATION_FIELDS, "update_federation")
    _require_manager(by, federation)
    with transaction.atomic():
        federation = lock(Federation, federation.pk)
        _save_changes(by, federation, fields)
    return federation


def set_policy(*, by, federation: Federation, **values) -> PolicyParameters:
    """Set a federation's own policy values (None: inherit); create its record if missing."""
    _check_fields(values, POLICY_FIELDS, "set_policy")
    _require_manager(by, federation)
    with transaction.atomic():
        federation = lock(Federation, federation.pk)
        record, created = PolicyParameters.objects.get_or_create(federation=federation)
        _save_changes(by, record, values, created=created)
    return record


def add_unit(
    *, by, federation: Federation, name: str, kind: str, headcount: int, address: str = ""
) -> Unit:
    """Add a grassroots union (基层工会) under ``federation``."""
    _require_manager(by, federation)
    with transaction.atomic():
        unit = Unit.objects.create(
            federation=federation, name=name, kind=kind, headcount=headcount, address=address
        )
        log(unit, "wagtail.create", user=by)
    return unit


def update_unit(*, by, unit: Unit, **fields) -> Unit:
    """Change a unit's details; moving it to another federation needs both managed."""
    _check_fields(fields, UNIT_FIELDS, "update_unit")
    with transaction.atomic():
        unit = lock(Unit.objects.select_related("federation"), unit.pk)
        _require_manager(by, unit.federation, fields.get("federation", unit.federation))
        _save_changes(by, unit, fields)
    return unit


def delete_unit(*, by, unit: Unit) -> None:
    """Delete a unit that never had a posting; a unit with postings keeps its history."""
    with transaction.atomic():
        unit = lock(Unit.objects.select_related("federation"), unit.pk)
        _require_manager(by, unit.federation)
        if unit.postings.exists():
            raise WorkforceError(
                _("基层工会“%(name)s”有定岗记录（含历史记录），不能删除。") % {"name": unit.name}
            )
        log(unit, "wagtail.delete", user=by, deleted=True)
        unit.delete()


# Staff rights ------------------------------------------------------------------------------


def grant_staff(*, by, user: AbstractBaseUser, federation: Federation) -> None:
    """Make ``user`` staff of ``federation`` and its subtree (``manage_federation``)."""
    _require_manager(by, federation)
    with transaction.atomic():
        permissions.grant_federation_staff(user, federation)
        log(federation, "workforce.grant_staff", user=by, data={"username": user.get_username()})
        staff_rights_changed.send(Federation, user=user, federation=federation, granted=True, by=by)


def revoke_staff(*, by, user: AbstractBaseUser, federation: Federation) -> None:
    """Take back ``user``'s staff rights granted directly on ``federation``."""
    _require_manager(by, federation)
    with transaction.atomic():
        permissions.revoke_federation_staff(user, federation)
        log(federation, "workforce.revoke_staff", user=by, data={"username": user.get_username()})
        staff_rights_changed.send(
            Federation, user=user, federation=federation, granted=False, by=by
        )


# Workers and postings ----------------------------------------------------------------------


def register_worker(
    *,
    by,
    federation: Federation,
    name: str,
    id_number: str,
    gender: str,
    education: str,
    employment_mode: str,
    hire_date: dt.date,
    mobile: str = "",
    qualification: str = Worker.Qualification.NONE,
    contractor: str = "",
    email: str = "",
) -> Worker:
    """Create a worker and their (password-less) user account, named by ID number."""
    _require_manager(by, federation)
    id_number = idnumber.normalize(id_number)
    if not idnumber.is_valid(id_number):
        raise WorkforceError(_("身份证号码无效。"))
    if employment_mode == Worker.EmploymentMode.PURCHASED and not contractor:
        raise WorkforceError(_("购买社会化服务的人员须填写承接机构。"))
    with transaction.atomic():
        if Worker.objects.filter(id_number=id_number).exists():
            raise WorkforceError(_("身份证号码 %(id)s 已登记。") % {"id": idnumber.mask(id_number)})
        user = get_user_model().objects.create_user(username=id_number, email=email)
        user.first_name = name[:150]
        user.set_unusable_password()
        user.save()
        worker = Worker.objects.create(
            user=user,
            federation=federation,
            name=name,
            id_number=id_number,
            gender=gender,
            education=education,
            employment_mode=employment_mode,
            hire_date=hire_date,
            mobile=mobile,
            qualification=qualification,
            contractor=contractor,
        )
        log(worker, "wagtail.create", user=by)
    return worker


def update_worker(*, by, worker: Worker, **fields) -> Worker:
    """Change a worker's profile fields (``WORKER_PROFILE_FIELDS``; not status or postings).

    Moving a worker to another hiring federation needs both federations managed.
    """
    _check_fields(fields, WORKER_PROFILE_FIELDS, "update_worker")
    with transaction.atomic():
        worker = _lock_worker(worker)
        _require_manager(
            by, worker.federation, *[fields[k] for k in ("federation",) if k in fields]
        )
        _apply(worker, fields)
        if worker.employment_mode == Worker.EmploymentMode.PURCHASED and not worker.contractor:
            raise WorkforceError(_("购买社会化服务的人员须填写承接机构。"))
        worker.save()
        log(worker, "wagtail.edit", user=by)
    return worker


def _lock_to_move(by, worker: Worker, unit: Unit, *, refusal_if_left: str) -> Worker:
    """Lock ``worker`` for a move to ``unit``: ``by`` must manage both federations and the
    worker must still be active (else ``refusal_if_left``)."""
    worker = _lock_worker(worker)
    _require_manager(by, worker.federation, unit.federation)
    if worker.status != Worker.Status.ACTIVE:
        raise WorkforceError(refusal_if_left)
    return worker


def _open_posting(by, worker: Worker, unit: Unit, start: dt.date, kind: str) -> Posting:
    posting = Posting.objects.create(worker=worker, unit=unit, start=start, kind=kind)
    log(posting, "workforce.post", user=by)
    return posting


def _close_posting(by, posting: Posting, end: dt.date) -> None:
    posting.end = end
    posting.save(update_fields=["end"])
    log(posting, "workforce.end_posting", user=by)


def post_worker(
    *, by, worker: Worker, unit: Unit, start: dt.date, kind: str = Posting.Kind.INITIAL
) -> Posting:
    """Post a worker with no open posting to ``unit`` from ``start``."""
    with transaction.atomic():
        worker = _lock_to_move(by, worker, unit, refusal_if_left=_("离职人员不能定岗。"))
        if worker.postings.open().exists():
            raise WorkforceError(_("该工作者已有在岗定岗，请使用岗位交流。"))
        return _open_posting(by, worker, unit, start, kind)


def exchange_worker(
    *, by, worker: Worker, unit: Unit, on: dt.date, kind: str = Posting.Kind.EXCHANGE
) -> Posting:
    """Move a worker to ``unit`` from ``on`` (岗位交流): close the open posting, open the next."""
    with transaction.atomic():
        worker = _lock_to_move(by, worker, unit, refusal_if_left=_("离职人员不能交流。"))
        current = worker.postings.open().first()
        if current is not None:
            if current.unit_id == unit.pk:
                raise WorkforceError(_("该工作者已在此单位定岗。"))
            if on <= current.start:
                raise WorkforceError(_("交流日期须晚于当前定岗的开始日期。"))
            _close_posting(by, current, on - dt.timedelta(days=1))
        return _open_posting(by, worker, unit, on, kind)


def end_posting(*, by, worker: Worker, on: dt.date) -> Posting | None:
    """Close the worker's open posting on ``on``; return it, or None if there was none."""
    with transaction.atomic():
        worker = _lock_worker(worker)
        _require_manager(by, worker.federation)
        current = worker.postings.open().first()
        if current is None:
            return None
        if on < current.start:
            raise WorkforceError(_("结束日期不能早于定岗开始日期。"))
        _close_posting(by, current, on)
    return current


def record_departure(*, by, worker: Worker, on: dt.date, reason: str) -> Worker:
    """Record that a worker left: close the posting, keep all history, disable the login."""
    with transaction.atomic():
        worker = _lock_worker(worker)
        _require_manager(by, worker.federation)
        end_posting(by=by, worker=worker, on=on)
        worker.status = Worker.Status.LEFT
        worker.left_on = on
        worker.left_reason = reason
        worker.save(update_fields=["status", "left_on", "left_reason"])
        worker.user.is_active = False
        worker.user.save(update_fields=["is_active"])
        log(worker, "workforce.leave", user=by)
    return worker


# Roster import --------------------------------------------------------------------------------


class ImportRejected(WorkforceError):
    """Some rows of an import could not be written; nothing was. ``errors`` name each line."""

    def __init__(self, errors: list[RowError]):
        super().__init__(_("导入未完成：%(count)d 处错误。") % {"count": len(errors)})
        self.errors = errors


class _RowFailed(Exception):
    def __init__(self, column: str, message: str):
        self.error = (column, message)


def _outside_subtree(kind: str, federation: Federation) -> _RowFailed:
    # The same words as for a name that does not exist: no existence leak.
    return _RowFailed(
        header_for(kind, "federation"),
        _("找不到总工会“%(name)s”，或您无权管理该总工会。") % {"name": federation.name},
    )


def _import_rows(*, rows: Sequence, write_row, dry_run: bool) -> ImportResult:
    """Write ``rows`` one by one in one transaction; roll all back if any row fails."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    errors: list[RowError] = []
    with transaction.atomic():
        for row in rows:
            try:
                # A savepoint per row, so a failed row leaves the transaction usable and the
                # remaining rows are still checked.
                with transaction.atomic():
                    counts[write_row(row)] += 1
            except _RowFailed as exc:
                errors.append(RowError(row.line, *exc.error))
            except IntegrityError:
                errors.append(RowError(row.line, "", _("与已有数据冲突，无法保存。")))
        if errors:
            raise ImportRejected(errors)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(**counts)


def import_units(*, by, rows: Sequence[UnitRow], dry_run: bool = False) -> ImportResult:
    """Create or update units from checked rows, matched by (federation, name); all or nothing.

    A row equal to the stored unit is left alone (no audit entry). With ``dry_run`` nothing is
    kept, which lets a caller list these errors beside the rows that failed their checks.
    """
    existing = {
        (unit.federation_id, unit.name): unit
        for unit in Unit.objects.filter(
            federation__in={row.federation.pk for row in rows}, name__in={row.name for row in rows}
        )
    }

    def write(row: UnitRow) -> str:
        if not can_manage(by, row.federation):
            raise _outside_subtree(Kind.UNITS, row.federation)
        values = {"kind": row.kind, "headcount": row.headcount, "address": row.address}
        unit = existing.get((row.federation.pk, row.name))
        if unit is None:
            add_unit(by=by, federation=row.federation, name=row.name, **values)
            return "created"
        changed = {name: value for name, value in values.items() if getattr(unit, name) != value}
        if not changed:
            return "unchanged"
        update_unit(by=by, unit=unit, **changed)
        return "updated"

    return _import_rows(rows=rows, write_row=write, dry_run=dry_run)


IMPORTED_PROFILE_FIELDS = [name for name in WORKER_PROFILE_FIELDS if name != "federation"]


def import_workers(*, by, rows: Sequence[WorkerRow], dry_run: bool = False) -> ImportResult:
    """Register or update workers from checked rows, matched by ID number; all or nothing.

    Changes go through ``register_worker`` / ``update_worker`` / ``post_worker`` /
    ``exchange_worker``, so they are checked and audited as in the admin. A 定岗单位 other than
    the open posting's unit is an exchange on 定岗日期; with no open posting it is an initial
    posting. A row equal to the stored worker is left alone (no audit entry).
    """
    existing = {
        worker.id_number: worker
        for worker in Worker.objects.under(managed_paths(by))
        .filter(id_number__in=[row.id_number for row in rows])
        .prefetch_related(Prefetch("postings", Posting.objects.open(), to_attr="open_postings"))
    }
    id_column = header_for(Kind.WORKERS, "id_number")
    unit_column = header_for(Kind.WORKERS, "unit")

    def write(row: WorkerRow) -> str:
        if not can_manage(by, row.federation):
            raise _outside_subtree(Kind.WORKERS, row.federation)
        if row.unit is not None and not can_manage(by, row.unit.federation):
            raise _RowFailed(
                unit_column,
                _("找不到定岗单位“%(name)s”，或您无权管理该单位。") % {"name": row.unit.name},
            )
        profile = {name: getattr(row, name) for name in IMPORTED_PROFILE_FIELDS}
        worker = existing.get(row.id_number)
        outcome = "unchanged"
        try:
            if worker is None:
                worker = register_worker(
                    by=by, federation=row.federation, id_number=row.id_number, **profile
                )
                current, outcome = None, "created"
            else:
                changed = {k: v for k, v in profile.items() if getattr(worker, k) != v}
                if worker.federation_id != row.federation.pk:
                    changed["federation"] = row.federation
                if changed:
                    update_worker(by=by, worker=worker, **changed)
                    outcome = "updated"
                current = next(iter(worker.open_postings), None)
        except WorkforceError as exc:
            raise _RowFailed(id_column, str(exc)) from None
        if row.unit is None or (current is not None and current.unit_id == row.unit.pk):
            return outcome
        try:
            if current is None:
                post_worker(by=by, worker=worker, unit=row.unit, start=row.posting_date)
            else:
                exchange_worker(by=by, worker=worker, unit=row.unit, on=row.posting_date)
        except WorkforceError as exc:
            raise _RowFailed(unit_column, str(exc)) from None
        return "created" if outcome == "created" else "updated"

    return _import_rows(rows=rows, write_row=write, dry_run=dry_run)
