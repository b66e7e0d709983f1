"""A model viewset whose every view sees only the rows the user manages."""

from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet

from .views import (
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedHistoryView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedUsageView,
)


class ServiceModelViewSet(ModelViewSet):
    """A viewset for records that change only through services: no copy screen, no reference
    index (so no usage screen) and lists searched in the database, not a search index.
    """

    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None


class ScopedModelViewSet(ServiceModelViewSet):
    """Every view reads through ``scope(user)``; subclasses define it from their app's
    ``permissions.py``. A separate ``create_handler`` (if set) builds the add form.
    """

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    create_handler = None

    def scope(self, user):
        raise NotImplementedError(f"{type(self).__name__} must define scope(user).")

    def get_common_view_kwargs(self, **kwargs):
        # The reference index is off for these models, so a usage screen would mislead.
        return super().get_common_view_kwargs(scope=self.scope, usage_url_name=None, **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        if self.create_handler is None:
            return super().get_add_view_kwargs(**kwargs)
        panel = self.create_handler.bind_to_model(self.model)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)


class ScopedListViewSet(ScopedModelViewSet):
    """A scoped list only (records that change through actions, or not at all): no add, edit,
    delete, history or inspect screen. ``extra_urls()`` gives a subclass's own views.
    """

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            inspect_url_name=None,
            **kwargs,
        )

    def extra_urls(self) -> list:
        return []

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            *self.extra_urls(),
        ]
