import datetime as dt

from certificates import demo
from certificates.models import Certificate, FederationSeal
from workforce.demo import DemoContext

from .conftest import complete


def test_demo_steps_are_idempotent(session, enrolment, city_staff, city, county):
    recent = complete(session.__class__.objects.create(
        course=session.course, organizer=county, title="近期班次",
        start_date=dt.date(2030, 4, 20), end_date=dt.date(2030, 4, 24),
        enrol_opens=session.enrol_opens, enrol_closes=session.enrol_closes,
        cancel_deadline=session.cancel_deadline,
    ))  # fmt: skip
    ctx = DemoContext(by=city_staff, today=dt.date(2030, 4, 30))
    for step in demo.DEMO_STEPS:
        step(ctx)
    assert set(FederationSeal.objects.values_list("federation__code", flat=True)) >= {"MY", "FC"}
    certificate = Certificate.objects.get()
    assert certificate.enrolment == enrolment  # the recent session is left for bulk issue
    assert certificate.issued_on == dt.date(2030, 3, 15)  # a week after the session ended
    assert certificate.revoked_on is not None
    assert not recent.certificates.exists()

    again = DemoContext(by=city_staff, today=dt.date(2030, 4, 30))
    for step in demo.DEMO_STEPS:
        step(again)
    assert not again.created
    assert Certificate.objects.count() == 1
