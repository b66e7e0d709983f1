"""Printable sheets of a cycle (evaluation/printing.py): invitation cards and posters as PDFs.

The PDFs are real (WeasyPrint); their text is read back with pypdf, so the Chinese names are
checked as printed. The download views are scoped (another county's cycle is a 404) and
their query counts do not grow with the number of workers.
"""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluation import printing, services
from evaluation.models import Invitation, Poster
from tests.conftest import login
from tests.evaluation.conftest import kinds_of, make_cycle
from tests.factories import PostingFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeeze(text: str) -> str:
    """Text without the line breaks and spaces a layout puts in."""
    return "".join(text.split())


def issue(by, cycle, assessment, kind_name, *contacts):
    return services.issue_invitations(
        by=by,
        kind=kinds_of(cycle)[kind_name],
        assessment=assessment,
        contacts=[(name, "") for name in contacts],
    )


def test_invitation_cards_show_worker_unit_kind_contact_and_link(
    county_staff, collecting, assessment
):
    invitation, used, revoked = issue(
        county_staff, collecting, assessment, "服务企业", "甲公司工会", "乙公司工会", "丙公司工会"
    )
    Invitation.objects.filter(pk=used.pk).update(uses_left=0)
    Invitation.objects.filter(pk=revoked.pk).update(revoked=True)
    text = squeeze("".join(pages(printing.invitations_pdf(collecting))))
    assert "张晓梅" in text and "城郊街道工会" in text
    assert "服务企业" in text and "甲公司工会" in text
    assert "2026年3月31日" in text  # the last day the link works
    assert invitation.token in text
    assert "乙公司工会" not in text and "丙公司工会" not in text  # used or revoked: not printed


def test_invitation_cards_for_one_worker(county_staff, county, unit, worker):
    PostingFactory(worker=WorkerFactory(federation=county, name="王小军"), unit=unit)
    cycle = make_cycle(county_staff, county)
    mine = cycle.assessments.get(worker=worker)
    theirs = cycle.assessments.exclude(worker=worker).get()
    issue(county_staff, cycle, mine, "用人单位", "城郊街道办事处")
    issue(county_staff, cycle, theirs, "用人单位", "另一个办事处")
    text = squeeze("".join(pages(printing.invitations_pdf(cycle, mine))))
    assert "张晓梅" in text and "王小军" not in text


def test_eight_cards_to_a_page(county_staff, collecting, assessment):
    issue(county_staff, collecting, assessment, "服务企业", *[f"公司{n}" for n in range(9)])
    assert len(pages(printing.invitations_pdf(collecting))) == 2


def test_a_poster_per_worker_and_poster_kind(county_staff, collecting, assessment):
    poster = Poster.objects.get()
    [page] = pages(printing.posters_pdf(collecting))
    text = squeeze(page)
    assert "张晓梅" in text and "城郊街道工会" in text
    assert "扫码评价我的服务" in text and "评价匿名进行" in text
    assert "服务对象" in text
    assert printing.poster_url(poster.code) in text


def test_empty_sheets_are_still_pdfs(cycle):
    [text] = pages(printing.posters_pdf(cycle))  # a draft has no posters yet
    assert "还没有评价海报" in squeeze(text)
    [text] = pages(printing.invitations_pdf(cycle))
    assert "没有可打印的评价邀请" in squeeze(text)


def test_download_views(client, county_staff, collecting, assessment):
    issue(county_staff, collecting, assessment, "用人单位", "城郊街道办事处")
    login(client, county_staff)
    for name in ("invitations_pdf", "posters_pdf"):
        response = client.get(reverse(f"evaluation_cycles:{name}", args=[collecting.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert "张晓梅" in squeeze("".join(pages(response.content)))
        one = client.get(
            reverse(f"evaluation_cycles:{name}", args=[collecting.pk]), {"worker": assessment.pk}
        )
        assert one.status_code == 200


def test_download_views_are_scoped(client, county_staff, outsider, collecting, other_cycle):
    login(client, outsider)
    for name in ("invitations_pdf", "posters_pdf"):
        target = reverse(f"evaluation_cycles:{name}", args=[collecting.pk])
        assert client.get(target).status_code == 404
    login(client, county_staff)
    foreign = other_cycle.assessments.get()
    for worker in (foreign.pk, "abc"):
        target = reverse("evaluation_cycles:invitations_pdf", args=[collecting.pk])
        assert client.get(target, {"worker": worker}).status_code == 404


@pytest.mark.parametrize("n", [1, 5])
def test_sheets_query_bounds(client, county_staff, county, unit, n, django_assert_max_num_queries):
    for _ in range(n):
        PostingFactory(worker=WorkerFactory(federation=county), unit=unit)
    cycle = make_cycle(county_staff, county)
    for assessment in cycle.assessments.all():
        issue(county_staff, cycle, assessment, "用人单位", "甲单位", "乙单位")
    services.start_collecting(by=county_staff, cycle=cycle)
    login(client, county_staff)
    # Two cards a worker, eight to a page; a poster a worker (one POSTER kind).
    for name, bound, expected in (
        ("invitations_pdf", 9, -(-2 * n // 8)),
        ("posters_pdf", 9, n),
    ):
        with django_assert_max_num_queries(bound):
            response = client.get(reverse(f"evaluation_cycles:{name}", args=[cycle.pk]))
        assert response.status_code == 200
        assert len(pages(response.content)) == expected
