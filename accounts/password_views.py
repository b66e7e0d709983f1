"""Password pages: changing one's own password from "我的", and resetting it by email.

The reset is Django's (a one-time link by email, valid ``PASSWORD_RESET_TIMEOUT``), for accounts
with an email address; an account without one gets a new activation link from its union's staff,
as the pages say. The Wagtail admin's "忘记密码" leads here too (lms/urls.py), so there is one
reset with one audit.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from .choices import EventKind
from .services import record


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: the current password, then the new one twice (Django's validators)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(EventKind.PASSWORD_CHANGED, user=form.user, request=self.request)
        messages.success(self.request, _("密码已修改。"))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """忘记密码: the email address; a reset link goes to every active account registered with it.

    The answer is the same whether or not the address names an account. Each request is audited
    with the typed address (and each account a link went to).
    """

    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        # The link starts with SITE_URL, as the activation sheet's do, not with the Host header.
        return {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "site_url": settings.SITE_URL,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)),
        }

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        users = list(form.get_users(email))
        response = super().form_valid(form)
        for user in users or [None]:
            record(EventKind.RESET_REQUESTED, user=user, identifier=email, request=self.request)
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """设置新密码 from the emailed link (Django's validators); a used or stale link is refused."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(EventKind.PASSWORD_RESET, user=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


urlpatterns = [
    path("me/password/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/done/",
        PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/complete/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
