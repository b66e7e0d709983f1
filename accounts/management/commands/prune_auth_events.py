"""Delete the authentication events older than ``AUTH_AUDIT_RETENTION_DAYS`` (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = "Delete the authentication events (认证日志) older than AUTH_AUDIT_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of AUTH_AUDIT_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.AUTH_AUDIT_RETENTION_DAYS if days is None else days
        deleted = services.prune_events(days=days)
        self.stdout.write(f"Deleted {deleted} authentication events older than {days} days.")
