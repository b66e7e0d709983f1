"""Template tags for pages of other apps that show a worker's certificates."""

from django import template
from django.utils import timezone

from .. import selectors

register = template.Library()


@register.inclusion_tag("certificates/includes/my_certificates_card.html")
def my_certificates_card(worker):
    """Render the worker's certificates as a card (1 query), e.g. on "my training"."""
    today = timezone.localdate()
    certificates = selectors.my_certificates(worker)
    for certificate in certificates:
        certificate.current_standing = str(certificate.standing(today))
    return {"certificates": certificates}
