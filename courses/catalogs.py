"""The training section's fixed pages: one TrainingIndexPage and the four catalogs under it.

``ensure_catalogs()`` is a data step (used by demo data, tests and ``manage.py
ensure_catalogs``): it adds whatever is missing and grants the federation staff group the
page permissions it needs to add, edit and publish courses in the catalogs. Which courses a
member may actually touch is cut down to their federations by the hooks in
``courses/wagtail_hooks.py``.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from home.models import HomePage
from workforce.permissions import staff_group

from .models import CatalogPage, CoursePage, TrainingIndexPage, TrainingType

INDEX_SLUG = "training"
INDEX_TITLE = "培训"
INDEX_INTRO = "上岗培训、岗位轮训、专题培训和资格培训的课程目录：查找课程，报名班次。"

CATALOG_INTROS = {
    TrainingType.ONBOARDING: "新聘社会化工会工作者在定岗前或聘用后 90 天内完成的上岗培训。",
    TrainingType.ROTATION: "每 2 年安排 1 次、为期 1 个月的业务轮训。",
    TrainingType.THEMATIC: "围绕工会业务热点和难点的专题培训。",
    TrainingType.QUALIFICATION: "须考试合格方可结业的资格培训。",
}

# Page permission codenames (Wagtail's PAGE_PERMISSION_TYPES) given to staff on each catalog.
STAFF_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _home() -> HomePage:
    home = HomePage.objects.order_by("path").first()
    if home is None:
        raise ImproperlyConfigured("There is no HomePage to put the training pages under.")
    return home


@transaction.atomic
def ensure_catalogs() -> TrainingIndexPage:
    """Create the training index and its four catalogs if missing; grant staff page rights.

    Safe to run any number of times.
    """
    index = TrainingIndexPage.objects.order_by("path").first()
    if index is None:
        index = _home().add_child(
            instance=TrainingIndexPage(title=INDEX_TITLE, slug=INDEX_SLUG, intro=INDEX_INTRO)
        )
    existing = set(CatalogPage.objects.values_list("training_type", flat=True))
    for training_type in TrainingType:
        if training_type.value in existing:
            continue
        index.add_child(
            instance=CatalogPage(
                title=str(training_type.label),
                slug=training_type.value,
                training_type=training_type.value,
                intro=CATALOG_INTROS[training_type],
            )
        )
    group = staff_group()
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=STAFF_PAGE_PERMISSIONS
    )
    for catalog in CatalogPage.objects.all():
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=catalog, permission=permission
            )
    return index


def sync_course_type(page: Page) -> None:
    """Give a course the training type of the catalog it now sits in (after a move).

    ``CoursePage.training_type`` is denormalised from the parent catalog for filtering; the
    catalog decides.
    """
    catalog = page.get_parent().specific
    if isinstance(catalog, CatalogPage):
        CoursePage.objects.filter(pk=page.pk).exclude(training_type=catalog.training_type).update(
            training_type=catalog.training_type
        )
