"""Receivers that write the authentication audit (``services.record``) for events raised
elsewhere: Django's sign-in signals, django-axes' lock-out, workforce's staff rights and changes
to a user's superuser or staff flag (Wagtail's user admin). They only record; they decide nothing.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from workforce.signals import staff_rights_changed

from .choices import EventKind
from .middleware import remember_device
from .selectors import account_for
from .services import record

User = get_user_model()
FLAGS = ("is_superuser", "is_staff")


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    record(EventKind.SIGNED_IN, user=user, request=request)


@receiver(user_logged_in)
def look_up_second_factor(sender, request, user, **kwargs):
    # Kept in the session, so SecondFactorMiddleware asks nothing of the database per request.
    remember_device(request, user)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(EventKind.SIGNED_OUT, user=user, request=request)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    typed = (credentials or {}).get("username") or ""
    record(EventKind.SIGN_IN_FAILED, user=account_for(typed), identifier=typed, request=request)


@receiver(user_locked_out)
def locked_out(sender, request, username, ip_address, **kwargs):
    record(EventKind.LOCKED_OUT, user=account_for(username), identifier=username, request=request)


@receiver(staff_rights_changed)
def staff_rights(sender, user, federation, granted, by, **kwargs):
    kind = EventKind.STAFF_GRANTED if granted else EventKind.STAFF_REVOKED
    record(kind, user=user, actor=by, detail=str(federation))


@receiver(pre_save, sender=User)
def remember_flags(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and not set(FLAGS) & set(update_fields)):
        instance._flags_before = None
        return
    instance._flags_before = User.objects.filter(pk=instance.pk).values_list(*FLAGS).first()


@receiver(post_save, sender=User)
def flags_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_flags_before", None)
    after = tuple(getattr(instance, flag) for flag in FLAGS)
    if created:
        before = (False, False)
    if before is None or before == after:
        return
    for flag, old, new in zip(FLAGS, before, after, strict=True):
        if old != new:
            kind = EventKind.STAFF_GRANTED if new else EventKind.STAFF_REVOKED
            record(kind, user=instance, detail=flag)
