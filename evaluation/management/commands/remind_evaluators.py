"""Remind evaluators who have not answered: ``manage.py remind_evaluators``.

Run it once a day (see README, "Social evaluation: reminders"). For every cycle collecting
answers today it emails a reminder to each invitee with an address who was emailed the link
and has not answered, at most once every ``--every`` days (default 7). It acts as the system
(``services.remind_evaluators``): no user, no permission check, one audit entry per cycle.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluation import selectors, services
from evaluation.choices import State
from evaluation.models import Cycle


class Command(BaseCommand):
    help = (
        "Email a reminder to invitees of every collecting evaluation cycle who have not "
        "answered yet (at most once every --every days)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=7,
            metavar="DAYS",
            help="remind an invitee at most once in this many days (default 7)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; change nothing"
        )

    def handle(self, *args, every=7, dry_run=False, **options):
        if every < 0:
            raise CommandError("--every must be 0 or more days.")
        now = timezone.now()
        today = timezone.localdate(now)
        cycles = list(
            Cycle.objects.filter(state=State.COLLECTING, opens_on__lte=today, closes_on__gte=today)
            .select_related("federation")
            .order_by("federation__path", "year")
        )
        total = 0
        for cycle in cycles:
            if dry_run:
                count = selectors.reminders_due(cycle, now=now, every_days=every).count()
            else:
                count = services.remind_evaluators(cycle=cycle, now=now, every_days=every)
            total += count
            verb = "would remind" if dry_run else "reminded"
            self.stdout.write(f"{cycle.federation} {cycle.year}: {verb} {count} invitees")
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(f"{today}: {verb} {total} reminders for {len(cycles)} collecting cycles.")
