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

# Whether the user has a confirmed authenticator is looked up once, at sign-in (the signal
# receiver in signals.py calls ``remember_device``), and kept in the session as [user id, bool]:
# an ordinary signed-in request costs no query. Enrolling or removing in this session updates
# it; an authenticator enrolled from another browser is asked for at that session's next
# sign-in.
DEVICE_KEY = "accounts_otp_device"


def remember_device(request, user) -> bool:
    """Look up whether ``user`` has a confirmed authenticator and keep it in the session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    found = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if request is not None and hasattr(request, "session"):
        request.session[DEVICE_KEY] = [user.pk, found]
    return found


def has_confirmed_device(request) -> bool:
    """Return whether the signed-in user has a confirmed authenticator (from the session; one
    query for a session signed in before this was kept)."""
    kept = request.session.get(DEVICE_KEY)
    if kept and kept[0] == request.user.pk:
        return bool(kept[1])
    return remember_device(request, request.user)


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
