"""The rendered certificate: an A4 landscape page with an embedded CJK font and real text."""

import io

from django.core.files.base import ContentFile
from pypdf import PdfReader

from certificates import services
from certificates.models import FederationSeal
from certificates.rendering import certificate_data, format_hours, typeset
from certificates.seal import draw_seal
from certificates.services import issue_certificate

from .conftest import ISSUED_ON


def _fonts(page) -> list[dict]:
    fonts = []
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptors = [d.get_object()["/FontDescriptor"] for d in font.get("/DescendantFonts", [])]
        fonts.append({"name": str(font["/BaseFont"]), "descriptors": descriptors})
    return fonts


def test_certificate_pdf(enrolment, county_staff, county):
    FederationSeal.objects.create(
        federation=county, image=ContentFile(draw_seal(county.name, size=300), name="seal.png")
    )
    certificate = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    certificate = services.current_pdf(certificate)
    with certificate.pdf.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))

    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert round(width / 72 * 25.4) == 297 and round(height / 72 * 25.4) == 210  # A4 landscape

    fonts = _fonts(page)
    cjk = [f for f in fonts if "CJK" in f["name"]]
    assert cjk, [f["name"] for f in fonts]
    # Embedded (a font file in the descriptor), not merely referenced.
    assert all(
        any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        for font in cjk
        for descriptor in font["descriptors"]
    )

    text = page.extract_text().replace("\n", "")  # the statement wraps over lines
    for expected in (
        "结 业 证 书",
        "张晓梅",
        "同志",
        "工会法与劳动法实务",
        "共计15学时",
        "二〇三〇年三月四日至三月八日",
        "涪城区总工会",
        "二〇三〇年三月二十日",
        certificate.serial,
        certificate.get_verify_url(),
    ):
        assert expected in text, expected
    images = page.images
    assert len(images) >= 1  # the seal (the QR code is vector)


def test_certificate_data_digest_follows_the_data(enrolment, county_staff):
    certificate = issue_certificate(by=county_staff, enrolment=enrolment, on=ISSUED_ON)
    data = certificate_data(certificate)
    assert data.statement.startswith("于二〇三〇年三月四日至三月八日参加涪城区总工会举办的")
    assert data.digest() == certificate_data(certificate).digest()
    certificate.holder.name = "张小梅"
    assert certificate_data(certificate).digest() != data.digest()


def test_small_helpers():
    from decimal import Decimal

    assert format_hours(Decimal("40.0")) == "40"
    assert format_hours(Decimal("12.5")) == "12.5"
    assert format_hours(Decimal("160")) == "160"
    assert str(typeset("参加“<b>课程</b>”")) == (
        '参加<span class="fw">“</span>&lt;b&gt;课程&lt;/b&gt;<span class="fw">”</span>'
    )
