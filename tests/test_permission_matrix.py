"""Every URL pattern of our apps × every persona: who gets the page, a 404 or the login.

Add an entry to ``MATRIX`` for every URL you add; ``test_every_url_has_an_entry`` fails
otherwise. Personas: ``city_staff``, ``county_staff``, ``outsider`` (another county's staff),
``worker`` (employed by the county) and ``anonymous``. Object URLs are built on the county's
objects, so the outsider must get a 404 and never a 403 (no existence leak).

An entry maps a URL name to ``Case(build, expect)``: ``build(ctx)`` returns the URL for the
objects in ``ctx`` (a SimpleNamespace of the fixtures, extend ``ctx`` below if you need more),
``expect`` maps persona → expected outcome: an HTTP status (200, 404, 405 ...) or ``LOGIN``
(a redirect to a login page). Missing personas default to ``default``.

``writes`` says what a POST does: ``True`` for every URL whose POST changes data (add, edit,
delete, actions, imports, enrolment, attendance, issue, revoke, rights, policy ...), ``False``
for URLs that take no POST or whose POST changes nothing. The POST pass sends a POST to every
``writes=True`` URL as ``outsider`` and as ``worker`` with a body naming the county's objects,
expects ``post`` (persona → outcome, defaulting to the GET outcome) and checks that no row of
our apps, Wagtail's pages, revisions and logs, or the rights tables changed. A URL whose view
may take a POST (a function, or a class view with ``post``) must say ``writes`` explicitly.

Wagtail's own admin page views are in the matrix too, built on the county's course
``ctx.course``: another federation's course is a 404 there as well (courses/wagtail_hooks.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.viewsets import viewsets

from workforce.models import PolicyParameters

OUR_APPS = (
    "home", "workforce", "courses", "certificates", "mentorship", "evaluation", "awards",
    "compensation", "accounts", "lms",
)  # fmt: skip
PERSONAS = ("city_staff", "county_staff", "outsider", "worker", "anonymous")
LOGIN = "login"
ADMIN_DENIED = "admin-denied"  # a non-staff user in the Wagtail admin: sent to the admin login


@dataclass(frozen=True)
class Case:
    build: Callable[[SimpleNamespace], str]
    expect: dict[str, Any] = field(default_factory=dict)
    default: Any = 200
    method: str = "get"
    writes: bool | None = None  # None: the view takes no POST (checked)
    post: dict[str, Any] = field(default_factory=dict)

    def outcome(self, persona: str) -> Any:
        return self.expect.get(persona, self.default)

    def post_outcome(self, persona: str) -> Any:
        return self.post.get(persona, self.outcome(persona))


def url(name: str, *args: Callable[[SimpleNamespace], Any]) -> Callable[[SimpleNamespace], str]:
    """Return a builder reversing ``name`` with arguments computed from the context."""
    return lambda ctx: reverse(name, args=[arg(ctx) for arg in args])


@dataclass(frozen=True)
class Allowed:
    """A POST the persona may make (their own enrolment, their own feed): data may change."""

    status: int


STAFF_ONLY = {"worker": 404, "anonymous": LOGIN}
COUNTY_OBJECT = {"outsider": 404, "worker": 404, "anonymous": LOGIN}
ADMIN_STAFF_ONLY = {"worker": ADMIN_DENIED, "anonymous": LOGIN}
ADMIN_COUNTY_OBJECT = {"outsider": 404, "worker": ADMIN_DENIED, "anonymous": LOGIN}

MATRIX: dict[str, Case] = {
    # accounts and language
    "login": Case(url("login"), writes=False),  # a POST signs in: only the session changes
    "logout": Case(url("logout"), default=405, writes=False),  # POST only
    "set_language": Case(url("set_language"), default=302, writes=False),  # GET just goes back
    # workforce front office
    "workforce:my_page": Case(
        url("workforce:my_page"),
        expect={"worker": 200, "anonymous": LOGIN},
        default=404,  # staff without a worker record have no "my page"
        writes=False,
    ),
    # roster import and staffing report (workforce admin screens)
    "workforce_roster_import": Case(  # an empty upload is shown again with its errors
        url("workforce_roster_import"), expect=ADMIN_STAFF_ONLY, writes=True
    ),
    "workforce_roster_template": Case(
        lambda ctx: reverse("workforce_roster_template", kwargs={"kind": "workers", "fmt": "xlsx"}),
        expect=ADMIN_STAFF_ONLY,
        writes=False,
    ),
    "workforce_staffing_report": Case(
        url("workforce_staffing_report"), expect=ADMIN_STAFF_ONLY, writes=False
    ),
    "workforce_staffing_report_csv": Case(
        url("workforce_staffing_report_csv"), expect=ADMIN_STAFF_ONLY, writes=False
    ),
    "workforce_staffing_report_xlsx": Case(
        url("workforce_staffing_report_xlsx"), expect=ADMIN_STAFF_ONLY, writes=False
    ),
    # training compliance (courses/compliance_views.py)
    "compensation:my_pay": Case(url("compensation:my_pay"), {"anonymous": LOGIN}, writes=False),
    "courses:my_training": Case(
        url("courses:my_training"),
        expect={"worker": 200, "anonymous": LOGIN},
        default=404,  # staff without a worker record have no "my training"
        writes=False,
    ),
    "courses_compliance": Case(url("courses_compliance"), expect=ADMIN_STAFF_ONLY),
    "courses_compliance_export": Case(
        url("courses_compliance_export", lambda ctx: "csv"), expect=ADMIN_STAFF_ONLY, writes=False
    ),
    "courses_compliance_workers": Case(
        url(
            "courses_compliance_workers",
            lambda ctx: ctx.county.pk,
            lambda ctx: "annual",
            lambda ctx: "overdue",
        ),
        expect=ADMIN_COUNTY_OBJECT,
    ),  # fmt: skip
    "courses_compliance_workers_export": Case(
        url(
            "courses_compliance_workers_export",
            lambda ctx: ctx.county.pk,
            lambda ctx: "rotation",
            lambda ctx: "met",
            lambda ctx: "xlsx",
        ),
        expect=ADMIN_COUNTY_OBJECT,
        writes=False,
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


MATRIX["courses:session_ics"] = Case(url("courses:session_ics", _county_session_pk), writes=False)
MATRIX["courses:worker_feed"] = Case(
    url("courses:worker_feed", _feed_token("worker")), writes=False
)
MATRIX["courses:federation_feed"] = Case(
    url("courses:federation_feed", _feed_token("county_staff")), writes=False
)
MATRIX["courses:feed_reset"] = Case(  # POST, for workers (their own feed); GET is a 405
    url("courses:feed_reset"), {"worker": 302, "anonymous": LOGIN}, default=404, method="post",
    writes=True, post={"worker": Allowed(302)},
)  # fmt: skip

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
    for _view in ("index", "index_results"):
        MATRIX[f"{_namespace}:{_view}"] = Case(url(f"{_namespace}:{_view}"), ADMIN_STAFF_ONLY)
    MATRIX[f"{_namespace}:add"] = Case(  # the outsider's add names the county: form errors
        url(f"{_namespace}:add"), ADMIN_STAFF_ONLY, writes=True
    )
    MATRIX[f"{_namespace}:edit"] = Case(
        url(f"{_namespace}:edit", _pk), ADMIN_COUNTY_OBJECT, writes=True
    )
    for _view in ("history", "history_results", "usage"):
        MATRIX[f"{_namespace}:{_view}"] = Case(
            url(f"{_namespace}:{_view}", _pk), ADMIN_COUNTY_OBJECT
        )
    MATRIX[f"{_namespace}:delete"] = Case(
        url(f"{_namespace}:delete", _pk), _ADMIN_NO_DELETE, default=ADMIN_DENIED, writes=True
    )
MATRIX["workforce_units:delete"] = Case(  # units without postings may go; the page says why not
    url("workforce_units:delete", lambda ctx: ctx.unit.pk), ADMIN_COUNTY_OBJECT, writes=True
)
for _name, _pk, _writes in [
    ("workforce_federations:staff", _ROSTER_OBJECTS["workforce_federations"], True),
    ("workforce_workers:inspect", _ROSTER_OBJECTS["workforce_workers"], None),
    ("workforce_workers:exchange", _ROSTER_OBJECTS["workforce_workers"], True),
    ("workforce_workers:departure", _ROSTER_OBJECTS["workforce_workers"], True),
    ("workforce_postings:inspect", _ROSTER_OBJECTS["workforce_postings"], None),
]:
    MATRIX[_name] = Case(url(_name, _pk), ADMIN_COUNTY_OBJECT, writes=_writes)

# Training: the public session page, a worker's enrol/cancel (POST only), and the staff's
# session screens (courses/viewsets.py) built on the county's session ``ctx.session``.
MATRIX["courses:session_detail"] = Case(
    url("courses:session_detail", lambda ctx: ctx.session.pk), writes=False
)
MATRIX["courses:enrol"] = Case(  # the worker is enrolled already: told so, nothing changes
    url("courses:enrol", lambda ctx: ctx.session.pk), {"anonymous": LOGIN}, default=405,
    writes=True, post={"outsider": 404, "worker": 302},
)  # fmt: skip
MATRIX["courses:cancel_enrolment"] = Case(  # the worker's own enrolment
    url("courses:cancel_enrolment", lambda ctx: ctx.enrolment.pk), {"anonymous": LOGIN},
    default=405, writes=True, post={"outsider": 404, "worker": Allowed(302)},
)  # fmt: skip
for _view in ("index", "index_results"):
    MATRIX[f"courses_sessions:{_view}"] = Case(url(f"courses_sessions:{_view}"), ADMIN_STAFF_ONLY)
MATRIX["courses_sessions:add"] = Case(  # the outsider's add names the county's course: errors
    url("courses_sessions:add"), ADMIN_STAFF_ONLY, writes=True
)
for _view, _writes in [
    ("edit", True), ("history", None), ("history_results", None), ("meetings", True),
    ("roster", True), ("attendance_import", True), ("complete", True), ("cancel", True),
]:  # fmt: skip
    MATRIX[f"courses_sessions:{_view}"] = Case(
        url(f"courses_sessions:{_view}", lambda ctx: ctx.session.pk), ADMIN_COUNTY_OBJECT,
        writes=_writes,
    )  # fmt: skip
MATRIX["courses_sessions:attendance"] = Case(
    url("courses_sessions:attendance", lambda ctx: ctx.session.meetings.first().pk),
    ADMIN_COUNTY_OBJECT, writes=True,
)  # fmt: skip
MATRIX["courses_sessions:attendance_template"] = Case(
    url("courses_sessions:attendance_template", lambda ctx: ctx.session.pk, lambda ctx: "xlsx"),
    ADMIN_COUNTY_OBJECT, writes=False,
)  # fmt: skip
MATRIX["courses_sessions:scores"] = Case(  # only for courses with an exam
    url("courses_sessions:scores", lambda ctx: ctx.exam_session.pk), ADMIN_COUNTY_OBJECT,
    writes=True,
)  # fmt: skip


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
MATRIX["certificates:verify_search"] = Case(url("certificates:verify_search"), writes=False)
MATRIX["certificates:verify"] = Case(
    url("certificates:verify", lambda ctx: _certificate(ctx).code), writes=False
)
MATRIX["certificates:verify_other"] = Case(  # anything else under /verify/ is "not found"
    url("certificates:verify_other", lambda ctx: "no/such/code"), default=404, writes=False
)
MATRIX["certificates:mine"] = Case(url("certificates:mine"), _OWN, default=404, writes=False)
MATRIX["certificates:my_pdf"] = Case(
    url("certificates:my_pdf", lambda ctx: _certificate(ctx).pk), _OWN, default=404, writes=False
)
for _view in ("index", "index_results", "sessions"):
    MATRIX[f"certificates_admin:{_view}"] = Case(
        url(f"certificates_admin:{_view}"), ADMIN_STAFF_ONLY
    )
for _view, _writes in [
    ("inspect", None), ("history", None), ("history_results", None), ("download", None),
    ("revoke", True),
]:  # fmt: skip
    MATRIX[f"certificates_admin:{_view}"] = Case(
        url(f"certificates_admin:{_view}", lambda ctx: _certificate(ctx).pk), ADMIN_COUNTY_OBJECT,
        writes=_writes,
    )  # fmt: skip
MATRIX["certificates_admin:session"] = Case(
    url("certificates_admin:session", lambda ctx: _certificate_session(ctx).pk),
    ADMIN_COUNTY_OBJECT,
)
MATRIX["certificates_admin:issue"] = Case(  # POST only; staff are sent back to the session
    url("certificates_admin:issue", lambda ctx: _certificate_session(ctx).pk, _issuable_pk),
    _ADMIN_POST, default=302, method="post", writes=True,
)  # fmt: skip
MATRIX["certificates_admin:bulk_issue"] = Case(  # nobody completed: staff get a message
    url("certificates_admin:bulk_issue", lambda ctx: _certificate_session(ctx).pk),
    _ADMIN_POST, default=302, method="post", writes=True,
)  # fmt: skip
for _view in ("job", "job_zip", "job_print"):
    MATRIX[f"certificates_admin:{_view}"] = Case(
        url(f"certificates_admin:{_view}", _job_pk), ADMIN_COUNTY_OBJECT
    )
for _view in ("index", "index_results"):
    MATRIX[f"certificates_seals:{_view}"] = Case(
        url(f"certificates_seals:{_view}"), ADMIN_STAFF_ONLY
    )
MATRIX["certificates_seals:add"] = Case(  # the outsider's add names the county: form errors
    url("certificates_seals:add"), ADMIN_STAFF_ONLY, writes=True
)
for _view in ("edit", "delete"):
    MATRIX[f"certificates_seals:{_view}"] = Case(
        url(f"certificates_seals:{_view}", _seal_pk), ADMIN_COUNTY_OBJECT, writes=True
    )


# Mentoring staff screens (mentorship/viewsets.py, dashboard_views.py), built on the county's
# mentor and their active pairing with ``ctx.worker`` (and a pending extension request).


def _mentor(ctx):
    if not hasattr(ctx, "mentor"):
        from tests.factories import MentorFactory, UserFactory

        ctx.mentor = MentorFactory(federation=ctx.county, user=UserFactory(username="mentor"))
    return ctx.mentor


def _pairing(ctx):
    if not hasattr(ctx, "pairing"):
        from mentorship.models import Extension
        from tests.factories import PairingFactory

        ctx.pairing = PairingFactory(mentor=_mentor(ctx), apprentice=ctx.worker)
        Extension.objects.create(
            pairing=ctx.pairing, months=3, reason="目标未完成", requested_by=ctx.mentor.user
        )
    return ctx.pairing


for _view in ("index", "index_results"):
    for _namespace in ("mentorship_mentors", "mentorship_pairings"):
        MATRIX[f"{_namespace}:{_view}"] = Case(url(f"{_namespace}:{_view}"), ADMIN_STAFF_ONLY)
for _namespace in ("mentorship_mentors", "mentorship_pairings"):
    # The outsider's add names the county's federation and worker: form errors, nothing saved.
    MATRIX[f"{_namespace}:add"] = Case(url(f"{_namespace}:add"), ADMIN_STAFF_ONLY, writes=True)
MATRIX["mentorship_mentors:edit"] = Case(
    url("mentorship_mentors:edit", lambda ctx: _mentor(ctx).pk), ADMIN_COUNTY_OBJECT, writes=True
)
for _view in ("history", "history_results"):
    MATRIX[f"mentorship_mentors:{_view}"] = Case(
        url(f"mentorship_mentors:{_view}", lambda ctx: _mentor(ctx).pk), ADMIN_COUNTY_OBJECT
    )
for _view, _writes in [
    ("inspect", None), ("history", None), ("history_results", None), ("complete", True),
    ("dissolve", True), ("extension", True),
]:  # fmt: skip
    MATRIX[f"mentorship_pairings:{_view}"] = Case(
        url(f"mentorship_pairings:{_view}", lambda ctx: _pairing(ctx).pk), ADMIN_COUNTY_OBJECT,
        writes=_writes,
    )  # fmt: skip


def _completed_pairing(ctx):
    """A completed 高师带徒 pairing of the county, to certify."""
    from tests.factories import PairingFactory

    return PairingFactory(mentor=_mentor(ctx), apprentice=ctx.worker, status=100).pk


MATRIX["mentorship_pairings:certify"] = Case(
    url("mentorship_pairings:certify", _completed_pairing), ADMIN_COUNTY_OBJECT, writes=True
)
MATRIX["mentorship_match:index"] = Case(url("mentorship_match:index"), ADMIN_STAFF_ONLY)
MATRIX["mentorship_dashboard:index"] = Case(url("mentorship_dashboard:index"), ADMIN_STAFF_ONLY)
MATRIX["mentorship_dashboard:export"] = Case(
    url("mentorship_dashboard:export", lambda ctx: "xlsx"), ADMIN_STAFF_ONLY, writes=False
)

# Evaluation staff screens (evaluation/viewsets.py), built on the county's 2026 draft cycle
# covering ``ctx.worker``.


def _cycle(ctx):
    if not hasattr(ctx, "cycle"):
        import datetime as dt

        from evaluation import services

        ctx.cycle = services.create_cycle(
            by=ctx.users["county_staff"],
            federation=ctx.county,
            year=2026,
            opens_on=dt.date(2026, 3, 1),
            closes_on=dt.date(2026, 3, 31),
        )
    return ctx.cycle


for _view in ("index", "index_results"):
    MATRIX[f"evaluation_cycles:{_view}"] = Case(url(f"evaluation_cycles:{_view}"), ADMIN_STAFF_ONLY)
# The outsider's add names the county's federation: a form error, nothing saved.
MATRIX["evaluation_cycles:add"] = Case(url("evaluation_cycles:add"), ADMIN_STAFF_ONLY, writes=True)
MATRIX["evaluation_cycles:edit"] = Case(
    url("evaluation_cycles:edit", lambda ctx: _cycle(ctx).pk), ADMIN_COUNTY_OBJECT, writes=True
)
for _view in ("inspect", "history", "history_results"):
    MATRIX[f"evaluation_cycles:{_view}"] = Case(
        url(f"evaluation_cycles:{_view}", lambda ctx: _cycle(ctx).pk), ADMIN_COUNTY_OBJECT
    )
# The setup screens (evaluation/setup_views.py): kinds, a kind's questionnaire, opening the
# cycle and the invitations take a POST; the printable sheets are downloads.
for _view, _writes in [
    ("kinds", True), ("collect", True), ("invitations", True), ("invitations_pdf", False),
    ("posters_pdf", False),
]:  # fmt: skip
    MATRIX[f"evaluation_cycles:{_view}"] = Case(
        url(f"evaluation_cycles:{_view}", lambda ctx: _cycle(ctx).pk),
        ADMIN_COUNTY_OBJECT,
        writes=_writes,
    )
MATRIX["evaluation_cycles:items"] = Case(
    url(
        "evaluation_cycles:items",
        lambda ctx: _cycle(ctx).pk,
        lambda ctx: _cycle(ctx).kinds.first().pk,
    ),
    ADMIN_COUNTY_OBJECT,
    writes=True,
)

# Scoring screens (evaluation/scoring_views.py) on the same draft cycle: shown (a preview, or
# the state that stops the action); a POST by anyone else is a 404 or the admin login.
MATRIX["evaluation_cycles:scoring"] = Case(
    url("evaluation_cycles:scoring", lambda ctx: _cycle(ctx).pk), ADMIN_COUNTY_OBJECT
)
for _view in ("staff_scores", "close", "confirm"):
    MATRIX[f"evaluation_cycles:{_view}"] = Case(
        url(f"evaluation_cycles:{_view}", lambda ctx: _cycle(ctx).pk),
        ADMIN_COUNTY_OBJECT,
        writes=True,
    )
MATRIX["evaluation_cycles:grade"] = Case(
    url(
        "evaluation_cycles:grade",
        lambda ctx: _cycle(ctx).pk,
        lambda ctx: _cycle(ctx).assessments.get(worker=ctx.worker).pk,
    ),
    ADMIN_COUNTY_OBJECT,
    writes=True,
)
MATRIX["evaluation_cycles:scoring_export"] = Case(
    url("evaluation_cycles:scoring_export", lambda ctx: _cycle(ctx).pk, lambda ctx: "xlsx"),
    ADMIN_COUNTY_OBJECT,
    writes=False,
)
MATRIX["evaluation_results:index"] = Case(url("evaluation_results:index"), ADMIN_STAFF_ONLY)

# Awards review screens (awards/review_views.py), built on a campaign run by the county with
# a nominee of its park on notice and an open objection with an attachment: the city and the
# county reach them, the outsider gets a 404 on every one, GET or POST.


def _awards_review(ctx):
    if not hasattr(ctx, "awards_campaign"):
        import datetime as dt

        from django.core.files.uploadedfile import SimpleUploadedFile

        from awards import services as awards
        from awards.choices import Level
        from tests.factories import WorkerFactory, confirmed_grade, make_federation
        from workforce.models import Federation

        today, staff = dt.date(2026, 4, 10), ctx.users["county_staff"]
        park = make_federation(
            "评先园区工会", "PXYQ", parent=ctx.county, level=Federation.Level.PARK
        )
        nominee = WorkerFactory(federation=park, name="评先人选")
        confirmed_grade(nominee, 2024, 20)
        confirmed_grade(nominee, 2025, 20)
        award = awards.create_award(
            by=ctx.users["city_staff"], name="优秀工会工作者", level=Level.COUNTY
        )
        campaign = awards.create_campaign(
            by=staff, award=award, year=2026, federation=ctx.county, total_places=10,
            nominate_from=dt.date(2026, 4, 1), nominate_until=dt.date(2026, 4, 30),
        )  # fmt: skip
        allocation = awards.allocate(by=staff, campaign=campaign, federation=park, places=1)
        nomination = awards.nominate(
            by=staff, allocation=allocation, worker=nominee, categories=["frontline"],
            deeds="事迹", summary="摘要", unit_opinion="同意", today=today,
        )  # fmt: skip
        awards.submit(by=staff, nomination=nomination, today=today)
        awards.review(by=staff, nomination=nomination, outcome="pass", comment="通过")
        awards.start_notice(by=staff, campaign=campaign, today=today)
        upload = SimpleUploadedFile("异议.pdf", b"%PDF-1.4\n", content_type="application/pdf")
        ctx.awards_campaign = campaign
        ctx.awards_nomination = nomination
        ctx.awards_objection = awards.file_objection(
            nomination=nomination, name="甲", phone="1", content="异议", attachment=upload,
            today=today,
        )  # fmt: skip
    return ctx


MATRIX["awards_review:index"] = Case(url("awards_review:index"), ADMIN_STAFF_ONLY)
MATRIX["awards_objections:index"] = Case(url("awards_objections:index"), ADMIN_STAFF_ONLY)
MATRIX["awards_quota:index"] = Case(url("awards_quota:index"), ADMIN_STAFF_ONLY)
for _name, _pk, _writes in [
    ("awards_review:campaign", lambda ctx: _awards_review(ctx).awards_campaign.pk, None),
    ("awards_review:review", lambda ctx: _awards_review(ctx).awards_nomination.pk, True),
    ("awards_review:notice", lambda ctx: _awards_review(ctx).awards_campaign.pk, True),
    ("awards_review:approve", lambda ctx: _awards_review(ctx).awards_campaign.pk, True),
    ("awards_review:export", lambda ctx: _awards_review(ctx).awards_campaign.pk, False),
    ("awards_review:notice_pdf", lambda ctx: _awards_review(ctx).awards_campaign.pk, False),
    ("awards_objections:handle", lambda ctx: _awards_review(ctx).awards_objection.pk, True),
    ("awards_objections:attachment", lambda ctx: _awards_review(ctx).awards_objection.pk, False),
]:
    MATRIX[_name] = Case(url(_name, _pk), ADMIN_COUNTY_OBJECT, writes=_writes)


# Awards staff screens (awards/viewsets.py), built on the city's 2026 campaign with an
# allocation to the county and the county's draft nomination (with its deeds attachment).


def _award_campaign(ctx):
    if not hasattr(ctx, "award_campaign"):
        import datetime as dt

        from awards import services
        from awards.choices import Level

        city_staff = ctx.users["city_staff"]
        award = services.create_award(by=city_staff, name="五一劳动奖章", level=Level.CITY)
        ctx.award_campaign = services.create_campaign(
            by=city_staff, award=award, year=2026, federation=ctx.city, total_places=20,
            nominate_from=dt.date(2026, 4, 1), nominate_until=dt.date(2026, 4, 30),
        )  # fmt: skip
        ctx.award_allocation = services.allocate(
            by=city_staff, campaign=ctx.award_campaign, federation=ctx.county, places=2
        )
    return ctx.award_campaign


def _award_allocation(ctx):
    _award_campaign(ctx)
    return ctx.award_allocation


def _award_nomination(ctx):
    if not hasattr(ctx, "award_nomination"):
        import datetime as dt

        from django.core.files.base import ContentFile

        from awards import services
        from tests.factories import WorkerFactory, confirmed_grade

        nominee = WorkerFactory(federation=ctx.county, name="候选人", hire_date=dt.date(2020, 1, 1))
        confirmed_grade(nominee, 2025, 20)
        ctx.award_nomination = services.nominate(
            by=ctx.users["county_staff"], allocation=_award_allocation(ctx), worker=nominee,
            categories=["frontline"], deeds="事迹", summary="摘要", unit_opinion="同意",
            today=dt.date(2026, 4, 10),
        )  # fmt: skip
        ctx.award_nomination.deeds_file.save("deeds.pdf", ContentFile(b"%PDF-1.4\n"))
    return ctx.award_nomination


for _namespace in ("awards_awards", "awards_campaigns", "awards_nominations", "awards_honours"):
    for _view in ("index", "index_results"):
        MATRIX[f"{_namespace}:{_view}"] = Case(url(f"{_namespace}:{_view}"), ADMIN_STAFF_ONLY)
    # The outsider's add names the county's objects (or none): form errors, nothing saved.
    MATRIX[f"{_namespace}:add"] = Case(url(f"{_namespace}:add"), ADMIN_STAFF_ONLY, writes=True)
for _view, _pk, _writes in [
    ("inspect", _award_campaign, None), ("history", _award_campaign, None),
    ("history_results", _award_campaign, None), ("edit", _award_campaign, True),
    ("constraints", _award_campaign, True), ("allocate", _award_campaign, True),
    ("allocation", _award_allocation, True),
]:  # fmt: skip
    MATRIX[f"awards_campaigns:{_view}"] = Case(
        url(f"awards_campaigns:{_view}", lambda ctx, _pk=_pk: _pk(ctx).pk),
        ADMIN_COUNTY_OBJECT, writes=_writes,
    )  # fmt: skip
for _view, _writes in [
    ("inspect", None), ("history", None), ("history_results", None), ("edit", True),
    ("submit", True), ("withdraw", True), ("download", False),
]:  # fmt: skip
    MATRIX[f"awards_nominations:{_view}"] = Case(
        url(f"awards_nominations:{_view}", lambda ctx: _award_nomination(ctx).pk),
        ADMIN_COUNTY_OBJECT, writes=_writes,
    )  # fmt: skip

# Wagtail's admin page views for the county's course ``ctx.course`` (courses/wagtail_hooks.py
# guards them all): staff of the county or the city work on it, the outsider gets a 404 on
# every one, GET or POST. Lock, unlock and the page position take POST only; the course is
# not an alias and has no children to add; no workflow runs on courses, so the workflow URLs
# are built on made-up ids and staff get a 404 too (the guard answers the outsider first).


def _page(name: str, *args: Callable[[SimpleNamespace], Any]):
    return url(name, lambda ctx: ctx.course.pk, *args)


def _revision_pk(ctx) -> int:
    return ctx.course.latest_revision.pk


def _other_catalog_pk(ctx) -> int:
    from courses.models import CatalogPage, TrainingType

    return CatalogPage.objects.get(training_type=TrainingType.ROTATION).pk


_NONE = lambda ctx: 0  # noqa: E731 - an id nothing has
_POST_ONLY = {**ADMIN_COUNTY_OBJECT, "city_staff": 405, "county_staff": 405}
_NOT_FOR_COURSES = {**ADMIN_COUNTY_OBJECT, "city_staff": 404, "county_staff": 404}
_PAGES = "wagtailadmin_pages"
for _name, _build, _expect, _writes in [
    ("wagtailadmin_explore", _page("wagtailadmin_explore"), ADMIN_COUNTY_OBJECT, False),
    ("wagtailadmin_explore_results", _page("wagtailadmin_explore_results"), ADMIN_COUNTY_OBJECT,
     False),
    (f"{_PAGES}:edit", _page(f"{_PAGES}:edit"), ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:preview_on_edit", _page(f"{_PAGES}:preview_on_edit"), ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:view_draft", _page(f"{_PAGES}:view_draft"), ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:usage", _page(f"{_PAGES}:usage"), ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:history", _page(f"{_PAGES}:history"), ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:history_results", _page(f"{_PAGES}:history_results"), ADMIN_COUNTY_OBJECT,
     False),
    (f"{_PAGES}:revisions_view", _page(f"{_PAGES}:revisions_view", _revision_pk),
     ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:revisions_compare",
     lambda ctx: reverse(f"{_PAGES}:revisions_compare", kwargs={
         "pk": ctx.course.pk, "revision_id_a": "earliest", "revision_id_b": "latest"}),
     ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:revisions_revert", _page(f"{_PAGES}:revisions_revert", _revision_pk),
     ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:revisions_unschedule", _page(f"{_PAGES}:revisions_unschedule", _revision_pk),
     ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:move", _page(f"{_PAGES}:move"), ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:move_confirm", _page(f"{_PAGES}:move_confirm", _other_catalog_pk),
     ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:set_page_position", _page(f"{_PAGES}:set_page_position"), _POST_ONLY, True),
    (f"{_PAGES}:copy", _page(f"{_PAGES}:copy"), ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:unpublish", _page(f"{_PAGES}:unpublish"), ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:delete", _page(f"{_PAGES}:delete"), ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:set_privacy", _page(f"{_PAGES}:set_privacy"), ADMIN_COUNTY_OBJECT, True),
    (f"{_PAGES}:lock", _page(f"{_PAGES}:lock"), _POST_ONLY, True),
    (f"{_PAGES}:unlock", _page(f"{_PAGES}:unlock"), _POST_ONLY, True),
    (f"{_PAGES}:convert_alias", _page(f"{_PAGES}:convert_alias"), _NOT_FOR_COURSES, True),
    (f"{_PAGES}:workflow_history", _page(f"{_PAGES}:workflow_history"), ADMIN_COUNTY_OBJECT,
     False),
    (f"{_PAGES}:workflow_history_detail", _page(f"{_PAGES}:workflow_history_detail", _NONE),
     _NOT_FOR_COURSES, False),
    (f"{_PAGES}:workflow_action",
     _page(f"{_PAGES}:workflow_action", lambda ctx: "approve", _NONE), _NOT_FOR_COURSES, True),
    (f"{_PAGES}:collect_workflow_action_data",
     _page(f"{_PAGES}:collect_workflow_action_data", lambda ctx: "approve", _NONE),
     _NOT_FOR_COURSES, True),
    (f"{_PAGES}:confirm_workflow_cancellation",
     _page(f"{_PAGES}:confirm_workflow_cancellation"), ADMIN_COUNTY_OBJECT, False),
    (f"{_PAGES}:workflow_preview", _page(f"{_PAGES}:workflow_preview", _NONE),
     _NOT_FOR_COURSES, False),
]:  # fmt: skip
    MATRIX[_name] = Case(_build, _expect, writes=_writes)
# The course has no children: Wagtail sends staff back to the dashboard.
MATRIX[f"{_PAGES}:add_subpage"] = Case(
    _page(f"{_PAGES}:add_subpage"), ADMIN_COUNTY_OBJECT, default=302, writes=False
)
# Wagtail redirects any id to the history (no lookup, so nothing leaks); that answers 404.
MATRIX[f"{_PAGES}:revisions_index"] = Case(
    _page(f"{_PAGES}:revisions_index"), ADMIN_STAFF_ONLY, default=302, writes=False
)


# Mentoring pages (mentorship/urls.py), built on ``ctx.pairing``: a mentor of the county with
# an apprentice of the county who is not ``worker``. Its staff may look at the pairing's page;
# the worker (not in the pairing) and the outsider get a 404; the actions are POST only.
_PAIRING = "mentorship:pairing"
MATRIX["mentorship:my_mentor"] = Case(  # any worker has the page ("you have no mentor")
    url("mentorship:my_mentor"), _OWN, default=404, writes=False
)
MATRIX["mentorship:my_apprentices"] = Case(  # for mentors only: none of the personas is one
    url("mentorship:my_apprentices"), {"anonymous": LOGIN}, default=404, writes=False
)
MATRIX[_PAIRING] = Case(
    url(_PAIRING, lambda ctx: ctx.pairing.pk), COUNTY_OBJECT, writes=False
)  # fmt: skip
_MENTORING_POST = {"anonymous": LOGIN}
_MENTORING_DENIED = {"outsider": 404, "worker": 404}
for _name, _args in [
    ("accept", ()), ("decline", ()), ("dissolve", ()), ("request_extension", ()),
    ("answer_extension", (lambda ctx: ctx.pairing_extension.pk,)),
    ("add_goal", ()), ("goals_from_gaps", ()),
    ("report_progress", (lambda ctx: ctx.pairing_goal.pk,)),
    ("assess_goal", (lambda ctx: ctx.pairing_goal.pk,)),
    ("add_log", ()),
    ("confirm_log", (lambda ctx: ctx.pairing_log.pk,)),
    ("dispute_log", (lambda ctx: ctx.pairing_log.pk,)),
    ("cancel_log", (lambda ctx: ctx.pairing_log.pk,)),
    ("submit_review", ()),
]:  # fmt: skip
    MATRIX[f"mentorship:{_name}"] = Case(
        url(f"mentorship:{_name}", lambda ctx: ctx.pairing.pk, *_args), _MENTORING_POST,
        default=405, writes=True, post=_MENTORING_DENIED,
    )  # fmt: skip


# Social evaluation (evaluation/urls.py, evaluation/viewsets.py), built on the county's cycle,
# collecting answers today, with an invitation and ``ctx.worker``'s poster. The survey pages are
# public: everyone gets the page; a POST without answers stores nothing (a bad token: a 404 page,
# tests/evaluation/test_public.py); the poster's POST gives anyone a token (its purpose).
def _evaluation(ctx):
    if not hasattr(ctx, "evaluation_cycle"):
        import datetime as dt

        from django.utils import timezone

        from evaluation import services

        by, today = ctx.users["county_staff"], timezone.localdate()
        cycle = services.create_cycle(
            by=by, federation=ctx.county, year=today.year, opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
        )  # fmt: skip
        services.start_collecting(by=by, cycle=cycle)
        assessment = cycle.assessments.get(worker=ctx.worker)
        kind = cycle.kinds.get(channel="invitation", order=0)
        (ctx.evaluation_invitation,) = services.issue_invitations(
            by=by, kind=kind, assessment=assessment, contacts=[("用人单位", "")]
        )
        ctx.evaluation_poster = assessment.posters.get()
        ctx.evaluation_cycle = cycle
    return ctx.evaluation_cycle


def _survey_token(ctx) -> str:
    _evaluation(ctx)
    return ctx.evaluation_invitation.token


def _poster_code(ctx) -> str:
    _evaluation(ctx)
    return ctx.evaluation_poster.code


MATRIX["evaluation:survey"] = Case(url("evaluation:survey", _survey_token), writes=True)
MATRIX["evaluation:poster"] = Case(
    url("evaluation:poster", _poster_code), writes=True,
    post={"outsider": Allowed(302), "worker": Allowed(302)},
)  # fmt: skip
MATRIX["evaluation:my_results"] = Case(  # staff without a worker record: an empty page
    url("evaluation:my_results"), {"anonymous": LOGIN}, writes=False
)


# The public notice of awards (awards/views.py): no login, the same for every persona. Built on
# a county nominee ``_notice_nomination(ctx)`` put on notice today; a POST of the county body
# is an incomplete objection (form errors), so nothing is stored.
def _notice_nomination(ctx):
    if not hasattr(ctx, "notice_nomination"):
        import datetime as dt

        from django.utils import timezone

        from awards import services
        from awards.choices import Level
        from tests.factories import confirmed_grade

        city_staff, county_staff = ctx.users["city_staff"], ctx.users["county_staff"]
        award = services.create_award(by=city_staff, name="五一劳动奖章", level=Level.CITY)
        campaign = services.create_campaign(
            by=city_staff, award=award, year=2026, federation=ctx.city, total_places=20,
            nominate_from=dt.date(2026, 4, 1), nominate_until=dt.date(2026, 4, 30),
        )  # fmt: skip
        allocation = services.allocate(
            by=city_staff, campaign=campaign, federation=ctx.county, places=2
        )
        confirmed_grade(ctx.worker, 2025, 20)
        on = dt.date(2026, 4, 10)
        nomination = services.nominate(
            by=county_staff, allocation=allocation, worker=ctx.worker, categories=["frontline"],
            deeds="事迹", summary="摘要", unit_opinion="同意推荐", today=on,
        )  # fmt: skip
        services.submit(by=county_staff, nomination=nomination, today=on)
        services.review(by=city_staff, nomination=nomination, outcome="pass", comment="同意")
        services.start_notice(by=city_staff, campaign=campaign, today=timezone.localdate())
        ctx.notice_nomination = nomination
    return ctx.notice_nomination


MATRIX["awards:notice_index"] = Case(url("awards:notice_index"), writes=False)
MATRIX["awards:notice"] = Case(
    url("awards:notice", lambda ctx: _notice_nomination(ctx).campaign_id), writes=False
)
MATRIX["awards:objection"] = Case(
    url(
        "awards:objection",
        lambda ctx: _notice_nomination(ctx).campaign_id,
        lambda ctx: _notice_nomination(ctx).pk,
    ),
    writes=True,  # anyone may object; the county body lacks a phone and content: form errors
)
MATRIX["awards:objection_received"] = Case(  # nothing filed in this session: to the notice
    url("awards:objection_received"), default=302, writes=False
)


# Pay screens (compensation/viewsets.py: 薪酬体系, 岗位等级, 年度晋档), built on the county's own
# scheme with a post and a pay table (the city's scheme shows to county staff and to the
# outsider alike, so it could not prove the 404), ``ctx.worker`` placed in it, and the county's
# 2026 step run. (Before the tests below: their parametrize reads MATRIX at import.)


def _pay(ctx):
    if not hasattr(ctx, "pay_scheme"):
        import datetime as dt
        from decimal import Decimal

        from compensation import services

        staff = ctx.users["county_staff"]
        scheme = services.save_scheme(by=staff, federation=ctx.county, name="涪城区薪酬体系")
        ctx.pay_post = services.save_post(by=staff, scheme=scheme, name="其他", lowest=1, highest=3)
        ctx.pay_table = services.save_pay_table(
            by=staff, scheme=scheme, effective_from=dt.date(2024, 1, 1),
            rates={level: Decimal(2000 + 150 * level) for level in range(1, 4)},
        )  # fmt: skip
        services.place_worker(
            by=staff, worker=ctx.worker, post=ctx.pay_post, level=1,
            effective_from=ctx.worker.hire_date,
        )  # fmt: skip
        ctx.pay_run = services.propose_steps(
            by=staff, federation=ctx.county, year=2026, effective_from=dt.date(2026, 1, 1)
        )
        ctx.pay_scheme = scheme
    return ctx


for _namespace in ("compensation_schemes", "compensation_placements", "compensation_step_runs"):
    for _view in ("index", "index_results"):
        MATRIX[f"{_namespace}:{_view}"] = Case(url(f"{_namespace}:{_view}"), ADMIN_STAFF_ONLY)
# The outsider's add names the county: not among their federations, a form error.
MATRIX["compensation_schemes:add"] = Case(url("compensation_schemes:add"), ADMIN_STAFF_ONLY,
                                          writes=True)  # fmt: skip
MATRIX["compensation_step_runs:add"] = Case(url("compensation_step_runs:add"), ADMIN_STAFF_ONLY,
                                            writes=True)  # fmt: skip
MATRIX["compensation_placements:export"] = Case(
    url("compensation_placements:export"), ADMIN_STAFF_ONLY, writes=False
)
for _name, _pk, _writes in [
    ("compensation_schemes:inspect", lambda ctx: _pay(ctx).pay_scheme, None),
    ("compensation_schemes:history", lambda ctx: _pay(ctx).pay_scheme, None),
    ("compensation_schemes:history_results", lambda ctx: _pay(ctx).pay_scheme, None),
    ("compensation_schemes:edit", lambda ctx: _pay(ctx).pay_scheme, True),
    ("compensation_schemes:post_add", lambda ctx: _pay(ctx).pay_scheme, True),
    ("compensation_schemes:post_edit", lambda ctx: _pay(ctx).pay_post, True),
    ("compensation_schemes:table_add", lambda ctx: _pay(ctx).pay_scheme, True),
    ("compensation_schemes:table_edit", lambda ctx: _pay(ctx).pay_table, True),
    ("compensation_schemes:subsidies", lambda ctx: _pay(ctx).pay_scheme, True),
    ("compensation_placements:worker", lambda ctx: _pay(ctx).worker, True),
    ("compensation_step_runs:inspect", lambda ctx: _pay(ctx).pay_run, True),  # POST decides
    ("compensation_step_runs:history", lambda ctx: _pay(ctx).pay_run, None),
    ("compensation_step_runs:history_results", lambda ctx: _pay(ctx).pay_run, None),
]:
    MATRIX[_name] = Case(
        url(_name, lambda ctx, _pk=_pk: _pk(ctx).pk), ADMIN_COUNTY_OBJECT, writes=_writes
    )


# Funds and self-inspection (compensation/funds_views.py, report_views.py): 经费台账, 经费支出,
# 年度自查报告 and the overview, built on the county's 2026 budget with a charge for ``worker``
# and its 2026 draft report. The county's workers are placed above the floor and insured, so
# the report finds no pay or insurance problem. Only the staff above the county review it.
def _funds(ctx):
    if not hasattr(ctx, "fund_source"):
        import datetime as dt
        from decimal import Decimal

        from compensation import services
        from compensation.choices import Source, Use

        staff = ctx.users["county_staff"]
        ctx.fund_source = services.save_fund_source(
            by=staff, federation=ctx.county, year=2026, kind=Source.COUNTY_BUDGET,
            budget=Decimal("10000"),
        )  # fmt: skip
        ctx.spending = services.charge(
            by=staff, source=ctx.fund_source, use=Use.PAY, amount=Decimal("100"),
            spent_on=dt.date(2026, 1, 31), worker=ctx.worker,
        )  # fmt: skip
    return ctx


def _self_inspection(ctx):
    if not hasattr(ctx, "self_inspection"):
        import datetime as dt
        from decimal import Decimal

        from compensation import services
        from workforce.models import Worker

        city_staff, staff = ctx.users["city_staff"], ctx.users["county_staff"]
        scheme = services.save_scheme(by=city_staff, federation=ctx.city, name="三岗十八级")
        post = services.save_post(by=city_staff, scheme=scheme, name="其他", lowest=1, highest=12)
        services.save_pay_table(
            by=city_staff, scheme=scheme, effective_from=dt.date(2020, 1, 1),
            rates={level: Decimal(2000 + 150 * level) for level in range(1, 13)},
        )  # fmt: skip
        services.assign_tier(
            by=city_staff, federation=ctx.county, tier=1, effective_from=dt.date(2020, 1, 1)
        )
        services.save_minimum_wage(
            by=city_staff, tier=1, monthly=Decimal("2100"), effective_from=dt.date(2020, 1, 1)
        )
        for worker in Worker.objects.active().under([ctx.county.path]):
            services.place_worker(
                by=staff, worker=worker, post=post, level=2, effective_from=worker.hire_date
            )
            services.record_insurance(by=staff, worker=worker, year=2026, months=range(1, 13))
        ctx.self_inspection = services.start_report(by=staff, federation=ctx.county, year=2026)
    return ctx.self_inspection


MATRIX["compensation_funds:ledger"] = Case(
    lambda ctx: f"{reverse('compensation_funds:ledger')}?federation={ctx.county.pk}&year=2026",
    ADMIN_COUNTY_OBJECT,
)
MATRIX["compensation_funds:ledger_xlsx"] = Case(
    lambda ctx: f"{reverse('compensation_funds:ledger_xlsx')}?federation={ctx.county.pk}",
    ADMIN_COUNTY_OBJECT,
    writes=False,
)
MATRIX["compensation_reports:overview"] = Case(
    url("compensation_reports:overview"), ADMIN_STAFF_ONLY
)
# The outsider's add names the county (or none of their sources): form errors, nothing saved.
for _namespace in ("compensation_funds", "compensation_spendings", "compensation_reports"):
    for _view in ("index", "index_results"):
        MATRIX[f"{_namespace}:{_view}"] = Case(url(f"{_namespace}:{_view}"), ADMIN_STAFF_ONLY)
    MATRIX[f"{_namespace}:add"] = Case(url(f"{_namespace}:add"), ADMIN_STAFF_ONLY, writes=True)
for _name, _pk, _writes in [
    ("compensation_funds:inspect", lambda ctx: _funds(ctx).fund_source.pk, None),
    ("compensation_funds:history", lambda ctx: _funds(ctx).fund_source.pk, None),
    ("compensation_funds:history_results", lambda ctx: _funds(ctx).fund_source.pk, None),
    ("compensation_funds:edit", lambda ctx: _funds(ctx).fund_source.pk, True),
    ("compensation_funds:spendings_xlsx", lambda ctx: _funds(ctx).fund_source.pk, False),
    ("compensation_spendings:void", lambda ctx: _funds(ctx).spending.pk, True),
    ("compensation_reports:inspect", lambda ctx: _self_inspection(ctx).pk, None),
    ("compensation_reports:history", lambda ctx: _self_inspection(ctx).pk, None),
    ("compensation_reports:history_results", lambda ctx: _self_inspection(ctx).pk, None),
    ("compensation_reports:edit", lambda ctx: _self_inspection(ctx).pk, True),
    ("compensation_reports:submit", lambda ctx: _self_inspection(ctx).pk, True),
    ("compensation_reports:pdf", lambda ctx: _self_inspection(ctx).pk, False),
]:
    MATRIX[_name] = Case(url(_name, _pk), ADMIN_COUNTY_OBJECT, writes=_writes)
MATRIX["compensation_reports:review"] = Case(  # the county's own staff do not review it
    url("compensation_reports:review", lambda ctx: _self_inspection(ctx).pk),
    {**ADMIN_COUNTY_OBJECT, "county_staff": 404},
    writes=True,
)


# Minimum wages, tiers, the floor check and insurance (compensation/floor_views.py). The wage
# table is the province's: every federation's staff read it and only the city keeps it (anyone
# else's POST is refused by services.save_minimum_wage, the form shown again). Tiers, the check
# and insurance are the county's: built on ``?federation=`` the county and on ``ctx.worker``,
# the outsider gets a 404.
def _minimum_wage_pk(ctx) -> int:
    import datetime as dt
    from decimal import Decimal

    from compensation import services

    wage = services.save_minimum_wage(
        by=ctx.users["city_staff"], tier=1, monthly=Decimal("2100"),
        effective_from=dt.date(2022, 10, 1),
    )  # fmt: skip
    return wage.pk


def _in_county(name: str) -> Callable[[SimpleNamespace], str]:
    return lambda ctx: f"{reverse(name)}?federation={ctx.county.pk}"


for _name, _build, _expect, _writes in [
    ("compensation_wages:index", url("compensation_wages:index"), ADMIN_STAFF_ONLY, None),
    ("compensation_wages:index_results", url("compensation_wages:index_results"),
     ADMIN_STAFF_ONLY, None),
    ("compensation_wages:add", url("compensation_wages:add"), ADMIN_STAFF_ONLY, True),
    ("compensation_wages:edit", url("compensation_wages:edit", _minimum_wage_pk),
     ADMIN_STAFF_ONLY, True),
    ("compensation_wages:history", url("compensation_wages:history", _minimum_wage_pk),
     ADMIN_STAFF_ONLY, None),
    ("compensation_wages:history_results",
     url("compensation_wages:history_results", _minimum_wage_pk), ADMIN_STAFF_ONLY, None),
    ("compensation_tiers:index", url("compensation_tiers:index"), ADMIN_STAFF_ONLY, None),
    ("compensation_tiers:index_results", url("compensation_tiers:index_results"),
     ADMIN_STAFF_ONLY, None),
    # The outsider's add names the county, which is not theirs to set: a form error.
    ("compensation_tiers:add", url("compensation_tiers:add"), ADMIN_STAFF_ONLY, True),
    ("compensation_floor_check:index", _in_county("compensation_floor_check:index"),
     ADMIN_COUNTY_OBJECT, None),
    ("compensation_floor_check:export", _in_county("compensation_floor_check:export"),
     ADMIN_COUNTY_OBJECT, False),
    ("compensation_insurance:index", _in_county("compensation_insurance:index"),
     ADMIN_COUNTY_OBJECT, None),
    ("compensation_insurance:record",
     url("compensation_insurance:record", lambda ctx: ctx.worker.pk, lambda ctx: 2026),
     ADMIN_COUNTY_OBJECT, True),
]:  # fmt: skip
    MATRIX[_name] = Case(_build, _expect, writes=_writes)


# Accounts (accounts/): the activation pages are public (an unknown code is a 404 whatever the
# method); changing one's password needs a signed-in user and changes nothing with a bad form.
MATRIX["accounts:activate_code"] = Case(url("accounts:activate_code"), writes=False)
MATRIX["accounts:activate"] = Case(
    url("accounts:activate", lambda ctx: "NOSUCHCODE2345678"), default=404, writes=True
)
MATRIX["accounts:password_change"] = Case(
    url("accounts:password_change"), {"anonymous": LOGIN}, writes=True
)


# Signing in, resetting a password by email, /healthz (accounts/login_views.py,
# accounts/password_views.py, lms/health.py): public pages, the same for everyone. The POST
# pass sends no email address, so the reset form is shown again and no mail or audit row is
# written; the confirm link is built with a bad token (a "link cannot be used" page).
def _reset_confirm(ctx) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(ctx.worker.user.pk))
    return reverse("accounts:password_reset_confirm", args=[uid, "bad-token"])


MATRIX["accounts:password_reset"] = Case(url("accounts:password_reset"), writes=True)
MATRIX["accounts:password_reset_done"] = Case(url("accounts:password_reset_done"))
MATRIX["accounts:password_reset_confirm"] = Case(_reset_confirm, writes=True)
MATRIX["accounts:password_reset_complete"] = Case(url("accounts:password_reset_complete"))
MATRIX["healthz"] = Case(url("healthz"), writes=False)  # GET and HEAD only


def _mentoring(county) -> dict:
    """Return a county pairing (mentor and apprentice are not ``worker``) with a goal, a log
    awaiting the mentor and a pending extension."""
    import datetime as dt

    from mentorship import services
    from tests.factories import MentorFactory, PairingFactory, UserFactory, WorkerFactory

    mentor = MentorFactory(federation=county, user=UserFactory(username="matrix_mentor"))
    apprentice = WorkerFactory(federation=county, user=UserFactory(username="matrix_apprentice"))
    pairing = PairingFactory(mentor=mentor, apprentice=apprentice)
    by = apprentice.user
    return {
        "pairing": pairing,
        "pairing_goal": services.add_goal(
            by=by, pairing=pairing, title="目标", target_date=dt.date(2030, 6, 30)
        ),
        "pairing_log": services.log_meeting(
            by=by,
            pairing=pairing,
            date=dt.date(2030, 2, 1),
            hours=1,
            form="face",
            topic="主题",
            today=dt.date(2030, 3, 1),
        ),
        "pairing_extension": services.request_extension(
            by=by, pairing=pairing, months=2, reason="理由"
        ),
    }


# Account activation (accounts/activation_admin.py): the 账号激活 screen lists the staff's own
# workers (the outsider's list is their county's); a POST naming the county's worker is a 404
# for the outsider. One account's link is for the user admin (auth.change_user) only: federation
# staff get a 404 whoever the account is.
MATRIX["accounts_activation:index"] = Case(
    url("accounts_activation:index"), ADMIN_STAFF_ONLY, writes=True, post={"outsider": 404}
)
MATRIX["accounts_activation:user"] = Case(
    url("accounts_activation:user", lambda ctx: ctx.users["worker"].pk),
    {"worker": ADMIN_DENIED, "anonymous": LOGIN},
    default=404,
    writes=True,
)


# Two-factor sign-in (accounts/two_factor_views.py): staff enrol, workers are not asked (404).
# The personas have no authenticator, so setup and codes send staff back to the status page and
# the verify page lets everyone go on; a POST without an action or a pending device changes
# nothing. The admin's 登录锁定 is built on a lock of the county's worker; 认证日志 is for
# superusers only (Wagtail's permission denial for staff).
def _county_lock(ctx) -> int:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username=ctx.worker.user.username, ip_address="10.0.0.1", user_agent="", http_accept="",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=10,
    ).pk  # fmt: skip


_TWO_FACTOR = {"worker": 404, "anonymous": LOGIN}
for _name, _expect, _default, _writes, _post in [
    ("accounts:two_factor", _TWO_FACTOR, 200, True, {"outsider": 302}),
    ("accounts:two_factor_setup", _TWO_FACTOR, 302, True, {}),
    ("accounts:two_factor_codes", _TWO_FACTOR, 302, False, {}),
    ("accounts:two_factor_verify", {"anonymous": LOGIN}, 302, True, {}),
]:  # fmt: skip
    MATRIX[_name] = Case(url(_name), _expect, default=_default, writes=_writes, post=_post)
for _view in ("index", "index_results"):
    MATRIX[f"accounts_lockouts:{_view}"] = Case(url(f"accounts_lockouts:{_view}"), ADMIN_STAFF_ONLY)
    MATRIX[f"accounts_events:{_view}"] = Case(
        url(f"accounts_events:{_view}"), {"anonymous": LOGIN}, default=ADMIN_DENIED
    )
MATRIX["accounts_lockouts:unlock"] = Case(
    url("accounts_lockouts:unlock", _county_lock), ADMIN_COUNTY_OBJECT, writes=True
)


@dataclass(frozen=True)
class Route:
    name: str | None  # namespaced; None for an unnamed pattern
    view: Any  # the view class, or the function
    namespace: str | None
    kwargs: frozenset[str]
    route: str


def _walk(patterns, namespace=None, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, ns, route)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", pattern.callback)
            name = None
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            kwargs = frozenset(pattern.pattern.regex.groupindex)
            yield Route(name, view, namespace, kwargs, route)


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


# Wagtail's page views that act on one page (a course), named by these URL keywords; "add"
# also names a parent page, but a catalog, with the page type to add.
_PAGE_KWARGS = {"page_id", "page_to_move_id", "pk", "parent_page_id"}
_PAGE_TYPE_KWARGS = {"content_type_app_name", "content_type_model_name"}


def _is_course_page_view(route: Route) -> bool:
    name = route.name or ""
    in_page_admin = route.namespace == "wagtailadmin_pages" or name.startswith(
        "wagtailadmin_explore"
    )
    names_a_page = bool(route.kwargs & _PAGE_KWARGS) and not route.kwargs & _PAGE_TYPE_KWARGS
    return in_page_admin and names_a_page


def our_routes() -> list[Route]:
    """Return the URL patterns of our apps and Wagtail's page views for a course."""
    routes = list(_walk(get_resolver().url_patterns))  # loads the admin, so its viewsets
    namespaces = _our_namespaces()
    return [
        route
        for route in routes
        if getattr(route.view, "__module__", "").split(".")[0] in OUR_APPS
        or (route.namespace and route.namespace.split(":")[-1] in namespaces)
        or route.name in {"login", "logout", "set_language"}
        or _is_course_page_view(route)
    ]


def our_url_names() -> set[str]:
    return {route.name for route in our_routes() if route.name}


def _may_take_post(view) -> bool:
    """Return whether ``view`` may answer a POST: a function may, a class if it has ``post``."""
    if not isinstance(view, type):
        return True
    return "post" in view.http_method_names and hasattr(view, "post")


def test_every_url_has_an_entry():
    missing = sorted(our_url_names() - set(MATRIX))
    assert not missing, f"Add these URL names to MATRIX in {__file__}: {missing}"


def test_matrix_has_no_stale_entries():
    stale = sorted(set(MATRIX) - our_url_names())
    assert not stale, f"Remove these URL names from MATRIX: {stale}"


def test_every_url_pattern_is_named():
    unnamed = sorted(route.route for route in our_routes() if route.name is None)
    assert not unnamed, f"Name these URL patterns (the matrix needs a name): {unnamed}"


def test_every_url_taking_post_says_whether_it_writes():
    unclassified = sorted(
        route.name
        for route in our_routes()
        if route.name in MATRIX and MATRIX[route.name].writes is None and _may_take_post(route.view)
    )
    assert not unclassified, (
        f"These URLs may take a POST: set writes=True (a POST changes data) or writes=False "
        f"on their MATRIX entries: {unclassified}"
    )


@pytest.fixture
def ctx(
    city, county, other_county, unit, worker, other_worker, city_staff, county_staff, outsider,
    session,
):  # fmt: skip
    from courses.catalogs import ensure_catalogs
    from courses.models import TrainingType
    from tests.factories import EnrolmentFactory, SessionFactory, make_course

    ensure_catalogs()  # the catalogs and the staff's page permissions on them
    session.course.save_revision(user=county_staff)
    exam_course = make_course(
        organizer=county, training_type=TrainingType.QUALIFICATION, pass_score=60
    )
    return SimpleNamespace(
        session=session,  # the county's, with meetings
        course=session.course.specific,  # the county's, live, with a revision
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
        **_mentoring(county),
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


# The POST pass: every URL whose POST changes data, as the outsider and as the worker, with a
# body naming the county's objects; refused, and no row changes.
POST_PERSONAS = ("outsider", "worker")
SNAPSHOT_APPS = (*OUR_APPS, "wagtailcore", "guardian", "auth")


def _snapshot() -> dict[str, list[dict]]:
    """Return every row of our apps, Wagtail's pages, revisions and logs, and the rights."""
    from django.apps import apps

    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for config in apps.get_app_configs()
        if config.label in SNAPSHOT_APPS
        for model in config.get_models()
    }


def _county_body(ctx) -> dict[str, Any]:
    """Return a form body pointing at the county's objects (forms validate before saving)."""
    return {
        "federation": ctx.county.pk,
        "organizer": ctx.county.pk,
        "course": ctx.course.pk,
        "session": ctx.session.pk,
        "worker": ctx.worker.pk,
        "unit": ctx.unit.pk,
        "user": ctx.users["worker"].pk,
        "name": "外人新建",
        "title": "外人新建",
        "staffing_base": 1,
        "reason": "外人",
        # mentoring forms (mentorship/forms.py), complete so that only authority refuses them
        "date": "2030-02-02",
        "hours": "1",
        "form": "face",
        "topic": "外人",
        "once": "x",
        "target_date": "2030-06-30",
        "progress": 50,
        "assessment": "外人",
        "months": 2,
        "agree": "1",
        "stage": "mid",
        "rating": 5,
    }


@pytest.mark.parametrize("persona", POST_PERSONAS)
@pytest.mark.parametrize("name", sorted(name for name, case in MATRIX.items() if case.writes))
def test_post_changes_nothing_without_authority(client, ctx, name, persona):
    case = MATRIX[name]
    expected = case.post_outcome(persona)
    client.force_login(ctx.users[persona])
    target = case.build(ctx)  # builders may add rows: snapshot after them
    before = _snapshot()
    response = client.post(target, _county_body(ctx))
    if isinstance(expected, Allowed):
        _check(response, expected.status)
        return
    _check(response, expected)
    after = _snapshot()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"POST {target} as {persona} changed {changed}"


# Wagtail's page bulk actions: not matrix entries, the bulk URL is Wagtail's for every model.
# Another federation's course is a 404 on the confirmation page (GET) and on the POST
# (courses/wagtail_hooks.py).
BULK_PAGE_ACTIONS = ("delete", "move", "publish", "unpublish")


def _bulk_url(action: str, query: str) -> str:
    return f"{reverse('wagtail_bulk_action', args=['wagtailcore', 'page', action])}?{query}"


@pytest.mark.parametrize("action", BULK_PAGE_ACTIONS)
def test_bulk_page_actions_refuse_another_federations_course(client, ctx, action):
    client.force_login(ctx.users["outsider"])
    target = _bulk_url(action, f"id={ctx.course.pk}")
    response = client.get(target)
    assert response.status_code == 404, response.status_code
    before = _snapshot()
    body = {**_county_body(ctx), "chooser": _other_catalog_pk(ctx)}  # where to move it
    response = client.post(target, body)
    assert response.status_code == 404, response.status_code
    assert _snapshot() == before


@pytest.mark.parametrize("action", BULK_PAGE_ACTIONS)
def test_bulk_page_actions_confirm_the_staffs_own_course(client, ctx, action):
    client.force_login(ctx.users["county_staff"])
    response = client.get(_bulk_url(action, f"id={ctx.course.pk}"))
    assert response.status_code == 200
    assert ctx.course.title in response.content.decode()


def test_bulk_select_all_leaves_out_another_federations_course(client, ctx):
    client.force_login(ctx.users["outsider"])
    catalog = ctx.course.get_parent()
    response = client.get(_bulk_url("unpublish", f"id=all&childOf={catalog.pk}"))
    assert response.status_code == 200
    assert ctx.course.title not in response.content.decode()
