"""``manage.py load_demo_data``: load the Mianyang demo data and print the demo accounts.

Safe to run again: what exists is kept as it is, only what is missing is added. The data is
built in ``workforce/demo.py``; other apps add theirs through ``<app>/demo.py``.
"""

import datetime as dt
import logging
import time
import unicodedata
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workforce import demo

SUMMARY_LABELS = {
    "federations": gettext_lazy("总工会"),
    "units": gettext_lazy("基层工会"),
    "workers": gettext_lazy("工作者"),
    "postings": gettext_lazy("定岗记录"),
    "exchanges": gettext_lazy("其中岗位交流"),
    "departures": gettext_lazy("离职"),
    "accounts": gettext_lazy("账号"),
    "pages": gettext_lazy("页面"),
    "passwords reset": gettext_lazy("重置密码"),
}


def _width(text: str) -> int:
    """Return the terminal width of ``text``: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


@contextmanager
def _quiet_wagtail(quiet: bool):
    """Hold back Wagtail's INFO line per page saved ("Page created: ...") unless asked for."""
    logger = logging.getLogger("wagtail")
    level = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD。")) from exc
    if day < dt.date(2021, 1, 1):
        raise CommandError(_("演示数据的基准日期不能早于 2021-01-01。"))
    return day


class Command(BaseCommand):
    help = (
        "载入演示数据：绵阳市总工会组织树、约120个基层工会、约250名工作者和各角色演示账号。"
        "可重复运行：已有的数据保持不变，只补充缺少的部分。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--units",
            type=int,
            default=None,
            help=("只载入前 N 个基层工会（默认全部，约120个）。"),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=demo.DEFAULT_WORKERS,
            help=("工作者人数（默认 %(default)s）。"),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=("随机种子；同一种子得到同样的数据（默认 %(default)s）。"),
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help=("基准日期 YYYY-MM-DD，聘用、交流和离职日期以此倒推（默认今天）。"),
        )
        parser.add_argument(
            "--only",
            action="append",
            metavar="APP",
            help=(
                "除队伍数据外只运行这些应用的演示步骤，可重复；--only workforce 只载入队伍数据。"
            ),
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=("把已存在的演示账号的密码改回演示密码。"),
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help=("在 DEBUG 关闭时也运行（演示账号的密码是公开的，切勿用于生产）。"),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                _(
                    "DEBUG 已关闭，这可能是生产环境：演示账号的密码是公开的。"
                    "如确需在此载入演示数据，请加 --allow-without-debug。"
                )
            )
        if options["units"] is not None and options["units"] < 2:
            raise CommandError(_("--units 至少为 2。"))
        if options["workers"] < 1:
            raise CommandError(_("--workers 至少为 1。"))
        unknown = set(options["only"] or ()) - {c.label for c in apps.get_app_configs()}
        if unknown:
            raise CommandError(_("没有这些应用：%(apps)s") % {"apps": ", ".join(sorted(unknown))})
        started = time.monotonic()
        with _quiet_wagtail(options["verbosity"] < 2):
            ctx = demo.load(
                demo.DemoContext(
                    seed=options["seed"],
                    today=options["today"] or timezone.localdate(),
                    unit_count=options["units"],
                    worker_count=options["workers"],
                    reset_passwords=options["reset_passwords"],
                ),
                demo.discover_steps(options["only"]),
            )
        elapsed = time.monotonic() - started
        if options["verbosity"] >= 2:
            for step, seconds in ctx.timings.items():
                self.stdout.write(f"{seconds:6.2f}s  {step}")
        if ctx.created:
            keys = [k for k in SUMMARY_LABELS if k in ctx.created]
            keys += sorted(k for k in ctx.created if k not in SUMMARY_LABELS)
            parts = [f"{SUMMARY_LABELS.get(key, key)} {ctx.created[key]}" for key in keys]
            self.stdout.write(
                self.style.SUCCESS(
                    _("演示数据已载入（%(seconds).1f 秒）。本次新增或改动：%(parts)s。")
                    % {"seconds": elapsed, "parts": "，".join(parts)}
                )
            )
        else:
            message = _("演示数据已齐全，本次未作任何改动（%(seconds).1f 秒）。")
            self.stdout.write(self.style.SUCCESS(message % {"seconds": elapsed}))
        self.stdout.write("")
        kept = [] if options["reset_passwords"] else [a for a in ctx.accounts if not a.created]
        rows = [
            [a.role, a.username, a.password + (" *" if a in kept else ""), a.scope]
            for a in ctx.accounts
        ]
        self.stdout.write(_table([_("角色"), _("用户名"), _("密码"), _("范围")], rows))
        self.stdout.write("")
        self.stdout.write(
            _("以上均为演示密码，仅供本机演示，切勿用于任何真实环境。登录：/accounts/login/")
        )
        if kept:
            self.stdout.write(
                _(
                    "* 账号在本次运行前已存在，密码未改动；若已被修改，"
                    "可运行 load_demo_data --reset-passwords 改回演示密码。"
                )
            )
        if ctx.links:
            self.stdout.write("")
            self.stdout.write(_("演示链接（在手机上打开时，SITE_URL 须是手机能访问的地址）："))
            width = max(_width(label) for label, _url in ctx.links)
            for label, url in ctx.links:
                self.stdout.write(f"{_pad(label, width)}  {url}")
