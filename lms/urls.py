from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.login_views import LoginView
from lms.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin's "忘记密码" uses the site's audited reset by email (accounts/password_views.py).
    path("admin/password_reset/", RedirectView.as_view(pattern_name="accounts:password_reset")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("workforce.urls")),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
    path("", include("mentorship.urls")),
    path("", include("evaluation.urls")),
    path("", include("awards.urls")),
    path("", include("compensation.urls")),
    path("", include("accounts.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
