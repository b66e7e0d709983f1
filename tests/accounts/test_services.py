"""Activation links, identifier sign-in, lock-out and the audit, through the services."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.utils import timezone

from accounts import services
from accounts.backends import IdentifierBackend
from accounts.choices import EventKind, LinkState
from accounts.models import ActivationLink, AuthEvent
from accounts.selectors import account_for
from tests.factories import UserFactory, WorkerFactory
from workforce.services import grant_staff, revoke_staff

PASSWORD = "Zhang-xiaomei-2026"


@pytest.fixture
def fresh(county):
    """A registered worker whose account has no password yet."""
    user = UserFactory(username="510703199001010011")
    user.set_unusable_password()
    user.save()
    return WorkerFactory(
        federation=county, user=user, id_number="510703199001010011", mobile="13800001111"
    )


def issue(by, *workers, **kwargs):
    return services.issue_activation_links(by=by, users=[w.user for w in workers], **kwargs)


def test_issuing_stores_only_the_hash_and_revokes_the_earlier_link(county_staff, fresh):
    (first,) = issue(county_staff, fresh)
    assert first.url.endswith(f"/accounts/activate/{first.code}/")
    assert not ActivationLink.objects.filter(code_hash=first.code).exists()
    (second,) = issue(county_staff, fresh, days=3)
    links = {link.code_hash: link for link in ActivationLink.objects.filter(user=fresh.user)}
    assert len(links) == 2
    old = ActivationLink.objects.get(code_hash=services.rules.hash_code(first.code))
    assert old.state() == LinkState.REVOKED
    new = ActivationLink.objects.get(code_hash=services.rules.hash_code(second.code))
    assert new.state() == LinkState.VALID
    assert new.expires_at - new.issued_at == dt.timedelta(days=3)
    assert (
        AuthEvent.objects.filter(kind=EventKind.ACTIVATION_ISSUED, actor=county_staff).count() == 2
    )


def test_only_staff_of_the_subtree_issue(outsider, fresh, worker):
    with pytest.raises(services.AccountError):
        issue(outsider, fresh)
    with pytest.raises(services.AccountError):
        issue(worker.user, fresh)  # a worker issues for nobody, not even themself
    assert not ActivationLink.objects.exists()


def test_staff_accounts_need_the_user_admin_right(city_staff):
    staff_account = UserFactory(username="new_staff")
    with pytest.raises(services.AccountError):
        services.issue_activation_links(by=city_staff, users=[staff_account])
    admin = UserFactory(username="root", is_superuser=True)
    (link,) = services.issue_activation_links(by=admin, users=[staff_account])
    assert link.user == staff_account


def test_activation_sets_the_password_once(county_staff, fresh):
    (link,) = issue(county_staff, fresh)
    user = services.activate_account(code=link.printed_code.lower(), password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    with pytest.raises(services.AccountError, match="已经用过"):
        services.activate_account(code=link.code, password="Another-pass-2026")
    assert AuthEvent.objects.filter(kind=EventKind.ACTIVATED, user=user).count() == 1


def test_expired_revoked_and_unknown_links_are_refused(county_staff, fresh):
    (old,) = issue(county_staff, fresh)
    (new,) = issue(county_staff, fresh, days=1)
    with pytest.raises(services.AccountError, match="已作废"):
        services.activate_account(code=old.code, password=PASSWORD)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, seconds=1)):
        with pytest.raises(services.AccountError, match="已过期"):
            services.activate_account(code=new.code, password=PASSWORD)
    with pytest.raises(services.AccountError, match="找不到"):
        services.activate_account(code="ABCD-EFGH-JKMN-PQRS", password=PASSWORD)
    fresh.user.refresh_from_db()
    assert not fresh.user.has_usable_password()


def test_a_deactivated_account_gets_no_link(county_staff, fresh):
    fresh.user.is_active = False
    fresh.user.save()
    with pytest.raises(services.AccountError, match="已停用"):
        issue(county_staff, fresh)


@pytest.mark.parametrize(
    "identifier",
    ["510703199001010011", "13800001111", " 13800001111 "],
)
def test_sign_in_with_id_number_or_mobile(fresh, rf, identifier):
    fresh.user.set_password(PASSWORD)
    fresh.user.save()
    request = rf.post("/accounts/login/")
    assert authenticate(request, username=identifier, password=PASSWORD) == fresh.user


def test_id_number_with_a_lower_case_x(county, rf):
    user = UserFactory(username="staff-x")
    worker = WorkerFactory(federation=county, user=user, id_number="51070319900101003X")
    assert account_for("51070319900101003x") == worker.user


def test_ambiguous_and_unknown_identifiers_fail_like_a_wrong_password(county, fresh):
    fresh.user.set_password(PASSWORD)
    fresh.user.save()
    twin = WorkerFactory(federation=county, mobile="13800001111")
    twin.user.set_password(PASSWORD)
    twin.user.save()
    backend = IdentifierBackend()
    request = RequestFactory().post("/accounts/login/")
    assert backend.authenticate(request, username="13800001111", password=PASSWORD) is None
    assert backend.authenticate(request, username="13999999999", password=PASSWORD) is None
    assert backend.authenticate(request, username="510703199001010011", password="wrong") is None
    assert backend.authenticate(request, username="510703199001010011", password=PASSWORD)
    assert account_for("") is None


def test_staff_rights_and_superuser_flags_are_audited(county, county_staff):
    user = UserFactory(username="clerk")
    grant_staff(by=county_staff, user=user, federation=county)
    revoke_staff(by=county_staff, user=user, federation=county)
    kinds = list(
        AuthEvent.objects.filter(user=user).order_by("pk").values_list("kind", "actor", "detail")
    )
    assert kinds == [
        (EventKind.STAFF_GRANTED, county_staff.pk, str(county)),
        (EventKind.STAFF_REVOKED, county_staff.pk, str(county)),
    ]
    user.is_superuser = True
    user.save()
    user.save(update_fields=["last_login"])
    assert AuthEvent.objects.filter(user=user, detail="is_superuser").count() == 1


def test_prune_keeps_the_retention_period(worker, settings):
    settings.AUTH_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    AuthEvent.objects.create(
        kind=EventKind.SIGNED_IN, user=worker.user, at=now - dt.timedelta(days=31)
    )
    kept = AuthEvent.objects.create(kind=EventKind.SIGNED_IN, user=worker.user, at=now)
    assert services.prune_events(now=now) == 1
    assert list(AuthEvent.objects.all()) == [kept]
