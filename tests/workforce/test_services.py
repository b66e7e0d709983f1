import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from tests.factories import PostingFactory, UnitFactory, WorkerFactory
from workforce import services
from workforce.models import Posting, Worker
from workforce.services import WorkforceError


def test_exchange_closes_the_old_posting_and_opens_the_new(worker, unit, county_staff):
    target = UnitFactory(federation=unit.federation, name="工业园区工会")
    new = services.exchange_worker(
        by=county_staff, worker=worker, unit=target, on=dt.date(2025, 6, 1)
    )
    postings = list(worker.postings.order_by("start"))
    assert [p.unit for p in postings] == [unit, target]
    assert postings[0].end == dt.date(2025, 5, 31)
    assert new.end is None and new.kind == Posting.Kind.EXCHANGE
    assert worker.postings.open().count() == 1


def test_exchange_to_the_same_unit_is_refused(worker, unit, county_staff):
    with pytest.raises(WorkforceError, match="已在此单位定岗"):
        services.exchange_worker(by=county_staff, worker=worker, unit=unit, on=dt.date(2025, 6, 1))


def test_post_refuses_a_second_open_posting(worker, unit, county_staff):
    with pytest.raises(WorkforceError, match="已有在岗定岗"):
        services.post_worker(by=county_staff, worker=worker, unit=unit, start=dt.date(2025, 1, 1))


def test_database_refuses_two_open_postings(worker, unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(worker=worker, unit=unit, start=dt.date(2025, 1, 1))


def test_departure_keeps_history_and_disables_login(worker, county_staff):
    services.record_departure(
        by=county_staff, worker=worker, on=dt.date(2025, 9, 30), reason="个人原因"
    )
    worker.refresh_from_db()
    assert worker.status == Worker.Status.LEFT
    assert worker.postings.count() == 1
    assert worker.postings.get().end == dt.date(2025, 9, 30)
    assert not worker.user.is_active


def test_a_departed_worker_is_neither_posted_nor_exchanged(worker, unit, county_staff):
    services.record_departure(
        by=county_staff, worker=worker, on=dt.date(2025, 9, 30), reason="个人原因"
    )
    with pytest.raises(WorkforceError, match="离职人员不能定岗"):
        services.post_worker(by=county_staff, worker=worker, unit=unit, start=dt.date(2025, 10, 8))
    with pytest.raises(WorkforceError, match="离职人员不能交流"):
        services.exchange_worker(by=county_staff, worker=worker, unit=unit, on=dt.date(2025, 10, 8))
    assert worker.postings.open().count() == 0


def test_end_posting_refuses_a_day_before_the_start(worker, county_staff):
    start = worker.postings.get().start
    with pytest.raises(WorkforceError, match="结束日期不能早于定岗开始日期"):
        services.end_posting(by=county_staff, worker=worker, on=start - dt.timedelta(days=1))
    assert services.end_posting(by=county_staff, worker=worker, on=start).end == start


def test_register_worker_creates_an_account(county, county_staff):
    from tests.factories import make_id_number

    worker = services.register_worker(
        by=county_staff,
        federation=county,
        name="王芳",
        id_number=make_id_number(),
        gender="F",
        education="bachelor",
        employment_mode="purchased",
        contractor="涪城社工中心",
        hire_date=dt.date(2025, 1, 1),
    )
    assert worker.user.username == worker.id_number
    assert not worker.user.has_usable_password()
    with pytest.raises(WorkforceError, match="已登记"):
        services.register_worker(
            by=county_staff,
            federation=county,
            name="王芳",
            id_number=worker.id_number,
            gender="F",
            education="bachelor",
            employment_mode="direct",
            hire_date=dt.date(2025, 1, 1),
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_exchanges_leave_one_open_posting(county, county_staff):
    home = UnitFactory(federation=county, name="甲")
    targets = [UnitFactory(federation=county, name=f"乙{i}") for i in range(2)]
    worker = WorkerFactory(federation=county)
    PostingFactory(worker=worker, unit=home, start=dt.date(2024, 1, 1))
    barrier = threading.Barrier(2)
    errors = []

    def exchange(target, day):
        try:
            barrier.wait()
            services.exchange_worker(by=county_staff, worker=worker, unit=target, on=day)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=exchange, args=(t, dt.date(2025, 1, 1) + dt.timedelta(days=i * 30)))
        for i, t in enumerate(targets)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(e, WorkforceError) for e in errors), errors
    assert Posting.objects.filter(worker=worker, end__isnull=True).count() == 1
