"""The client's address, read where every part of the site reads it.

django-ratelimit (verification and survey limits), django-axes (login lock-out) and the
authentication audit all call ``client_ip``: behind a reverse proxy set ``RATELIMIT_IP_META_KEY``
to the header the proxy sets (e.g. ``HTTP_X_REAL_IP``), otherwise ``REMOTE_ADDR`` is used.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the client's IP address of ``request`` (None when there is no request)."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    value = meta.get(settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR") or meta.get("REMOTE_ADDR")
    return value.split(",")[0].strip() if value else None
