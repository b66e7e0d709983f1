from django.urls import path

from . import views

app_name = "compensation"

urlpatterns = [
    # The signed-in worker's post, level and pay history.
    path("me/pay/", views.my_pay, name="my_pay"),
]
