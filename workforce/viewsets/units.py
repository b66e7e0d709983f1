"""基层工会 Unit: the grassroots unions a federation manages, deleted only when unposted."""

from django.contrib.admin.utils import quote
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column

from lms.admin.views import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    changed_values,
)

from .. import services
from ..forms import UnitForm
from ..models import Unit
from ..services import WorkforceError
from .base import UNITS, WorkforceViewSet, federation_filter


class UnitFilterSet(WagtailFilterSet):
    federation = federation_filter(_("所属总工会"), "federation__")

    class Meta:
        model = Unit
        fields = ["federation", "kind"]


class UnitIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("federation")
            .annotate(posted=Count("postings", filter=Q(postings__end__isnull=True)))
        )


class UnitCreateView(ScopedCreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.add_unit(
            by=self.request.user, **{name: data[name] for name in services.UNIT_FIELDS}
        )


class UnitEditView(ScopedEditView):
    def save_instance(self):
        return services.update_unit(
            by=self.request.user,
            unit=self.object,
            **changed_values(self.form, services.UNIT_FIELDS),
        )


class UnitDeleteView(ScopedDeleteView):
    """Delete a unit through the service, which keeps units that have postings."""

    template_name = "workforce/admin/unit_confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["posting_count"] = self.object.postings.count()
        context["edit_url"] = reverse(self.edit_url_name, args=[quote(self.object.pk)])
        return context

    def delete_action(self):
        services.delete_unit(by=self.request.user, unit=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except WorkforceError as error:
            messages.error(self.request, str(error))
            return redirect(self.edit_url_name, quote(self.object.pk))


class UnitViewSet(WorkforceViewSet):
    model = Unit
    name = UNITS
    url_prefix = "workforce/units"
    icon = "home"
    menu_order = 200
    index_view_class = UnitIndexView
    add_view_class = UnitCreateView
    edit_view_class = UnitEditView
    delete_view_class = UnitDeleteView
    filterset_class = UnitFilterSet
    search_fields = ["name", "address"]
    list_display = [
        "name",
        "kind",
        Column("federation", label=_("所属总工会"), accessor="federation.display_name"),
        "headcount",
        Column("posted", label=_("在岗工作者")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("federation"),
            FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
            FieldRowPanel([FieldPanel("headcount"), FieldPanel("address")]),
        ],
        base_form_class=UnitForm,
    )
