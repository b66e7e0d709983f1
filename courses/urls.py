from django.urls import path  # noqa: F401 - patterns are added below by feature

from . import views  # noqa: F401

app_name = "courses"

urlpatterns: list = []
