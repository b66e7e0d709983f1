"""Every roster service checks that ``by`` manages what it changes, before changing anything."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry

from tests.factories import UserFactory, make_id_number
from workforce import services
from workforce.models import Federation, PolicyParameters, Posting, Unit, Worker
from workforce.services import WorkforceError

# Each row: a name and a call of one service on 县A's objects (``worker`` is posted to ``unit``).
CALLS = [
    (
        "add_federation",
        lambda by, c: services.add_federation(
            by=by, parent=c["county"], name="新园区总工会", code="NEW", level="park"
        ),
    ),
    (
        "update_federation",
        lambda by, c: services.update_federation(by=by, federation=c["county"], name="改名"),
    ),
    (
        "set_policy",
        lambda by, c: services.set_policy(by=by, federation=c["county"], staffing_base=1000),
    ),
    (
        "add_unit",
        lambda by, c: services.add_unit(
            by=by, federation=c["county"], name="新工会", kind="enterprise", headcount=10
        ),
    ),
    ("update_unit", lambda by, c: services.update_unit(by=by, unit=c["unit"], headcount=1)),
    ("delete_unit", lambda by, c: services.delete_unit(by=by, unit=c["spare_unit"])),
    (
        "register_worker",
        lambda by, c: services.register_worker(
            by=by,
            federation=c["county"],
            name="李四",
            id_number=make_id_number(),
            gender="M",
            education="bachelor",
            employment_mode="direct",
            hire_date=dt.date(2025, 1, 1),
        ),
    ),
    ("update_worker", lambda by, c: services.update_worker(by=by, worker=c["worker"], name="改名")),
    (
        "exchange_worker",
        lambda by, c: services.exchange_worker(
            by=by, worker=c["worker"], unit=c["spare_unit"], on=dt.date(2026, 6, 1)
        ),
    ),
    (
        "end_posting",
        lambda by, c: services.end_posting(by=by, worker=c["worker"], on=dt.date(2026, 6, 1)),
    ),
    (
        "record_departure",
        lambda by, c: services.record_departure(
            by=by, worker=c["worker"], on=dt.date(2026, 6, 1), reason="个人原因"
        ),
    ),
    (
        "grant_staff",
        lambda by, c: services.grant_staff(by=by, user=c["stranger"], federation=c["county"]),
    ),
    (
        "revoke_staff",
        lambda by, c: services.revoke_staff(by=by, user=c["county_staff"], federation=c["county"]),
    ),
]


def _snapshot():
    models = (Federation, PolicyParameters, Unit, Worker, Posting, ModelLogEntry)
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    rows["users"] = list(
        get_user_model().objects.order_by("pk").values("pk", "groups", "is_active")
    )
    return rows


@pytest.fixture
def objects(county, unit, worker, county_staff):
    from tests.factories import UnitFactory

    return {
        "county": county,
        "unit": unit,
        "worker": worker,
        "county_staff": county_staff,
        "spare_unit": UnitFactory(federation=county, name="备用工会"),
        "stranger": UserFactory(username="stranger"),
    }


@pytest.mark.parametrize("persona", ["outsider", "worker_user", "nobody"])
@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_service_refuses_who_does_not_manage_and_changes_nothing(
    request, objects, outsider, persona, name, call
):
    by = {
        "outsider": outsider,
        "worker_user": objects["worker"].user,
        "nobody": None,
    }[persona]
    before = _snapshot()
    with pytest.raises(WorkforceError, match="您无权管理|只有系统管理员"):
        call(by, objects)
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_service_lets_the_federation_staff_act(objects, name, call):
    call(objects["county_staff"], objects)


def test_a_new_root_federation_is_for_superusers_only(county_staff, db):
    with pytest.raises(WorkforceError, match="只有系统管理员"):
        services.add_federation(by=county_staff, parent=None, name="新市", code="X", level="city")
    admin = UserFactory(username="admin", is_superuser=True)
    root = services.add_federation(by=admin, parent=None, name="新市", code="X", level="city")
    assert root.is_root()


def test_moving_a_worker_or_unit_needs_both_federations(
    county_staff, city_staff, worker, unit, other_county
):
    with pytest.raises(WorkforceError, match="游仙区总工会"):
        services.update_worker(by=county_staff, worker=worker, federation=other_county)
    with pytest.raises(WorkforceError, match="游仙区总工会"):
        services.update_unit(by=county_staff, unit=unit, federation=other_county)
    assert (
        services.update_worker(by=city_staff, worker=worker, federation=other_county).federation
        == other_county
    )


def test_posting_to_another_federations_unit_is_refused(county_staff, worker, other_unit):
    with pytest.raises(WorkforceError, match="游仙区总工会"):
        services.exchange_worker(
            by=county_staff, worker=worker, unit=other_unit, on=dt.date(2026, 6, 1)
        )
    assert worker.postings.open().get().unit != other_unit


@pytest.mark.parametrize(
    ("service", "target", "field"),
    [
        (services.update_worker, "worker", "status"),
        (services.update_unit, "unit", "pk"),
        (services.update_federation, "federation", "path"),
    ],
)
def test_update_services_take_only_their_whitelisted_fields(
    county_staff, worker, unit, county, service, target, field
):
    objects = {"worker": worker, "unit": unit, "federation": county}
    with pytest.raises(TypeError, match=field):
        service(by=county_staff, **{target: objects[target]}, **{field: "x"})


def test_set_policy_creates_then_updates_one_record(county_staff, county):
    services.set_policy(by=county_staff, federation=county, staffing_base=1500)
    record = services.set_policy(by=county_staff, federation=county, staffing_step=2500)
    assert (record.staffing_base, record.staffing_step) == (1500, 2500)
    assert PolicyParameters.objects.filter(federation=county).count() == 1
    with pytest.raises(TypeError, match="federation"):
        services.set_policy(by=county_staff, federation=county, federation_id=1)
