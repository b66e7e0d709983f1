from django.urls import path

from . import views

app_name = "mentorship"

urlpatterns = [
    path("me/mentoring/pairings/<int:pk>/", views.pairing_page, name="pairing"),
]
