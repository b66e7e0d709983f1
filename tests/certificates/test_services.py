import datetime as dt
import io
import zipfile

import pytest
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from certificates import services
from certificates.models import BulkIssueJob, Certificate, CertificateKind, SerialCounter
from certificates.services import (
    CertificateError,
    issue_certificate,
    render_certificate,
    revoke_certificate,
)
from certificates.tasks import bulk_issue
from certificates.validity import Standing
from courses.models import Enrolment, TrainingType
from tests.factories import EnrolmentFactory, SessionFactory, make_course
from workforce.models import PolicyParameters

from .conftest import ISSUED_ON, complete


def _actions(certificate) -> list[str]:
    return list(ModelLogEntry.objects.for_instance(certificate).values_list("action", flat=True))


def test_issue_numbers_per_federation_and_year(session, county_staff):
    first = issue_certificate(by=county_staff, enrolment=complete(session), on=ISSUED_ON)
    second = issue_certificate(by=county_staff, enrolment=complete(session), on=ISSUED_ON)
    next_year = issue_certificate(
        by=county_staff, enrolment=complete(session), on=dt.date(2031, 1, 2)
    )
    assert [first.serial, second.serial, next_year.serial] == [
        "FC-2030-000001",
        "FC-2030-000002",
        "FC-2031-000001",
    ]
    assert first.federation == session.organizer
    assert first.kind.code == "completion"
    assert first.expires_on is None
    assert first.issued_by == county_staff
    assert len(first.code) >= 32 and first.code != second.code


def test_issue_is_idempotent(enrolment, county_staff):
    first = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    again = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    assert again.pk == first.pk and again.serial == first.serial
    assert Certificate.objects.count() == 1
    assert SerialCounter.objects.get().last == 1
    assert _actions(first) == ["certificates.issue"]


def test_issue_refuses_an_enrolment_not_completed(session, worker, county_staff):
    enrolment = EnrolmentFactory(session=session, worker=worker, completed=False)
    with pytest.raises(CertificateError, match="尚未结业"):
        issue_certificate(by=county_staff, enrolment=enrolment)
    waitlisted = complete(session, status=Enrolment.Status.WAITLISTED)
    with pytest.raises(CertificateError, match="尚未结业"):
        issue_certificate(by=county_staff, enrolment=waitlisted)
    assert not Certificate.objects.exists()


def test_a_failed_issue_leaves_no_gap(session, county_staff, monkeypatch):
    """The serial is taken in the certificate's transaction: a failure gives it back."""
    enrolment = complete(session)

    def fail(*args, **kwargs):
        raise RuntimeError("audit log down")

    with monkeypatch.context() as patch:
        patch.setattr(services, "log", fail)
        with pytest.raises(RuntimeError, match="audit log down"):
            issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    assert not Certificate.objects.exists()
    certificate = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    assert certificate.serial == "FC-2030-000001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_serials_need_a_transaction(county):
    with pytest.raises(RuntimeError, match="transaction"):
        services.take_serial(county, 2030)


def test_qualification_certificate_expires_by_policy(county, city, county_staff, worker):
    course = make_course(
        organizer=county, training_type=TrainingType.QUALIFICATION, pass_score="60"
    )
    session = SessionFactory(course=course)
    certificate = issue_certificate(
        by=county_staff, enrolment=complete(session, worker), on=dt.date(2030, 3, 20)
    )
    assert certificate.kind.code == "qualification"
    assert certificate.expires_on == dt.date(2033, 3, 19)  # default: 3 years

    PolicyParameters.objects.create(federation=city, qualification_validity_years=5)
    later = issue_certificate(by=county_staff, enrolment=complete(session), on=dt.date(2030, 3, 20))
    assert later.expires_on == dt.date(2035, 3, 19)  # inherited from the city's policy


def test_explicit_kind_and_fixed_validity(enrolment, county_staff):
    kind = CertificateKind.objects.create(
        code="mentor", name="导师证书", title="导师证书", statement="……", validity="fixed",
        validity_years=2,
    )  # fmt: skip
    completion = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    mentor = issue_certificate(by=county_staff, enrolment=enrolment, kind=kind, on=ISSUED_ON)
    assert mentor.pk != completion.pk  # one per (kind, record)
    assert mentor.expires_on == dt.date(2032, 3, 19)


def test_revoke(enrolment, county_staff):
    certificate = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    with pytest.raises(CertificateError, match="原因"):
        revoke_certificate(by=county_staff, certificate=certificate, reason="  ")
    revoked = revoke_certificate(
        by=county_staff, certificate=certificate, reason="培训记录有误", on=dt.date(2030, 4, 1)
    )
    assert revoked.revoked_by == county_staff
    assert revoked.standing(dt.date(2030, 4, 1)) == Standing.REVOKED
    with pytest.raises(CertificateError, match="已经撤销"):
        revoke_certificate(by=county_staff, certificate=certificate, reason="again")
    assert _actions(certificate) == ["certificates.revoke", "certificates.issue"]
    entry = ModelLogEntry.objects.for_instance(certificate).get(action="certificates.revoke")
    assert entry.data["reason"] == "培训记录有误" and entry.user_id == county_staff.pk
    # Issuing again returns the revoked certificate: no second one for the same record.
    assert issue_certificate(by=county_staff, enrolment=enrolment).pk == certificate.pk


def _pdf_text(field_file) -> str:
    with field_file.open("rb") as file:
        return PdfReader(io.BytesIO(file.read())).pages[0].extract_text()


def test_render_once_and_again_when_the_data_changes(
    enrolment, county_staff, django_capture_on_commit_callbacks
):
    certificate = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    assert render_certificate(certificate) is True
    first_name = certificate.pdf.name
    assert "张晓梅" in _pdf_text(certificate.pdf)

    reloaded = services.current_pdf(certificate)
    assert reloaded.pdf.name == first_name  # same data: not rendered again

    worker = enrolment.worker
    worker.name = "张小梅"  # a corrected name
    worker.save()
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.current_pdf(certificate)
    assert corrected.pdf.name != first_name
    assert corrected.serial == certificate.serial and corrected.code == certificate.code
    text = _pdf_text(corrected.pdf)
    assert "张小梅" in text and certificate.serial in text
    assert not corrected.pdf.storage.exists(first_name)  # the outdated file is gone


# Bulk issue -------------------------------------------------------------------------------------


def _zip_names(job) -> list[str]:
    with job.zip_file.open("rb") as file:
        return sorted(zipfile.ZipFile(io.BytesIO(file.read())).namelist())


def _pages(job) -> int:
    with job.print_file.open("rb") as file:
        return len(PdfReader(io.BytesIO(file.read())).pages)


def test_bulk_issue_twice_issues_nothing_new(session, county_staff, worker):
    for enrolment in (complete(session, worker), complete(session), complete(session)):
        assert enrolment.completed
    complete(session, completed=False, completed_on=None)  # not completed: no certificate

    job = bulk_issue(by=county_staff, session=session)
    assert job.status == BulkIssueJob.Status.FINISHED
    assert (job.total, job.done, job.created, job.failed) == (3, 3, 3, 0)
    certificates = Certificate.objects.order_by("serial")
    assert [c.serial[-6:] for c in certificates] == ["000001", "000002", "000003"]
    assert all(c.pdf for c in certificates)
    names = _zip_names(job)
    assert len(names) == 3 and any("张晓梅" in name for name in names)
    assert _pages(job) == 3
    pdf_names = {c.pk: c.pdf.name for c in certificates}

    again = bulk_issue(by=county_staff, session=session)
    assert again.pk != job.pk
    assert (again.done, again.created, again.failed) == (3, 0, 0)
    assert Certificate.objects.count() == 3
    assert {c.pk: c.pdf.name for c in Certificate.objects.all()} == pdf_names  # not re-rendered
    assert _pages(again) == 3
    log = ModelLogEntry.objects.filter(action="certificates.issue")
    assert log.count() == 3


def test_bulk_issue_reports_a_failure_and_keeps_the_others(session, county_staff, monkeypatch):
    enrolments = [complete(session), complete(session), complete(session)]
    broken = enrolments[1].worker.name
    real_render = services.render_pdf

    def render_or_fail(data, **kwargs):
        if data.holder == broken:
            raise OSError("disk full")
        return real_render(data, **kwargs)

    monkeypatch.setattr(services, "render_pdf", render_or_fail)
    job = bulk_issue(by=county_staff, session=session)
    assert job.status == BulkIssueJob.Status.FINISHED
    assert (job.done, job.failed) == (3, 1)
    assert job.errors[0]["worker"] == broken and "OSError" in job.errors[0]["message"]
    assert len(_zip_names(job)) == 2 and _pages(job) == 2
    assert Certificate.objects.exclude(pdf="").count() == 2

    monkeypatch.setattr(services, "render_pdf", real_render)  # the problem is fixed
    retry = bulk_issue(by=county_staff, session=session)
    assert (retry.created, retry.failed) == (0, 0)
    assert len(_zip_names(retry)) == 3


def test_bulk_issue_needs_completed_workers(session, county_staff):
    with pytest.raises(CertificateError, match="没有已结业"):
        bulk_issue(by=county_staff, session=session)
    assert not BulkIssueJob.objects.exists()


def test_revoked_certificates_stay_out_of_the_print_file(session, county_staff):
    keep, drop = complete(session), complete(session)
    issue_certificate(by=county_staff, enrolment=keep)
    revoke_certificate(
        by=county_staff,
        certificate=issue_certificate(by=county_staff, enrolment=drop),
        reason="重复发证",
    )
    job = bulk_issue(by=county_staff, session=session)
    assert (job.done, job.created) == (2, 0)
    assert _pages(job) == 1
