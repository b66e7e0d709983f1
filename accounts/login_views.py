"""Signing in on the site (/accounts/login/) and in the Wagtail admin, by username, ID number or
mobile number (``accounts.backends.IdentifierBackend``).

An unknown, ambiguous or wrong identifier and a wrong password get one and the same message, so
the page tells nobody which ID numbers or mobile numbers have an account. django-axes counts the
failures of both forms (it listens to Django's ``authenticate``) and answers a locked pair with
its lock-out page.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from .activation_views import home_for

IDENTIFIER_LABEL = _("身份证号 / 手机号 / 用户名")
INVALID_LOGIN = _(
    "登录名或密码不正确。请核对身份证号、手机号或用户名以及密码；尚未激活的账号请先激活。"
)


class IdentifierLoginForm(AuthenticationForm):
    """The site's sign-in form: one identifier field (ID number, mobile or username) + password."""

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = IDENTIFIER_LABEL


class AdminLoginForm(WagtailLoginForm):
    """The Wagtail admin's sign-in form (``WAGTAILADMIN_USER_LOGIN_FORM``), with the same label
    and the same message as the site's."""

    error_messages = {**WagtailLoginForm.error_messages, "invalid_login": INVALID_LOGIN}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = IDENTIFIER_LABEL
        self.fields["username"].widget.attrs["placeholder"] = IDENTIFIER_LABEL
        self.fields["password"].label = _("密码")


class LoginView(auth_views.LoginView):
    """登录: identifier and password; then ``next``, or 我的 for a worker, the admin for staff."""

    form_class = IdentifierLoginForm
    template_name = "registration/login.html"

    def get_default_redirect_url(self):
        return home_for(self.request.user)
