"""Every certificate service checks that ``by`` manages the federation it acts for, first."""

import pytest
from django.core.files.base import ContentFile
from wagtail.models import ModelLogEntry

from certificates import services, tasks
from certificates.models import BulkIssueJob, Certificate, FederationSeal, SerialCounter
from certificates.seal import draw_seal
from certificates.services import CertificateError

from .conftest import ISSUED_ON


def _seal_image():
    return ContentFile(draw_seal("涪城区总工会"), name="seal.png")


# Each row: a name and a call acting for 县A (the session's organizer, the certificate's issuer).
CALLS = [
    (
        "issue",
        lambda by, c: services.issue_certificate(by=by, enrolment=c["enrolment"], on=ISSUED_ON),
    ),
    (
        "revoke",
        lambda by, c: services.revoke_certificate(
            by=by, certificate=c["certificate"], reason="错误"
        ),
    ),
    ("bulk_issue", lambda by, c: tasks.bulk_issue(by=by, session=c["session"])),
    (
        "set_seal",
        lambda by, c: services.set_seal(by=by, federation=c["county"], image=_seal_image()),
    ),
    ("remove_seal", lambda by, c: services.remove_seal(by=by, seal=c["seal"])),
]


@pytest.fixture
def objects(session, enrolment, county, county_staff):
    from .conftest import complete

    other = complete(session)
    return {
        "session": session,
        "county": county,
        "enrolment": enrolment,
        "certificate": services.issue_certificate(by=county_staff, enrolment=other, on=ISSUED_ON),
        "seal": services.set_seal(by=county_staff, federation=county, image=_seal_image()),
    }


def _snapshot():
    models = (Certificate, SerialCounter, FederationSeal, BulkIssueJob, ModelLogEntry)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize("persona", ["outsider", "worker", "nobody"])
@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_refused_for_who_does_not_manage_and_nothing_changes(
    objects, outsider, worker, persona, name, call
):
    by = {"outsider": outsider, "worker": worker.user, "nobody": None}[persona]
    before = _snapshot()
    with pytest.raises(CertificateError, match="您无权管理“涪城区总工会”的证书"):
        call(by, objects)
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_the_federations_staff_may(objects, county_staff, name, call):
    call(county_staff, objects)
