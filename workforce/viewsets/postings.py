"""定岗 Posting: who works at which unit since when; an open posting can be ended."""

import django_filters
from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn

from lms.admin.views import ScopedCreateView, ScopedEditView, ScopedIndexView, ScopedInspectView

from .. import services
from ..forms import EndPostingForm, PostingCreateForm
from ..models import Posting
from .base import POSTINGS, WorkforceViewSet, federation_filter


class PostingFilterSet(WagtailFilterSet):
    federation = federation_filter(_("聘用单位（含下级）"), "worker__federation__")
    open = django_filters.BooleanFilter(label=_("在岗"), field_name="end", lookup_expr="isnull")

    class Meta:
        model = Posting
        fields = ["federation", "open", "kind"]


class PostingIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("worker", "unit", "unit__federation")

    def get_edit_url(self, instance):
        # Only an open posting can be ended; a closed one links to its details.
        if instance.end is None:
            return super().get_edit_url(instance)
        return None


class PostingCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if worker := self.request.GET.get("worker"):
            initial["worker"] = worker
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        return services.post_worker(
            by=self.request.user,
            worker=data["worker"],
            unit=data["unit"],
            start=data["start"],
            kind=data["kind"],
        )


class PostingEndView(ScopedEditView):
    """End an open posting (结束定岗); a closed one is shown read-only instead."""

    page_title = _("结束定岗")
    submit_button_label = _("结束定岗")
    success_message = _("定岗“%(object)s”已结束。")

    def get_queryset(self):
        return super().get_queryset().select_related("worker", "unit")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.end is not None:
            return redirect(self.inspect_url_name, quote(self.object.pk))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.end is not None:
            return redirect(self.inspect_url_name, quote(self.object.pk))
        return super().post(request, *args, **kwargs)

    def save_instance(self):
        services.end_posting(
            by=self.request.user, worker=self.object.worker, on=self.form.cleaned_data["end"]
        )
        self.object.refresh_from_db()
        return self.object


class PostingInspectView(ScopedInspectView):
    def get_queryset(self):
        return super().get_queryset().select_related("worker", "unit")

    def get_edit_url(self):
        if self.object.end is None:
            return super().get_edit_url()
        return None


def _day(field: str):
    """Return an accessor showing a date field as 2025-06-01 (not "3 years ago")."""

    def accessor(instance):
        value = getattr(instance, field)
        return date_format(value, "Y-m-d") if value else ""

    return accessor


def _posting_state(posting: Posting) -> str:
    return _("在岗") if posting.end is None else _("已结束")


class PostingViewSet(WorkforceViewSet):
    model = Posting
    name = POSTINGS
    url_prefix = "workforce/postings"
    icon = "pick"
    menu_order = 400
    ordering = "-start"
    index_view_class = PostingIndexView
    add_view_class = PostingCreateView
    edit_view_class = PostingEndView
    inspect_view_class = PostingInspectView
    inspect_view_enabled = True
    inspect_view_fields = ["worker", "unit", "kind", "start", "end"]
    filterset_class = PostingFilterSet
    search_fields = ["worker__name", "unit__name"]
    list_display = [
        "worker",
        Column("unit", label=_("定岗单位"), accessor="unit.name"),
        "kind",
        Column("start", label=_("开始日期"), accessor=_day("start"), sort_key="start"),
        Column("end", label=_("结束日期"), accessor=_day("end"), sort_key="end"),
        StatusTagColumn(
            "state",
            label=_("状态"),
            accessor=_posting_state,
            primary=lambda posting: posting.end is None,
        ),
    ]
    edit_handler = ObjectList([FieldPanel("end")], base_form_class=EndPostingForm)
    create_handler = ObjectList(
        [
            FieldPanel("worker"),
            FieldPanel("unit"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("start")]),
        ],
        base_form_class=PostingCreateForm,
    )
