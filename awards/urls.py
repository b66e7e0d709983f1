from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("awards/notice/", views.notice_index, name="notice_index"),
    path("awards/notice/<int:pk>/", views.notice, name="notice"),
    path("awards/notice/<int:pk>/objection/<int:nomination>/", views.objection, name="objection"),
    path("awards/notice/received/", views.objection_received, name="objection_received"),
]
