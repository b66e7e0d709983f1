"""Media work on any Django storage, not only on a local folder (DJANGO_MEDIA_STORAGE=s3).

Every test here runs with Django's ``InMemoryStorage`` as the default storage, its ``path()``
raising as S3Storage's does, so a code path that opened ``MEDIA_ROOT`` or a FieldFile's
``.path`` would fail, and nothing may appear under MEDIA_ROOT. The settings test starts Python
with the S3 variables and checks the storage django-storages gets.
"""

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils._os import safe_join
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from certificates.models import BulkIssueJob
from certificates.seal import draw_seal
from certificates.services import issue_certificate, set_seal
from certificates.tasks import bulk_issue
from tests.awards import conftest as awards_fixtures
from tests.certificates.conftest import ISSUED_ON, complete
from tests.conftest import login

PDF = b"%PDF-1.4\n%deeds\n"
# The awards fixtures (a campaign's allocation to the county, an eligible worker), used here too.
award = awards_fixtures.award
campaign = awards_fixtures.campaign
allocation = awards_fixtures.allocation
graded_worker = awards_fixtures.graded_worker


class NoPathStorage(InMemoryStorage):
    """Django's in-memory storage without local paths, as S3Storage: ``path()`` raises."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):  # InMemoryStorage's own bookkeeping went through path()
        return os.path.relpath(safe_join(self.location, name), self.location)


@pytest.fixture(autouse=True)
def memory_storage(settings, tmp_path):
    """Make the default storage an in-memory one; fail if anything is written to MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media-root-must-stay-empty"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.NoPathStorage"},
    }
    assert isinstance(_storage(), NoPathStorage)
    with pytest.raises(NotImplementedError):
        _storage().path("anything")
    yield _storage()
    assert not settings.MEDIA_ROOT.exists()


def _storage():
    default_storage._setup()
    return default_storage._wrapped


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _pdf_text(content: bytes) -> str:
    return PdfReader(io.BytesIO(content)).pages[0].extract_text()


# Certificates ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_certificate_pdf_with_its_seal_is_stored_and_downloaded_from_the_storage(
    client, memory_storage, session, worker, county, county_staff
):
    seal = ContentFile(draw_seal(county.name, size=120), name="seal.png")
    seal = set_seal(by=county_staff, federation=county, image=seal)
    certificate = issue_certificate(
        by=county_staff, enrolment=complete(session, worker), on=ISSUED_ON
    )
    assert memory_storage.exists(seal.image.name)
    assert memory_storage.exists(certificate.pdf.name)

    mine = login(client, worker.user).get(reverse("certificates:my_pdf", args=[certificate.pk]))
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    content = _body(mine)
    assert "张晓梅" in _pdf_text(content)
    assert PdfReader(io.BytesIO(content)).pages[0].images  # the seal, read from the storage

    staff = login(client, county_staff).get(
        reverse("certificates_admin:download", args=[certificate.pk])
    )
    assert staff.status_code == 200 and _body(staff) == content


@pytest.mark.django_db
def test_bulk_issue_builds_its_zip_and_print_file_in_the_storage(
    client, memory_storage, session, county_staff
):
    complete(session)
    complete(session)
    job = bulk_issue(by=county_staff, session=session)  # tests run tasks at once
    assert job.status == BulkIssueJob.Status.FINISHED and job.created == 2
    assert memory_storage.exists(job.zip_file.name) and memory_storage.exists(job.print_file.name)

    login(client, county_staff)
    archive = _body(client.get(reverse("certificates_admin:job_zip", args=[job.pk])))
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    printed = _body(client.get(reverse("certificates_admin:job_print", args=[job.pk])))
    assert len(PdfReader(io.BytesIO(printed)).pages) == 2


# Awards ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_award_attachments_are_stored_and_downloaded_from_the_storage(
    client,
    memory_storage,
    county_staff,
    allocation,
    graded_worker,
):
    deeds = SimpleUploadedFile("事迹.pdf", PDF, content_type="application/pdf")
    nomination = awards_fixtures.nominate(county_staff, allocation, graded_worker, deeds_file=deeds)
    assert memory_storage.exists(nomination.deeds_file.name)

    response = login(client, county_staff).get(
        reverse("awards_nominations:download", args=[nomination.pk])
    )
    assert response.status_code == 200 and _body(response) == PDF


# Wagtail documents and images --------------------------------------------------------------------


@pytest.mark.django_db
def test_wagtail_documents_and_images_work_from_the_storage(client, settings, memory_storage):
    from PIL import Image

    document = get_document_model().objects.create(
        title="培训通知", file=ContentFile(b"notice", name="notice.txt")
    )
    assert memory_storage.exists(document.file.name)
    # Without a local path Wagtail redirects to the storage's URL (a signed link on S3) ...
    served = client.get(reverse("wagtaildocs_serve", args=[document.pk, document.filename]))
    assert served.status_code == 302 and served["Location"] == document.file.url
    # ... or streams the file through Django when told to.
    settings.WAGTAILDOCS_SERVE_METHOD = "serve_view"
    served = client.get(reverse("wagtaildocs_serve", args=[document.pk, document.filename]))
    assert served.status_code == 200 and _body(served) == b"notice"

    png = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(png, "PNG")
    image = get_image_model().objects.create(
        title="合影", file=ContentFile(png.getvalue(), name="photo.png"), width=40, height=30
    )
    rendition = image.get_rendition("width-20")
    assert rendition.width == 20 and memory_storage.exists(rendition.file.name)


# The S3 setting ----------------------------------------------------------------------------------

S3_PROBE = """
import django, json
django.setup()
from django.core.files.storage import default_storage as storage
storage._setup()
print(json.dumps({
    "class": type(storage._wrapped).__module__ + "." + type(storage._wrapped).__name__,
    "bucket": storage.bucket_name, "endpoint": storage.endpoint_url,
    "region": storage.region_name, "acl": storage.default_acl,
    "signed": storage.querystring_auth, "overwrite": storage.file_overwrite,
    "url": storage.url("certificates/FC-2030-000001.pdf"),
}))
"""


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_MEDIA"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lms.settings.dev", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_s3_media_storage_is_private_signed_and_never_overwrites():
    done = _python(
        S3_PROBE,
        DJANGO_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="union-media",
        AWS_S3_ENDPOINT_URL="https://minio.internal:9000",
        AWS_S3_REGION_NAME="cn-north-1",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert done.returncode == 0, done.stderr
    storage = json.loads(done.stdout)
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert (storage["bucket"], storage["endpoint"], storage["region"]) == (
        "union-media",
        "https://minio.internal:9000",
        "cn-north-1",
    )
    assert storage["acl"] == "private" and storage["signed"] is True
    assert storage["overwrite"] is False
    # A signed link, made without asking the store anything.
    assert storage["url"].startswith("https://minio.internal:9000/union-media/certificates/")
    assert "X-Amz-Signature=" in storage["url"] and "X-Amz-Expires=3600" in storage["url"]


def test_local_disk_is_the_default_and_s3_needs_a_bucket():
    local = _python("import django; django.setup(); from django.conf import settings; "
                    "print(settings.STORAGES['default']['BACKEND'])")  # fmt: skip
    assert local.stdout.strip() == "django.core.files.storage.FileSystemStorage", local.stderr

    no_bucket = _python("import django; django.setup()", DJANGO_MEDIA_STORAGE="s3")
    assert no_bucket.returncode != 0
    assert "ImproperlyConfigured" in no_bucket.stderr
    assert "AWS_STORAGE_BUCKET_NAME" in no_bucket.stderr

    unknown = _python("import django; django.setup()", DJANGO_MEDIA_STORAGE="ftp")
    assert unknown.returncode != 0 and "must be 'local' or 's3'" in unknown.stderr
