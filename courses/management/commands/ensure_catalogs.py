"""Create the training index page and the four course catalogs if they are missing."""

from django.core.management.base import BaseCommand

from courses.catalogs import ensure_catalogs


class Command(BaseCommand):
    help = "Create the training index page and the four catalogs if missing; grant staff rights."

    def handle(self, *args, **options):
        index = ensure_catalogs()
        self.stdout.write(f"Training catalogs ready under {index.url_path}")
