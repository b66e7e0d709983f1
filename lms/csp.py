"""The Content-Security-Policy nonce where the request is out of reach.

django-csp gives each request a nonce (``request.csp_nonce``) that templates with the request
put on their inline ``<script>``. Form widgets (Wagtail's date and time inputs) render without
the request, so ``CurrentRequestMiddleware`` keeps the request being answered in a context
variable and the template tag ``{% csp_nonce %}`` (``{% load csp_nonce %}``) reads its nonce
from there: an empty string outside a request, so the script is refused rather than trusted.
"""

from contextvars import ContextVar

from django import template

_current_request: ContextVar = ContextVar("csp_current_request", default=None)

register = template.Library()


class CurrentRequestMiddleware:
    """Remember the request being answered for ``current_nonce`` (after django-csp's middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_nonce() -> str:
    """Return the nonce of the request being answered, or "" outside a request."""
    request = _current_request.get()
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce is not None else ""


@register.simple_tag
def csp_nonce() -> str:
    """The current request's nonce, for ``<script nonce="{% csp_nonce %}">`` in a widget."""
    return current_nonce()
