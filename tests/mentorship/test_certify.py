"""The 导师带徒 certificate of a completed 高师带徒 pairing (``services.certify_pairing``)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from certificates import services as certificate_services
from certificates.models import Certificate, CertificateKind
from certificates.rendering import certificate_data
from mentorship.models import MeetingLog, Pairing
from mentorship.services import MentorshipError, certify_pairing
from tests.conftest import login

pytestmark = pytest.mark.django_db
ON = dt.date(2031, 1, 20)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def completed(pairing):
    for day, hours in ((dt.date(2030, 2, 3), "10"), (dt.date(2030, 6, 3), "14.5")):
        MeetingLog.objects.create(
            pairing=pairing, date=day, hours=Decimal(hours), form="site", topic="现场带教",
            status=MeetingLog.Status.CONFIRMED, written_by=pairing.mentor.user,
        )  # fmt: skip
    MeetingLog.objects.create(
        pairing=pairing, date=dt.date(2030, 7, 1), hours=Decimal(3), form="online",
        topic="未确认", status=MeetingLog.Status.AWAITING, written_by=pairing.mentor.user,
    )  # fmt: skip
    Pairing.objects.filter(pk=pairing.pk).update(
        status=Pairing.Status.COMPLETED, ended_on=dt.date(2031, 1, 10)
    )
    pairing.refresh_from_db()
    return pairing


def test_staff_certify_a_completed_pairing(completed, county_staff, worker, county):
    certificate = certify_pairing(by=county_staff, pairing=completed, on=ON)

    assert certificate.kind.code == "mentoring" and certificate.kind.name == "导师带徒"
    assert certificate.holder == worker
    assert certificate.federation == county
    assert certificate.serial == "FC-2031-000001"  # the federation's serial numbers
    assert certificate.subject_key == f"mentorship.pairing:{completed.pk}"
    assert certificate.subject == "高师带徒：导师 王建国，2030-01-01 至 2031-01-10"
    data = certificate_data(certificate)
    assert data.title == "导师带徒证书"
    assert data.statement == (
        "于二〇三〇年一月一日至二〇三一年一月十日参加涪城区总工会组织的高师带徒活动，"
        "在导师王建国指导下完成带教计划，共计带教24.5学时，经考核合格。"
    )
    entry = ModelLogEntry.objects.get(action="mentorship.certify")
    assert entry.object_id == str(completed.pk) and entry.user_id == county_staff.pk


def test_certifying_again_returns_the_same_certificate(completed, county_staff, city_staff):
    first = certify_pairing(by=county_staff, pairing=completed, on=ON)
    again = certify_pairing(by=city_staff, pairing=completed, on=ON)
    assert again.pk == first.pk and again.serial == first.serial
    assert Certificate.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="mentorship.certify").count() == 1


def test_one_certificate_per_pairing_in_the_database(completed, county_staff):
    certificate = certify_pairing(by=county_staff, pairing=completed, on=ON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            kind=certificate.kind, holder=certificate.holder, federation=certificate.federation,
            serial="FC-2031-000099", issued_on=ON, subject_key=certificate.subject_key,
        )  # fmt: skip


@pytest.mark.parametrize("who", ["outsider", "worker_user", "mentor_user"])
def test_only_staff_of_the_pairings_federation_certify(who, completed, request):
    users = {
        "outsider": lambda: request.getfixturevalue("outsider"),
        "worker_user": lambda: completed.apprentice.user,
        "mentor_user": lambda: completed.mentor.user,
    }
    with pytest.raises(MentorshipError, match="无权管理该结对"):
        certify_pairing(by=users[who](), pairing=completed, on=ON)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kind": "peer"}, "只有高师带徒结对"),
        ({"status": Pairing.Status.ACTIVE}, "只有已完成的结对"),
        ({"status": Pairing.Status.DISSOLVED}, "只有已完成的结对"),
    ],
)
def test_only_completed_master_apprentice_pairings(change, reason, completed, county_staff):
    Pairing.objects.filter(pk=completed.pk).update(**change)
    with pytest.raises(MentorshipError, match=reason):
        certify_pairing(by=county_staff, pairing=completed, on=ON)
    assert not Certificate.objects.exists()


def test_issue_for_subject_needs_the_issuers_staff(worker, county, outsider):
    kind = CertificateKind.objects.get(code="mentoring")
    with pytest.raises(certificate_services.CertificateError):
        certificate_services.issue_for_subject(
            by=outsider, kind=kind, holder=worker, federation=county,
            subject_key="mentorship.pairing:1", subject="x",
        )  # fmt: skip


def test_the_certificate_renders_verifies_and_is_listed(completed, county_staff, worker, client):
    certificate = certify_pairing(by=county_staff, pairing=completed, on=ON)
    certificate = certificate_services.current_pdf(certificate)
    with certificate.pdf.open("rb") as file:
        text = PdfReader(io.BytesIO(file.read())).pages[0].extract_text().replace("\n", "")
    assert "导师带徒证书" in text.replace(" ", "")  # the title is letter-spaced
    assert "在导师王建国指导下" in text and "FC-2031-000001" in text

    verify = client.get(certificate.get_verify_path()).content.decode()
    assert "导师带徒" in verify and "高师带徒：导师 王建国" in verify
    mine = login(client, worker.user).get(reverse("certificates:mine"))
    assert "高师带徒：导师 王建国，2030-01-01 至 2031-01-10" in mine.content.decode()
