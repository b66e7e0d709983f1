"""Model fields that every app declares the same way."""

from django.conf import settings
from django.db import models


def acting_user(verbose_name, *, blank: bool = True) -> models.ForeignKey:
    """Return a foreign key to the user who acted on a record (签发人, 撤销人, 发起人).

    The record outlives the account (``SET_NULL``), the user gets no reverse accessor, and
    services fill it in, so forms leave it optional unless ``blank=False``.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name="+",
        verbose_name=verbose_name,
    )
