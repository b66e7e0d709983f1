from . import activation_views, password_views, two_factor_views

app_name = "accounts"
urlpatterns = [
    *activation_views.urlpatterns,
    *password_views.urlpatterns,
    *two_factor_views.urlpatterns,
]
