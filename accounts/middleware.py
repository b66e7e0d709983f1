"""Ask for the second factor after the password: ``SecondFactorMiddleware``.

Runs right after django-otp's ``OTPMiddleware`` (which knows whether this session entered a
code) on every request, the Wagtail admin included: ``rules.second_factor`` decides, this
module only sends the user to 输入验证码 or to 两步验证 (enrol) and lets the pages needed on
the way through (the two-factor pages, signing out, static files, language, health check).
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import rules
from .choices import SecondFactor
from .permissions import is_manager

# The session remembers "this user has no confirmed device" for the session it was found in,
# so an ordinary signed-in request costs no query. The session key changes at every sign-in
# (Django cycles it), so a fresh sign-in looks again.
NO_DEVICE_KEY = "accounts_no_otp_device"


def _no_device_marker(request) -> str:
    return f"{request.user.pk}:{request.session.session_key}"


def forget_device_state(request) -> None:
    """Drop the remembered device state (after enrolling or removing a device)."""
    request.session.pop(NO_DEVICE_KEY, None)


def has_confirmed_device(request) -> bool:
    """Return whether the signed-in user has a confirmed authenticator (one query at most)."""
    cached = getattr(request, "_has_otp_device", None)
    if cached is not None:
        return cached
    if request.session.get(NO_DEVICE_KEY) == _no_device_marker(request):
        found = False
    else:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        found = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        if not found and request.session.session_key:
            request.session[NO_DEVICE_KEY] = _no_device_marker(request)
    request._has_otp_device = found
    return found


def second_factor_state(request) -> SecondFactor:
    """Return what the signed-in user of ``request`` must do about the second factor."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return SecondFactor.NONE
    mandatory = settings.OTP_REQUIRED_FOR_STAFF
    has_device = has_confirmed_device(request)
    return rules.second_factor(
        # Only asked when it can change the answer: it may cost a query.
        is_manager=mandatory and not has_device and is_manager(user),
        has_device=has_device,
        verified=False,
        mandatory=mandatory,
    )


def _always_open(path: str) -> bool:
    prefixes = [
        settings.STATIC_URL,
        settings.MEDIA_URL,
        "/i18n/",
        "/healthz",
        reverse("logout"),
        reverse("wagtailadmin_logout"),
        reverse("accounts:two_factor_verify"),
    ]
    return any(prefix and path.startswith(prefix) for prefix in prefixes)


class SecondFactorMiddleware:
    """Send a user who owes a second factor to enter a code (or to enrol) before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated or _always_open(request.path):
            return self.get_response(request)
        state = second_factor_state(request)
        if state == SecondFactor.NONE:
            return self.get_response(request)
        if state == SecondFactor.VERIFY:
            target = reverse("accounts:two_factor_verify")
        else:
            target = reverse("accounts:two_factor")
            if request.path.startswith(target):
                return self.get_response(request)
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
