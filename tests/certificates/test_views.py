import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import BulkIssueJob, Certificate
from certificates.services import issue_certificate, revoke_certificate
from certificates.views import VERIFY_LIMIT
from tests.conftest import login
from tests.factories import SessionFactory, UserFactory, WorkerFactory

from .conftest import ISSUED_ON, complete


@pytest.fixture
def certificate(enrolment, county_staff):
    return issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)


def _serials(response) -> set[str]:
    return set(re.findall(r"FC-2030-\d{6}", response.content.decode()))


def _verify_url(certificate) -> str:
    return reverse("certificates:verify", args=[certificate.code])


# Public verification ----------------------------------------------------------------------------


def test_verify_valid(client, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(_verify_url(certificate))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'badge ok">有效' in page and "已撤销" not in page and "已过期" not in page
    assert "张*梅" in page and "张晓梅" not in page
    assert (
        certificate.holder.id_number not in page and certificate.holder.id_number[-4:] not in page
    )
    for shown in (
        "结业证书",
        "工会法与劳动法实务",
        "涪城区总工会",
        certificate.serial,
        "2030年3月20日",
    ):
        assert shown in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_verify_revoked(client, certificate, county_staff):
    with time_machine.travel(dt.datetime(2030, 5, 1, 12, tzinfo=dt.UTC)):
        revoke_certificate(by=county_staff, certificate=certificate, reason="冒名顶替")
        page = client.get(_verify_url(certificate)).content.decode()
    assert "已撤销" in page and "2030年5月1日" in page and "已过期" not in page
    assert "冒名顶替" not in page  # the reason is not public


def test_verify_expired(client, session, county_staff):
    certificate = issue_certificate(by=county_staff, enrolment=complete(session), on=ISSUED_ON)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=dt.date(2033, 3, 19))
    with time_machine.travel(dt.datetime(2033, 3, 19, 12, tzinfo=dt.UTC)):
        page = client.get(_verify_url(certificate)).content.decode()
        assert "已过期" not in page and 'badge ok">有效' in page
    with time_machine.travel(dt.datetime(2033, 3, 20, 12, tzinfo=dt.UTC)):
        page = client.get(_verify_url(certificate)).content.decode()
    assert "已过期" in page and "2033年3月19日" in page


@pytest.mark.parametrize(
    "code",
    [
        "A" * 32,  # well formed, unknown
        "x",  # too short
        "a" * 300,  # too long
        "abc%21%21def' OR 1=1 --",
        "%E5%BC%A0%E6%99%93%E6%A2%85",  # 张晓梅
        "..%2F..%2Fetc%2Fpasswd",
        "abc/def/",
        "abc",  # no trailing slash
    ],
)
def test_verify_unknown_or_malformed_is_a_plain_404(client, db, code):
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_verify_by_serial(client, certificate, django_assert_max_num_queries):
    url = reverse("certificates:verify_search")
    assert client.get(url).status_code == 200  # the search form
    with django_assert_max_num_queries(2):
        response = client.get(url, {"serial": certificate.serial.lower()})
    assert response.status_code == 200 and "张*梅" in response.content.decode()
    for bad in ("FC-2030-000002", "nonsense", "FC-2030-0000011111111111111111111111111111111111"):
        response = client.get(url, {"serial": bad})
        assert response.status_code == 404 and "未找到" in response.content.decode()


# Frozen: django-ratelimit counts in fixed windows, and the lookups must fall in one of them.
@time_machine.travel(dt.datetime(2030, 5, 1, 12, tzinfo=dt.UTC), tick=False)
def test_verify_is_throttled_per_address(client, certificate):
    url = _verify_url(certificate)
    for _ in range(VERIFY_LIMIT):
        assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 200
    response = client.get(url, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()
    search = reverse("certificates:verify_search")
    assert (
        client.get(search, {"serial": "FC-2030-000001"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    )
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200  # another client


# My certificates --------------------------------------------------------------------------------


def test_my_certificates(client, worker, session, county_staff, django_assert_max_num_queries):
    login(client, worker.user)
    url = reverse("certificates:mine")
    response = client.get(url)
    assert response.status_code == 200 and "还没有证书" in response.content.decode()

    issue_certificate(by=county_staff, enrolment=complete(session, worker), on=ISSUED_ON)
    with django_assert_max_num_queries(7) as one:  # 7: the header's mentoring links
        client.get(url)
    for _ in range(4):  # more certificates, same queries
        other = SessionFactory(course=session.course)
        issue_certificate(by=county_staff, enrolment=complete(other, worker), on=ISSUED_ON)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("下载 PDF") == 5


def test_my_certificate_pdf_only_my_own(client, worker, certificate, session, county_staff):
    login(client, worker.user)
    response = client.get(reverse("certificates:my_pdf", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "张晓梅" in text

    someone = issue_certificate(by=county_staff, enrolment=complete(session), on=ISSUED_ON)
    assert client.get(reverse("certificates:my_pdf", args=[someone.pk])).status_code == 404
    revoke_certificate(by=county_staff, certificate=certificate, reason="错发")
    assert client.get(reverse("certificates:my_pdf", args=[certificate.pk])).status_code == 404


def test_my_certificates_needs_a_worker(client, county_staff):
    login(client, county_staff)
    assert client.get(reverse("certificates:mine")).status_code == 404
    client.logout()
    assert client.get(reverse("certificates:mine")).status_code == 302


# Staff screens ----------------------------------------------------------------------------------


def test_staff_listing_is_scoped_and_bounded(
    client, session, county_staff, outsider, django_assert_max_num_queries
):
    issue_certificate(by=county_staff, enrolment=complete(session), on=ISSUED_ON)
    url = reverse("certificates_admin:index")
    login(client, county_staff)
    with django_assert_max_num_queries(40) as one:
        assert client.get(url).status_code == 200
    for _ in range(9):
        issue_certificate(by=county_staff, enrolment=complete(session), on=ISSUED_ON)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(_serials(response)) == 10
    assert _serials(client.get(url, {"q": "FC-2030-000003"})) == {"FC-2030-000003"}
    revoke_certificate(
        by=county_staff, certificate=Certificate.objects.get(serial="FC-2030-000004"), reason="错发"
    )
    assert _serials(client.get(url, {"standing": "revoked"})) == {"FC-2030-000004"}
    assert len(_serials(client.get(url, {"standing": "valid"}))) == 9

    login(client, outsider)
    assert not _serials(client.get(url))


def test_staff_issue_one_and_revoke(client, session, county_staff, outsider, enrolment):
    issue_url = reverse("certificates_admin:issue", args=[session.pk, enrolment.pk])
    login(client, outsider)
    assert client.post(issue_url).status_code == 404
    assert not Certificate.objects.exists()

    login(client, county_staff)
    assert client.get(issue_url).status_code == 405
    response = client.post(issue_url)
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert client.post(issue_url).status_code == 302  # a double submit is harmless
    assert Certificate.objects.count() == 1

    page = client.get(reverse("certificates_admin:session", args=[session.pk]))
    assert certificate.serial in page.content.decode()

    revoke_url = reverse("certificates_admin:revoke", args=[certificate.pk])
    assert client.get(revoke_url).status_code == 200
    response = client.post(revoke_url, {"reason": ""})
    assert response.status_code == 200  # the reason is required
    response = client.post(revoke_url, {"reason": "信息有误"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "信息有误" and certificate.revoked_by == county_staff
    assert client.get(revoke_url).status_code == 404  # nothing left to revoke


def test_holder_federation_staff_see_but_do_not_revoke(
    client, city, county, county_staff, city_staff
):
    """A city session certifies a county worker: county staff see it, only the city revokes."""
    from tests.factories import make_course

    city_session = SessionFactory(course=make_course(organizer=city))
    county_worker = WorkerFactory(federation=county)
    certificate = issue_certificate(
        by=city_staff, enrolment=complete(city_session, county_worker), on=ISSUED_ON
    )
    assert certificate.serial == "MY-2030-000001"
    login(client, county_staff)
    inspect = client.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    assert inspect.status_code == 200
    assert (
        reverse("certificates_admin:revoke", args=[certificate.pk]) not in inspect.content.decode()
    )
    assert (
        client.get(reverse("certificates_admin:revoke", args=[certificate.pk])).status_code == 404
    )
    assert (
        client.get(reverse("certificates_admin:download", args=[certificate.pk])).status_code == 200
    )
    history = client.get(reverse("certificates_admin:history", args=[certificate.pk]))
    assert history.status_code == 200 and "签发证书" in history.content.decode()


def test_staff_bulk_issue_with_progress_and_downloads(
    client, session, county_staff, outsider, django_assert_max_num_queries
):
    complete(session)
    complete(session)
    login(client, county_staff)
    response = client.post(reverse("certificates_admin:bulk_issue", args=[session.pk]))
    job = BulkIssueJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "certificates_admin:job", args=[job.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and 'http-equiv="refresh"' not in page
    zip_response = client.get(reverse("certificates_admin:job_zip", args=[job.pk]))
    assert zip_response.status_code == 200
    print_response = client.get(reverse("certificates_admin:job_print", args=[job.pk]))
    content = b"".join(print_response.streaming_content)
    assert len(PdfReader(io.BytesIO(content)).pages) == 2

    # While it runs, the page reloads itself.
    BulkIssueJob.objects.filter(pk=job.pk).update(status=BulkIssueJob.Status.RUNNING, done=1)
    page = client.get(reverse("certificates_admin:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "1 / 2" in page

    with django_assert_max_num_queries(40) as one:
        client.get(reverse("certificates_admin:session", args=[session.pk]))
    for _ in range(5):
        complete(session)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("certificates_admin:session", args=[session.pk]))
    with django_assert_max_num_queries(40) as listing:
        client.get(reverse("certificates_admin:sessions"))
    SessionFactory(course=session.course)
    with django_assert_max_num_queries(len(listing.captured_queries)):
        assert client.get(reverse("certificates_admin:sessions")).status_code == 200

    login(client, outsider)
    assert client.get(reverse("certificates_admin:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("certificates_admin:job_zip", args=[job.pk])).status_code == 404
    assert (
        client.post(reverse("certificates_admin:bulk_issue", args=[session.pk])).status_code == 404
    )


def test_my_training_lists_my_certificates(client, worker, certificate):
    response = login(client, worker.user).get(reverse("courses:my_training"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="my-certificates"' in page and certificate.serial in page
    assert reverse("certificates:my_pdf", args=[certificate.pk]) in page


def test_sessions_waiting_for_certificates_come_first(client, session, county_staff):
    done = SessionFactory(course=session.course, title="已发证班次")
    issue_certificate(by=county_staff, enrolment=complete(done))
    waiting = SessionFactory(course=session.course, title="待发证班次")
    complete(waiting)
    login(client, county_staff)
    url = reverse("certificates_admin:sessions")
    page = client.get(url).content.decode()
    assert page.index("待发证班次") < page.index("已发证班次")
    pending = client.get(url, {"pending": "1"}).content.decode()
    assert "待发证班次" in pending and "已发证班次" not in pending


def _png() -> bytes:
    from certificates.seal import draw_seal

    return draw_seal("涪城区总工会", size=64)


def test_staff_upload_their_federations_seal(client, county, other_county, county_staff, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certificates.models import FederationSeal

    login(client, county_staff)
    add = reverse("certificates_seals:add")
    assert client.get(add).status_code == 200
    response = client.post(
        add, {"federation": other_county.pk, "image": SimpleUploadedFile("s.png", _png())}
    )
    assert response.status_code == 200 and not FederationSeal.objects.exists()  # not theirs
    response = client.post(
        add, {"federation": county.pk, "image": SimpleUploadedFile("s.png", _png())}
    )
    assert response.status_code == 302
    seal = FederationSeal.objects.get(federation=county)
    first_image = seal.image.name
    edit = reverse("certificates_seals:edit", args=[seal.pk])
    response = client.post(edit, {"image": SimpleUploadedFile("t.png", _png())})
    assert response.status_code == 302
    seal.refresh_from_db()
    assert seal.image.name != first_image and seal.federation == county

    other = login(Client(), outsider)  # a fresh client: no leftover success messages
    assert other.get(edit).status_code == 404
    assert edit not in other.get(reverse("certificates_seals:index")).content.decode()


def test_site_history_shows_certificate_actions(client, certificate, county_staff):
    revoke_certificate(by=county_staff, certificate=certificate, reason="错发")
    admin = UserFactory(username="root", is_superuser=True)
    response = login(client, admin).get("/admin/reports/site-history/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "签发结业证书" in page and "撤销证书" in page
