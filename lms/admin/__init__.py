"""The pieces every app's Wagtail admin screens share.

- ``permissions.StaffPermissionPolicy``: who may open a model's screens at all;
- ``views``: the generic views cut down to the rows a user manages (``scope``), the mixin that
  shows a service's ``DomainError`` on the form, and ``ActionFormView``, the base of a form
  screen about one object (岗位交流, 离职, 撤销证书) with its breadcrumbs;
- ``viewsets.ScopedModelViewSet``: a model viewset wiring those views together.

Which rows a user reaches is never decided here: each app's ``permissions.py`` supplies the
``scope`` (user -> queryset), so another federation's object is simply not found (404).
"""
