"""Email workers whose training deadlines are near or past: ``manage.py notify_deadlines``.

Run it once a day (see README, "Deadline reminders"): a worker gets at most one reminder a day,
so a second run the same day sends nothing new.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courses.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = "Email workers whose training requirements are due soon or overdue (once a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="the day to check, YYYY-MM-DD (default: today in Asia/Shanghai)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list who would be reminded; send nothing"
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}.") from None
        summary = send_deadline_reminders(today=today, dry_run=dry_run)
        verb = "Would remind" if dry_run else "Reminded"
        self.stdout.write(
            f"{today}: {summary.due} workers with training due soon or overdue; "
            f"{verb} {len(summary.sent)}, {summary.already} already reminded today, "
            f"{summary.skipped} without an email address."
        )
