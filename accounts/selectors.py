"""Reads of the accounts app: which account an identifier names, a link by its code, link states."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from workforce import idnumber

from . import rules
from .models import ActivationLink


def account_for(identifier: str):
    """Return the one user named by ``identifier``, or None (see ``rules.pick_account``).

    An identifier is a username, a worker's ID number (either case of a final X) or the mobile
    number registered for a worker. One query.
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = get_user_model().objects.filter(
        Q(username=identifier)
        | Q(worker__id_number=idnumber.normalize(identifier))
        | Q(worker__mobile=identifier)
    )
    found = {user.pk: user for user in users[:2]}
    pk = rules.pick_account(set(found))
    return found.get(pk)


def link_for_code(code: str) -> ActivationLink | None:
    """Return the activation link of ``code`` (typed or from a URL), or None."""
    return (
        ActivationLink.objects.select_related("user")
        .filter(code_hash=rules.hash_code(code))
        .first()
    )


def open_links_by_user(user_ids) -> dict[int, ActivationLink]:
    """Return {user id: open link} for the given users, in one query."""
    return {
        link.user_id: link for link in ActivationLink.objects.open().filter(user_id__in=user_ids)
    }
