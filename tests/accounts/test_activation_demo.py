"""The accounts demo step: two 涪城区 links out, once; the screen's address printed every run."""

from django.contrib.auth import get_user_model

from accounts import demo
from accounts.models import ActivationLink
from tests.factories import WorkerFactory
from workforce.demo import DemoContext


def _fresh(county, n):
    workers = []
    for i in range(n):
        worker = WorkerFactory(federation=county, name=f"演示{i}")
        worker.user.set_unusable_password()
        worker.user.save()
        workers.append(worker)
    return workers


def test_demo_issues_two_links_once_and_prints_the_screen(county, worker):
    _fresh(county, 3)
    admin = get_user_model().objects.create_superuser("admin", "", "x")
    ctx = DemoContext(by=admin, federations={"FC": county})
    for step in demo.DEMO_STEPS:
        step(ctx)
    links = list(ActivationLink.objects.values_list("code_hash", "user__worker__name"))
    assert len(links) == 2
    assert worker.name not in {name for _hash, name in links}  # the persona is activated
    (label, url) = ctx.links[0]
    assert "账号激活" in label
    assert url.endswith(f"/admin/accounts/activation/?federation={county.pk}")

    again = DemoContext(by=admin, federations={"FC": county})
    for step in demo.DEMO_STEPS:
        step(again)
    assert list(ActivationLink.objects.values_list("code_hash", "user__worker__name")) == links
    assert not again.created
    assert again.links == ctx.links
    # the others stay not activated
    assert get_user_model().objects.filter(password__startswith="!").count() == 3
