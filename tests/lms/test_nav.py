"""Personal links (lms/nav.py): the apps' providers, in one list, for signed-in users only."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from accounts.nav import account_links
from compensation.nav import compensation_links
from evaluation.nav import evaluation_links
from lms import nav
from mentorship.nav import mentoring_links


def test_the_apps_register_their_links_once_in_app_order(monkeypatch):
    assert nav._providers == [mentoring_links, evaluation_links, compensation_links, account_links]
    monkeypatch.setattr(nav, "_providers", list(nav._providers))
    nav.register_personal_links(mentoring_links)  # ready() run again
    assert nav._providers == [mentoring_links, evaluation_links, compensation_links, account_links]


def test_signed_out_runs_no_provider(monkeypatch, db, django_assert_num_queries):
    called = []
    monkeypatch.setattr(nav, "_providers", [lambda user: called.append(user) or []])
    with django_assert_num_queries(0):
        assert nav.personal_links(AnonymousUser()) == []
        assert nav.personal_links(None) == []
    assert not called


def test_the_links_are_read_only_when_shown(monkeypatch):
    called = []
    link = nav.Link("我的", "/me/")
    monkeypatch.setattr(nav, "_providers", [lambda user: called.append(user) or [link]])
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True))
    context = nav.personal_nav(request)
    assert not called
    assert list(context["personal_nav"]) == [link]
    assert called == [request.user]


def test_two_factor_is_offered_to_staff_only(county_staff, worker, django_assert_num_queries):
    for user in (county_staff, worker.user):
        user.has_perm("wagtailadmin.access_admin")  # the site header asks it too (cached)
    with django_assert_num_queries(1):
        labels = [link.label for link in account_links(county_staff)]
    assert labels == ["修改密码", "两步验证"]
    with django_assert_num_queries(0):
        assert [link.label for link in account_links(worker.user)] == ["修改密码"]


def test_is_manager_agrees_with_is_federation_staff(city_staff, county_staff, worker, db):
    from accounts.permissions import is_manager
    from tests.factories import UserFactory
    from workforce.permissions import is_federation_staff

    for user in (city_staff, county_staff, worker.user, UserFactory(is_superuser=True)):
        fresh = type(user).objects.get(pk=user.pk)
        assert is_manager(fresh) == is_federation_staff(user)
