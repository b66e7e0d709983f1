from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_search, name="verify_search"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<path:rest>", views.verify_other, name="verify_other"),
    path("me/certificates/", views.my_certificates, name="mine"),
    path("me/certificates/<int:pk>/pdf/", views.my_certificate_pdf, name="my_pdf"),
]
