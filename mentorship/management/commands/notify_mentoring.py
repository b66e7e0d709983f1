"""Flag pairings past their end date and send the mentoring reminders:
``manage.py notify_mentoring``.

Run it once a day (see README, "Mentoring: daily job, training hours, certificates"): it
completes nothing by itself, and the same reminder about a pairing is sent at most once a
day, so a second run the same day sends nothing new.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mentorship.reminders import send_mentoring_reminders


class Command(BaseCommand):
    help = (
        "Flag mentoring pairings past their end date and remind about overdue check-ins and "
        "reviews due (once a day)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="the day to check, YYYY-MM-DD (default: today in Asia/Shanghai)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; change nothing"
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, got {date!r}.") from None
        summary = send_mentoring_reminders(today=today, dry_run=dry_run)
        due = summary.due
        verb = "Would send" if dry_run else "Sent"
        flag = "would flag" if dry_run else "flagged"
        self.stdout.write(
            f"{today}: {due['term_ending']} pairings past their end date "
            f"({len(summary.flagged)} {flag} now), {due['checkin_overdue']} with check-ins "
            f"overdue, {due['review_due']} with reviews due; {verb} {len(summary.sent)} "
            f"reminders, {summary.already} already sent today, {summary.skipped} without an "
            "email address."
        )
