from django.urls import path  # noqa: F401 - patterns are added below by feature

from . import views  # noqa: F401

app_name = "courses"

urlpatterns: list = []

# Sessions and enrolment (courses/views.py); catalogs and courses are Wagtail pages.
urlpatterns += [
    path("training/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("training/sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("training/enrolments/<int:pk>/cancel/", views.cancel_enrolment, name="cancel_enrolment"),
]

# Calendars (courses/feeds.py)
from . import feeds  # noqa: E402

urlpatterns += [
    path("calendar/session/<int:pk>.ics", feeds.session_ics, name="session_ics"),
    path("calendar/federation/<str:token>.ics", feeds.federation_feed, name="federation_feed"),
    path("calendar/reset/", feeds.reset_feed, name="feed_reset"),
    path("calendar/<str:token>.ics", feeds.worker_feed, name="worker_feed"),
]

# Training compliance: the worker's "my training" (courses/compliance_views.py)
from . import compliance_views  # noqa: E402

urlpatterns += [
    path("me/training/", compliance_views.my_training, name="my_training"),
]
