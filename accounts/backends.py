"""Sign-in with a username, a worker's ID number or the worker's registered mobile number.

``IdentifierBackend`` replaces Django's ``ModelBackend`` (it keeps its permission methods);
django-axes' backend runs before it and refuses a locked username + address.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .selectors import account_for


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = account_for(username)
        if user is None:
            # Hash anyway, as ModelBackend does, so an unknown identifier takes as long.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """The name django-axes counts failures under: the account's username when the identifier
    names one account (so ID number and mobile share one count), else what was typed."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = getattr(request, "POST", {}).get("username")
    typed = (typed or "").strip()
    user = account_for(typed)
    return user.get_username() if user is not None else typed
