"""Who may open an admin screen at all; which rows it shows is the app's ``scope``."""

from collections.abc import Callable, Iterable

from wagtail.permission_policies import ModelPermissionPolicy


class StaffPermissionPolicy(ModelPermissionPolicy):
    """Let staff (``is_staff(user)``) and superusers do ``actions`` on a model.

    Actions left out (deleting workers, postings, federations, ...) are refused to everyone,
    superusers included. Which rows a permitted user reaches is decided by the views' scope.
    """

    def __init__(self, model, actions: Iterable[str], *, is_staff: Callable[[object], bool]):
        super().__init__(model)
        self.actions = frozenset(actions)
        self.is_staff = is_staff

    def user_has_permission(self, user, action):
        if action not in self.actions or not user.is_active:
            return False
        return user.is_superuser or self.is_staff(user)
