from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("me/", views.my_page, name="my_page"),
]
