"""Every URL pattern of our apps × every persona: who gets the page, a 404 or the login.

Add an entry to ``MATRIX`` for every URL you add; ``test_every_url_has_an_entry`` fails
otherwise. Personas: ``city_staff``, ``county_staff``, ``outsider`` (another county's staff),
``worker`` (employed by the county) and ``anonymous``. Object URLs are built on the county's
objects, so the outsider must get a 404 and never a 403 (no existence leak).

An entry maps a URL name to ``Case(build, expect)``: ``build(ctx)`` returns the URL for the
objects in ``ctx`` (a SimpleNamespace of the fixtures, extend ``ctx`` below if you need more),
``expect`` maps persona → expected outcome: an HTTP status (200, 404, 405 ...) or ``LOGIN``
(a redirect to a login page). Missing personas default to ``default``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets

from workforce.models import PolicyParameters

OUR_APPS = ("home", "workforce", "courses", "certificates", "lms")
PERSONAS = ("city_staff", "county_staff", "outsider", "worker", "anonymous")
LOGIN = "login"
ADMIN_DENIED = "admin-denied"  # a non-staff user in the Wagtail admin: sent to the admin login


@dataclass(frozen=True)
class Case:
    build: Callable[[SimpleNamespace], str]
    expect: dict[str, Any] = field(default_factory=dict)
    default: Any = 200
    method: str = "get"

    def outcome(self, persona: str) -> Any:
        return self.expect.get(persona, self.default)


def url(name: str, *args: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], str]:
    """Return a builder reversing ``name`` with arguments computed from the context."""
    return lambda ctx: reverse(name, args=[arg(ctx) for arg in args])


STAFF_ONLY = {"worker": 404, "anonymous": LOGIN}
COUNTY_OBJECT = {"outsider": 404, "worker": 404, "anonymous": LOGIN}
ADMIN_STAFF_ONLY = {"worker": ADMIN_DENIED, "anonymous": LOGIN}
ADMIN_COUNTY_OBJECT = {"outsider": 404, "worker": ADMIN_DENIED, "anonymous": LOGIN}

MATRIX: dict[str, Case] = {
    # accounts and language
    "login": Case(url("login")),
    "logout": Case(url("logout"), default=405),  # POST only
    "set_language": Case(url("set_language"), default=302),  # GET just goes back
    # workforce front office
    "workforce:my_page": Case(
        url("workforce:my_page"),
        expect={"worker": 200, "anonymous": LOGIN},
        default=404,  # staff without a worker record have no "my page"
    ),
    # roster import and staffing report (workforce admin screens)
    "workforce_roster_import": Case(url("workforce_roster_import"), expect=ADMIN_STAFF_ONLY),
    "workforce_roster_template": Case(
        lambda ctx: reverse("workforce_roster_template", kwargs={"kind": "workers", "fmt": "xlsx"}),
        expect=ADMIN_STAFF_ONLY,
    ),
    "workforce_staffing_report": Case(url("workforce_staffing_report"), expect=ADMIN_STAFF_ONLY),
    "workforce_staffing_report_csv": Case(
        url("workforce_staffing_report_csv"), expect=ADMIN_STAFF_ONLY
    ),
    "workforce_staffing_report_xlsx": Case(
        url("workforce_staffing_report_xlsx"), expect=ADMIN_STAFF_ONLY
    ),
    # training compliance (courses/compliance_views.py)
    "courses:my_training": Case(
        url("courses:my_training"),
        expect={"worker": 200, "anonymous": LOGIN},
        default=404,  # staff without a worker record have no "my training"
    ),
    "courses_compliance": Case(url("courses_compliance"), expect=ADMIN_STAFF_ONLY),
    "courses_compliance_export": Case(
        url("courses_compliance_export", lambda ctx: "csv"), expect=ADMIN_STAFF_ONLY
    ),
    "courses_compliance_workers": Case(
        url("courses_compliance_workers", lambda ctx: ctx.county.pk, lambda ctx: "annual",
            lambda ctx: "overdue"),
        expect=ADMIN_COUNTY_OBJECT,
    ),  # fmt: skip
    "courses_compliance_workers_export": Case(
        url("courses_compliance_workers_export", lambda ctx: ctx.county.pk,
            lambda ctx: "rotation", lambda ctx: "met", lambda ctx: "xlsx"),
        expect=ADMIN_COUNTY_OBJECT,
    ),  # fmt: skip
}


# Calendars (courses/feeds.py): the session .ics is public while its course page is live; the
# feeds need no login (the secret token is the key), so every persona gets the same answer.
def _county_session_pk(ctx) -> int:
    from tests.factories import SessionFactory, add_meeting_days, make_course

    session = SessionFactory(course=make_course(organizer=ctx.county))
    add_meeting_days(session, 2)
    return session.pk


def _feed_token(persona: str):
    from courses.services import feed_for

    return lambda ctx: feed_for(ctx.users[persona]).token


MATRIX["courses:session_ics"] = Case(url("courses:session_ics", _county_session_pk))
MATRIX["courses:worker_feed"] = Case(url("courses:worker_feed", _feed_token("worker")))
MATRIX["courses:federation_feed"] = Case(
    url("courses:federation_feed", _feed_token("county_staff"))
)
MATRIX["courses:feed_reset"] = Case(  # POST, for workers; GET is a 405
    url("courses:feed_reset"), {"worker": 302, "anonymous": LOGIN}, default=404, method="post"
)

# Roster back office (workforce/viewsets.py): deleting workers, postings, federations and policy
# records is refused to everyone (Wagtail sends staff back to the dashboard); another county's
# object is a 404 before any permission check.
_ADMIN_NO_DELETE = {"outsider": 404, "anonymous": LOGIN}
_ROSTER_OBJECTS = {
    "workforce_federations": lambda ctx: ctx.county.pk,
    "workforce_units": lambda ctx: ctx.unit.pk,
    "workforce_workers": lambda ctx: ctx.worker.pk,
    "workforce_postings": lambda ctx: ctx.posting.pk,
    "workforce_policies": lambda ctx: ctx.policy.pk,
}
for _namespace, _pk in _ROSTER_OBJECTS.items():
    for _view in ("index", "index_results", "add"):
        MATRIX[f"{_namespace}:{_view}"] = Case(url(f"{_namespace}:{_view}"), ADMIN_STAFF_ONLY)
    for _view in ("edit", "history", "history_results", "usage"):
        MATRIX[f"{_namespace}:{_view}"] = Case(
            url(f"{_namespace}:{_view}", _pk), ADMIN_COUNTY_OBJECT
        )
    MATRIX[f"{_namespace}:delete"] = Case(
        url(f"{_namespace}:delete", _pk), _ADMIN_NO_DELETE, default=ADMIN_DENIED
    )
MATRIX["workforce_units:delete"] = Case(  # units without postings may go; the page says why not
    url("workforce_units:delete", lambda ctx: ctx.unit.pk), ADMIN_COUNTY_OBJECT
)
for _name, _pk in [
    ("workforce_federations:staff", _ROSTER_OBJECTS["workforce_federations"]),
    ("workforce_workers:inspect", _ROSTER_OBJECTS["workforce_workers"]),
    ("workforce_workers:exchange", _ROSTER_OBJECTS["workforce_workers"]),
    ("workforce_workers:departure", _ROSTER_OBJECTS["workforce_workers"]),
    ("workforce_postings:inspect", _ROSTER_OBJECTS["workforce_postings"]),
]:
    MATRIX[_name] = Case(url(_name, _pk), ADMIN_COUNTY_OBJECT)

# Training: the public session page, a worker's enrol/cancel (POST only), and the staff's
# session screens (courses/viewsets.py) built on the county's session ``ctx.session``.
MATRIX["courses:session_detail"] = Case(url("courses:session_detail", lambda ctx: ctx.session.pk))
MATRIX["courses:enrol"] = Case(
    url("courses:enrol", lambda ctx: ctx.session.pk), {"anonymous": LOGIN}, default=405
)
MATRIX["courses:cancel_enrolment"] = Case(
    url("courses:cancel_enrolment", lambda ctx: ctx.enrolment.pk), {"anonymous": LOGIN}, default=405
)
for _view in ("index", "index_results", "add"):
    MATRIX[f"courses_sessions:{_view}"] = Case(url(f"courses_sessions:{_view}"), ADMIN_STAFF_ONLY)
for _view in (
    "edit", "history", "history_results", "meetings", "roster", "attendance_import", "complete",
    "cancel",
):  # fmt: skip
    MATRIX[f"courses_sessions:{_view}"] = Case(
        url(f"courses_sessions:{_view}", lambda ctx: ctx.session.pk), ADMIN_COUNTY_OBJECT
    )
MATRIX["courses_sessions:attendance"] = Case(
    url("courses_sessions:attendance", lambda ctx: ctx.session.meetings.first().pk),
    ADMIN_COUNTY_OBJECT,
)
MATRIX["courses_sessions:attendance_template"] = Case(
    url("courses_sessions:attendance_template", lambda ctx: ctx.session.pk, lambda ctx: "xlsx"),
    ADMIN_COUNTY_OBJECT,
)
MATRIX["courses_sessions:scores"] = Case(  # only for courses with an exam
    url("courses_sessions:scores", lambda ctx: ctx.exam_session.pk), ADMIN_COUNTY_OBJECT
)


# Certificates (certificates/urls.py, certificates/viewsets.py): verification is public; a
# worker downloads only their own PDF; staff screens are built on a county session and a
# certificate the county issued to ``ctx.worker`` (its PDF stored up to date: nothing renders).


def _certificate_session(ctx):
    if not hasattr(ctx, "certificate_session"):
        from tests.factories import SessionFactory, make_course

        ctx.certificate_session = SessionFactory(course=make_course(organizer=ctx.county))
    return ctx.certificate_session


def _certificate(ctx):
    if not hasattr(ctx, "certificate"):
        from django.core.files.base import ContentFile

        from certificates.rendering import certificate_data
        from certificates.services import issue_certificate
        from tests.factories import EnrolmentFactory

        enrolment = EnrolmentFactory(
            session=_certificate_session(ctx), worker=ctx.worker, completed=True
        )
        certificate = issue_certificate(by=ctx.users["county_staff"], enrolment=enrolment)
        certificate.pdf.save("c.pdf", ContentFile(_tiny_pdf()), save=False)
        certificate.pdf_hash = certificate_data(certificate).digest()
        certificate.save()
        ctx.certificate = certificate
    return ctx.certificate


def _tiny_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.write(buffer)
    return buffer.getvalue()


def _issuable_pk(ctx) -> int:
    from tests.factories import EnrolmentFactory, WorkerFactory

    enrolment = EnrolmentFactory(
        session=_certificate_session(ctx), worker=WorkerFactory(federation=ctx.county),
        completed=True,
    )  # fmt: skip
    return enrolment.pk


def _job_pk(ctx) -> int:
    from django.core.files.base import ContentFile

    from certificates.models import BulkIssueJob

    job = BulkIssueJob.objects.create(
        session=_certificate_session(ctx), status=BulkIssueJob.Status.FINISHED, total=1, done=1
    )
    job.zip_file.save("j.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    job.print_file.save("j.pdf", ContentFile(_tiny_pdf()), save=False)
    job.save()
    return job.pk


def _seal_pk(ctx) -> int:
    from django.core.files.base import ContentFile

    from certificates.models import FederationSeal
    from certificates.seal import draw_seal

    image = ContentFile(draw_seal(ctx.county.name, size=64), name="seal.png")
    return FederationSeal.objects.create(federation=ctx.county, image=image).pk


_OWN = {"worker": 200, "anonymous": LOGIN}
_ADMIN_POST = {"outsider": 404, "worker": ADMIN_DENIED, "anonymous": LOGIN}
MATRIX["certificates:verify_search"] = Case(url("certificates:verify_search"))
MATRIX["certificates:verify"] = Case(url("certificates:verify", lambda ctx: _certificate(ctx).code))
MATRIX["certificates:verify_other"] = Case(  # anything else under /verify/ is "not found"
    url("certificates:verify_other", lambda ctx: "no/such/code"), default=404
)
MATRIX["certificates:mine"] = Case(url("certificates:mine"), _OWN, default=404)
MATRIX["certificates:my_pdf"] = Case(
    url("certificates:my_pdf", lambda ctx: _certificate(ctx).pk), _OWN, default=404
)
for _view in ("index", "index_results", "sessions"):
    MATRIX[f"certificates_admin:{_view}"] = Case(
        url(f"certificates_admin:{_view}"), ADMIN_STAFF_ONLY
    )
for _view in ("inspect", "history", "history_results", "download", "revoke"):
    MATRIX[f"certificates_admin:{_view}"] = Case(
        url(f"certificates_admin:{_view}", lambda ctx: _certificate(ctx).pk), ADMIN_COUNTY_OBJECT
    )
MATRIX["certificates_admin:session"] = Case(
    url("certificates_admin:session", lambda ctx: _certificate_session(ctx).pk),
    ADMIN_COUNTY_OBJECT,
)
MATRIX["certificates_admin:issue"] = Case(  # POST only; staff are sent back to the session
    url("certificates_admin:issue", lambda ctx: _certificate_session(ctx).pk, _issuable_pk),
    _ADMIN_POST, default=302, method="post",
)  # fmt: skip
MATRIX["certificates_admin:bulk_issue"] = Case(  # nobody completed: staff get a message
    url("certificates_admin:bulk_issue", lambda ctx: _certificate_session(ctx).pk),
    _ADMIN_POST, default=302, method="post",
)  # fmt: skip
for _view in ("job", "job_zip", "job_print"):
    MATRIX[f"certificates_admin:{_view}"] = Case(
        url(f"certificates_admin:{_view}", _job_pk), ADMIN_COUNTY_OBJECT
    )
for _view in ("index", "index_results", "add"):
    MATRIX[f"certificates_seals:{_view}"] = Case(
        url(f"certificates_seals:{_view}"), ADMIN_STAFF_ONLY
    )
for _view in ("edit", "delete"):
    MATRIX[f"certificates_seals:{_view}"] = Case(
        url(f"certificates_seals:{_view}", _seal_pk), ADMIN_COUNTY_OBJECT
    )


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "view_class", pattern.callback)
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, view.__module__, namespace


def _our_namespaces() -> set[str]:
    """Return the URL namespaces of admin viewsets registered by our apps."""
    names = set()
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(model, str):
            app_label = model.split(".")[0]
        elif model is not None:
            app_label = model._meta.app_label
        else:
            app_label = ""
        if app_label in OUR_APPS or type(viewset).__module__.split(".")[0] in OUR_APPS:
            names.add(viewset.url_namespace)
    return names


def our_url_names() -> set[str]:
    patterns = list(_walk(get_resolver().url_patterns))  # loads the admin, so its viewsets
    namespaces = _our_namespaces()
    return {
        name
        for name, module, namespace in patterns
        if module.split(".")[0] in OUR_APPS
        or (namespace and namespace.split(":")[-1] in namespaces)
        or name in {"login", "logout", "set_language"}
    }


def test_every_url_has_an_entry():
    missing = sorted(our_url_names() - set(MATRIX))
    assert not missing, f"Add these URL names to MATRIX in {__file__}: {missing}"


def test_matrix_has_no_stale_entries():
    stale = sorted(set(MATRIX) - our_url_names())
    assert not stale, f"Remove these URL names from MATRIX: {stale}"


@pytest.fixture
def ctx(
    city, county, other_county, unit, worker, other_worker, city_staff, county_staff, outsider,
    session,
):  # fmt: skip
    from courses.models import TrainingType
    from tests.factories import EnrolmentFactory, SessionFactory, make_course

    exam_course = make_course(
        organizer=county, training_type=TrainingType.QUALIFICATION, pass_score=60
    )
    return SimpleNamespace(
        session=session,  # the county's, with meetings
        enrolment=EnrolmentFactory(session=session, worker=worker),
        exam_session=SessionFactory(course=exam_course),
        city=city,
        county=county,
        other_county=other_county,
        unit=unit,
        worker=worker,
        other_worker=other_worker,
        posting=worker.postings.get(),
        policy=PolicyParameters.objects.create(federation=county, staffing_base=2500),
        users={
            "city_staff": city_staff,
            "county_staff": county_staff,
            "outsider": outsider,
            "worker": worker.user,
            "anonymous": None,
        },
    )


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert "login" in response["Location"], response["Location"]
    elif expected == ADMIN_DENIED:
        assert response.status_code in (302, 403), response.status_code
        if response.status_code == 302:
            assert "login" in response["Location"] or response["Location"] in ("/", "/admin/")
    else:
        assert response.status_code == expected, f"expected {expected}, got {response.status_code}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, ctx, name, persona):
    case = MATRIX[name]
    user = ctx.users[persona]
    if user is not None:
        client.force_login(user)
    response = getattr(client, case.method)(case.build(ctx))
    _check(response, case.outcome(persona))
