"""Two-factor sign-in pages (两步验证) for staff, and the code asked after the password.

- ``two_factor``: the signed-in staff member's status; start enrolling, renew the recovery
  codes, turn it off (the last two need a current code);
- ``two_factor_setup``: the QR code and secret of the authenticator being enrolled, confirmed
  with a code it shows;
- ``two_factor_codes``: the recovery codes, shown once right after they are made;
- ``two_factor_verify`` (输入验证码): after the password, an authenticator code or one recovery
  code (``accounts.middleware.SecondFactorMiddleware`` sends users here).

Workers are not asked: the enrolment pages are a 404 for anyone who is neither federation
staff nor a superuser. Every change goes through ``accounts.services``.
"""

from base64 import b32encode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import services
from .middleware import has_confirmed_device, remember_device
from .permissions import is_manager

# The recovery codes, kept in the session from the moment they are made until shown once.
CODES_KEY = "accounts_new_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "size": 12}
        ),
    )


def _manager_or_404(request) -> None:
    if not is_manager(request.user):
        raise Http404("Workers are not asked for a second factor.")


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _show_codes(request, codes: list[str]):
    request.session[CODES_KEY] = codes
    return redirect("accounts:two_factor_codes")


def _status(user) -> dict:
    """What the status page shows: the confirmed authenticator, codes left, a pending one."""
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = list(TOTPDevice.objects.filter(user=user).order_by("-pk"))
    confirmed = next((d for d in devices if d.confirmed), None)
    return {
        "device": confirmed,
        "pending": next((d for d in devices if not d.confirmed), None),
        "codes_left": (
            StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
            if confirmed
            else 0
        ),
        "mandatory": settings.OTP_REQUIRED_FOR_STAFF,
    }


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """两步验证: status; POST ``action`` = start, renew (with a code) or remove (with a code)."""
    _manager_or_404(request)
    forms_ = {"renew": CodeForm(prefix="renew"), "remove": CodeForm(prefix="remove")}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            try:
                services.enrol_totp(by=request.user, verified=request.user.is_verified())
            except services.AccountError as error:
                messages.error(request, str(error))
                return redirect("accounts:two_factor")
            return redirect("accounts:two_factor_setup")
        if action not in forms_:
            return redirect("accounts:two_factor")
        form = forms_[action] = CodeForm(request.POST, prefix=action)
        if form.is_valid():
            token = form.cleaned_data["code"]
            try:
                if action == "renew":
                    codes = services.renew_recovery_codes(
                        by=request.user, token=token, request=request
                    )
                    return _show_codes(request, codes)
                services.remove_two_factor(by=request.user, token=token, request=request)
            except services.AccountError as error:
                form.add_error("code", str(error))
            else:
                remember_device(request, request.user)
                request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
                messages.success(request, _("已停用两步验证。"))
                return redirect("accounts:two_factor")
    context = {**_status(request.user), "renew_form": forms_["renew"]}
    context["remove_form"] = forms_["remove"]
    return render(request, "accounts/two_factor.html", context)


def _qr_svg(device) -> str:
    """The device's otpauth:// URL as an inline SVG (no image request, no script)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("用身份验证器扫描"))
    return mark_safe(svg)  # noqa: S308 (segno writes the markup; the URL is escaped in it)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """The QR code and secret of the authenticator being enrolled; confirmed with its code."""
    _manager_or_404(request)
    device = services.pending_totp(request.user)
    if device is None:
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = services.confirm_totp(
                by=request.user, token=form.cleaned_data["code"], request=request
            )
        except services.AccountError as error:
            form.add_error("code", str(error))
        else:
            remember_device(request, request.user)
            django_otp.login(request, confirmed)
            return _show_codes(request, codes)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    context = {"form": form, "qr": _qr_svg(device), "secret": _grouped(secret)}
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_codes(request):
    """The new recovery codes, shown this once (a reload goes back to the status page)."""
    _manager_or_404(request)
    codes = request.session.pop(CODES_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": [services.format_recovery_code(code) for code in codes]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """输入验证码: after the password, an authenticator code or one recovery code."""
    done = _next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.user.is_verified() or not has_confirmed_device(request):
        return redirect(done)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.verify_second_factor(
                user=request.user, token=form.cleaned_data["code"], request=request
            )
        except services.AccountError as error:
            form.add_error("code", str(error))
        else:
            django_otp.login(request, check.device)
            if check.recovery_codes_left is not None:
                messages.warning(
                    request,
                    _(
                        "已使用一个恢复码，还剩 %(count)s 个。"
                        "恢复码不足时请在“两步验证”页面重新生成。"
                    )
                    % {"count": check.recovery_codes_left},
                )
            return redirect(done)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": done, "two_factor_url": reverse("accounts:two_factor")},
    )


urlpatterns = [
    path("accounts/two-factor/", two_factor, name="two_factor"),
    path("accounts/two-factor/setup/", two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/codes/", two_factor_codes, name="two_factor_codes"),
    path("accounts/two-factor/verify/", two_factor_verify, name="two_factor_verify"),
]
