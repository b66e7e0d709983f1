"""Password pages: changing one's own password from "我的" (and resetting it by email)."""

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


urlpatterns = [
    path("me/password/", PasswordChangeView.as_view(), name="password_change"),
]
