"""Time a bulk issue of N certificates against the WeasyPrint floor, in one run.

Run: ``.venv/bin/python bench/certificates.py [--count 1000]``. Uses
``var/bench-certificates.sqlite3`` (or ``DATABASE_URL``) and ``var/bench-media``; migrates the
database, then adds a fresh session with N completed enrolments on every run.

- floor: WeasyPrint rendering the same one-page certificate (same template, stylesheet, fonts
  and image cache) N times, divided by the number of workers (the bulk runs in 1 worker);
- bulk: ``services.bulk_issue`` (creates the job and enqueues the task), then the task's work
  run here the way one ``db_worker`` runs it, outside any transaction: issue (lock, serial,
  insert, audit log), render, store each PDF, then build the ZIP and the combined print PDF
  (timed on their own too).

The bench federation has a seal, as real ones do. Both CPU time (this process; steadier on a
shared machine) and wall time are reported.
"""

import argparse
import datetime as dt
import resource
import sys
import time

import benchsetup  # noqa: E402  (sets up Django before any model is imported)

benchsetup.django_setup(
    "bench-certificates.sqlite3",
    DJANGO_MEDIA_ROOT=str(benchsetup.BASE_DIR / "var" / "bench-media"),
    # The task is enqueued nowhere; the bench runs its work itself, as one worker would.
    DJANGO_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from certificates import rendering, services, tasks  # noqa: E402
from certificates.models import Certificate, FederationSeal  # noqa: E402
from certificates.seal import draw_seal  # noqa: E402
from certificates.selectors import default_kind  # noqa: E402
from courses.models import (  # noqa: E402
    CatalogPage,
    CoursePage,
    Enrolment,
    Session,
    TrainingIndexPage,
    TrainingType,
)
from home.models import HomePage  # noqa: E402
from workforce import idnumber  # noqa: E402
from workforce.models import Federation, Worker  # noqa: E402

WORKERS_USED = 1
CODE = "BN"
ADMIN = "bench-admin"


def bench_course(federation: Federation) -> CoursePage:
    course = CoursePage.objects.filter(slug="bench-course").first()
    if course is not None:
        return course
    catalog = CatalogPage.objects.filter(training_type=TrainingType.THEMATIC).first()
    if catalog is None:
        index = TrainingIndexPage.objects.first() or HomePage.objects.first().add_child(
            instance=TrainingIndexPage(title="培训", slug="training")
        )
        catalog = index.add_child(
            instance=CatalogPage(title="专题培训", slug="thematic", training_type="thematic")
        )
    return catalog.add_child(
        instance=CoursePage(
            title="工会法与劳动法实务专题培训",
            slug="bench-course",
            organizer=federation,
            training_type=TrainingType.THEMATIC,
            credit_hours=40,
        )
    )


def bench_admin():
    """Return the bench's own superuser: ``by`` for the services, the actor in the audit log."""
    users = get_user_model().objects
    return users.filter(username=ADMIN).first() or users.create_superuser(ADMIN, "", None)


@transaction.atomic
def make_session(count: int, *, by) -> Session:
    """Add a session of the bench federation with ``count`` completed enrolments."""
    federation = Federation.objects.filter(code=CODE).first() or Federation.add_root(
        name="基准测试总工会", code=CODE, level=Federation.Level.CITY
    )
    seal = FederationSeal.objects.filter(federation=federation).first()
    if seal is None or not seal.image.storage.exists(seal.image.name):
        image = ContentFile(draw_seal(federation.name), name="seal.png")
        services.set_seal(by=by, federation=federation, image=image)
    course = bench_course(federation)
    run = Session.objects.count() + 1
    session = Session.objects.create(
        course=course,
        organizer=federation,
        title=f"基准测试第{run}期",
        start_date=dt.date(2026, 10, 8),
        end_date=dt.date(2026, 11, 6),
        enrol_opens=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
        enrol_closes=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        cancel_deadline=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        status=Session.Status.FINISHED,
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-{run}-{n}") for n in range(count)
    )
    surnames, given = "王李张刘陈杨赵黄周吴", "晓梅强伟芳娜秀英敏静丽军磊洋勇艳杰涛明超"
    base = run * 100_000
    workers = Worker.objects.bulk_create(
        Worker(
            user=user,
            name=surnames[n % 10] + given[n % 20] + given[(n // 20) % 20],
            gender=Worker.Gender.FEMALE,
            id_number=_id_number(base + n),
            education=Worker.Education.BACHELOR,
            employment_mode=Worker.EmploymentMode.DIRECT,
            federation=federation,
            hire_date=dt.date(2024, 3, 1),
        )
        for n, user in enumerate(users)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            session=session,
            worker=worker,
            status=Enrolment.Status.CONFIRMED,
            completed=True,
            completed_on=session.end_date,
            credited_hours=40,
        )
        for worker in workers
    )
    return session


def _id_number(n: int) -> str:
    """Return a unique valid ID number for bench worker ``n``."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n % 15000)
    return idnumber.make(f"{510000 + n // 15000 % 10000:06d}{birth:%Y%m%d}{n % 1000:03d}")


class Clock:
    """Wall time and this process's CPU time (steadier when other processes share the cores)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def floor(session: Session, count: int) -> tuple[float, float]:
    """Render one real certificate's page ``count`` times with WeasyPrint alone."""
    enrolment = session.enrolments.select_related(
        "worker", "session__course", "session__organizer__seal"
    ).first()
    sample = Certificate(
        kind=default_kind(TrainingType.THEMATIC),
        holder=enrolment.worker,
        federation=session.organizer,
        serial=f"{CODE}-2026-999999",
        issued_on=dt.date(2026, 11, 26),
        enrolment=enrolment,
    )
    html = rendering.certificate_html(rendering.certificate_data(sample))
    cache: dict = {}
    clock = Clock()
    for _ in range(count):
        rendering.html_to_pdf(html, cache=cache)
    wall, cpu = clock.stop()
    return wall / WORKERS_USED, cpu / WORKERS_USED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates to issue")
    options = parser.parse_args()
    count = options.count

    call_command("migrate", verbosity=0, interactive=False)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    admin = bench_admin()
    session = make_session(count, by=admin)

    # Warm up: fonts, stylesheet, template (neither side pays for the first render).
    floor(session, 1)

    floor_before = floor(session, count)
    print(f"floor (before): {_times(floor_before, count)}", flush=True)

    timings = {}
    store_outputs, combine = services._store_outputs, services.combine_pdfs

    def timed(name, function):
        def wrapper(*args, **kwargs):
            clock = Clock()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = clock.stop()

        return wrapper

    services._store_outputs = timed("outputs", store_outputs)
    services.combine_pdfs = timed("combine", combine)
    clock = Clock()
    job = tasks.bulk_issue(by=admin, session=session)
    job = services.process_bulk_issue(job_id=job.pk)
    bulk = clock.stop()
    services._store_outputs, services.combine_pdfs = store_outputs, combine
    if (job.created, job.failed) != (count, 0):
        print(f"UNEXPECTED: created {job.created}, failed {job.failed}: {job.errors[:3]}")
        return 1

    floor_after = floor(session, count)
    floor_time = tuple((a + b) / 2 for a, b in zip(floor_before, floor_after, strict=True))
    issuing = tuple(b - o for b, o in zip(bulk, timings["outputs"], strict=True))
    print(f"floor (after):  {_times(floor_after, count)}")
    print(f"bulk issue:     {_times(bulk, count)}  ({job.created} issued, 1 worker)")
    print(f"  issue + render + store: {_times(issuing, count)}")
    print(f"  ZIP + print PDF:        {_times(timings['outputs'])}")
    print(
        f"  combined print PDF:     {_times(timings['combine'])}  "
        f"({job.print_file.size / 1e6:.1f} MB, {count} pages; ZIP {job.zip_file.size / 1e6:.1f} MB)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")
    for label, index in (("wall", 0), ("CPU", 1)):
        print(
            f"ratio ({label}): issuing / floor {issuing[index] / floor_time[index]:.2f}x "
            f"(goal <= 1.3x), whole bulk / floor {bulk[index] / floor_time[index]:.2f}x"
        )
    return 0


def _times(times: tuple[float, float], count: int | None = None) -> str:
    wall, cpu = times
    each = f" ({wall / count * 1000:.0f} ms each)" if count else ""
    return f"{wall:7.1f} s wall, {cpu:7.1f} s CPU{each}"


if __name__ == "__main__":
    sys.exit(main())
