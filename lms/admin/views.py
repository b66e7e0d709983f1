"""Wagtail's generic admin views, each seeing only the rows the user manages.

A view gets ``scope`` (a function of the user returning a queryset) from its viewset; every
lookup goes through it, so another federation's object is a 404, never a 403.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.admin.utils import quote, unquote
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.views.generic.usage import UsageView

from lms.errors import DomainError


def relabel_inspect(buttons):
    """Call Wagtail's "Inspect" (检查) item 详情, the word staff use for a record's details."""
    for button in buttons:
        if button.icon_name == "info-circle":
            button.label = _("详情")
    return buttons


def action_crumbs(view, obj, label) -> list[dict]:
    """Return breadcrumbs Home › list › object › ``label`` for an action screen about ``obj``."""
    items = list(view.breadcrumbs_items)
    items.append({"url": reverse(view.index_url_name), "label": obj._meta.verbose_name_plural})
    items.append({"url": reverse(view.edit_url_name, args=[quote(obj.pk)]), "label": str(obj)})
    items.append({"url": "", "label": label, "sublabel": str(obj)})
    return items


@dataclass(frozen=True)
class Outcome:
    """What ``call_service`` did: true when the service went through, with its ``result``."""

    ok: bool
    result: Any = None

    def __bool__(self) -> bool:
        return self.ok


def call_service(request, service, /, *, form=None, **kwargs) -> Outcome:
    """Run ``service(by=request.user, **kwargs)`` for an admin screen and return its outcome.

    A refusal (``DomainError``) is shown to the user: on ``form`` when given (the page is
    rendered again), otherwise as an error message (the page redirects).
    """
    try:
        return Outcome(True, service(by=request.user, **kwargs))
    except DomainError as error:
        if form is None:
            messages.error(request, str(error))
        else:
            form.add_error(None, str(error))
        return Outcome(False)


def changed_values(form, allowed) -> dict:
    """Return the cleaned values of the form's changed fields that are among ``allowed``."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


class ScopedMixin:
    """Read rows through ``scope(user)``, set by the viewset."""

    scope = None

    def scoped_queryset(self):
        return self.scope(self.request.user)


class ServiceErrorMixin:
    """Show a ``DomainError`` raised while saving as an error on the form, not a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            form.add_error(None, str(error))
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ActionFormView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """An admin form about one object (``get_object``), saved through a service by ``save``.

    ``save(form)`` calls the service and returns the success message; a ``DomainError`` it
    raises is shown on the form instead. Then the user goes to ``get_success_url()``.
    """

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()

    def get_object(self):
        raise NotImplementedError(f"{type(self).__name__} must define get_object().")

    def get_page_subtitle(self):
        return str(self.object)

    def save(self, form) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define save(form).")

    def form_valid(self, form):
        try:
            message = self.save(form)
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())


class ScopedIndexView(ScopedMixin, IndexView):
    results_template_name = "lms/admin/index_results.html"

    def get_base_queryset(self):
        return self.scoped_queryset()

    def get_list_more_buttons(self, instance):
        return relabel_inspect(super().get_list_more_buttons(instance))


class ScopedCreateView(ServiceErrorMixin, CreateView):
    page_title = _("新建")

    def get_breadcrumbs_items(self):
        # Wagtail's "New: …" crumb has no Chinese translation yet.
        items = super().get_breadcrumbs_items()
        items[-1] = {
            **items[-1],
            "label": _("新建%(model_name)s") % {"model_name": self.get_page_subtitle()},
        }
        return items


class ScopedEditView(ScopedMixin, ServiceErrorMixin, EditView):
    def get_queryset(self):
        return self.scoped_queryset()

    @cached_property
    def header_more_buttons(self):
        return relabel_inspect(super().header_more_buttons)


class ScopedDeleteView(ScopedMixin, DeleteView):
    def get_queryset(self):
        return self.scoped_queryset()


class ScopedInspectView(ScopedMixin, InspectView):
    page_title = _("详情")

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=unquote(str(self.pk)))

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value


class ScopedHistoryView(ScopedMixin, HistoryView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedUsageView(ScopedMixin, UsageView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()
