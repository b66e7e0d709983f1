"""Demo data for accounts: a few 涪城区 workers with an activation link out, the rest not
activated, and the address of the 账号激活 screen printed with the demo links.

Run by ``manage.py load_demo_data`` after the workforce steps (see ``workforce/demo.py`` for the
rules every step follows). Registered workers have no usable password until they activate
their account (``workforce.services.register_worker``); only the ``worker`` persona has one.
The links go out through ``services.issue_activation_links`` as the demo admin (``ctx.by``),
once: when any activation link exists, nothing is issued again. Their codes are printed
nowhere (as in the product, only a downloaded sheet holds them): staff print a fresh sheet
on the screen, which revokes these.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from workforce.demo import DemoContext
from workforce.models import Worker

from . import services
from .models import ActivationLink

COUNTY = "FC"
ISSUED = 2  # 涪城区 workers whose link is out (the screen shows 激活链接有效至 …)


def issue_demo_links(ctx: DemoContext) -> None:
    """Issue links for the first two not-activated 涪城区 workers (by ID number), once."""
    if ActivationLink.objects.exists():
        return
    federation = ctx.federations.get(COUNTY)
    if federation is None or ctx.by is None:
        return
    workers = (
        Worker.objects.filter(
            federation=federation,
            status=Worker.Status.ACTIVE,
            user__is_active=True,
            user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        )
        .select_related("user")
        .order_by("id_number")[:ISSUED]
    )
    users = [worker.user for worker in workers]
    if users:
        services.issue_activation_links(by=ctx.by, users=users)
        ctx.count(_("激活链接"), len(users))


def activation_links(ctx: DemoContext) -> None:
    """Print where staff print activation sheets (as ``fucheng``: 涪城区's workers)."""
    federation = ctx.federations.get(COUNTY)
    query = f"?{urlencode({'federation': federation.pk})}" if federation else ""
    ctx.add_link(
        _("账号激活：打印激活单（以 fucheng 或 admin 登录）"),
        f"{settings.SITE_URL}{reverse('accounts_activation:index')}{query}",
    )


DEMO_STEPS = [issue_demo_links, activation_links]
