"""Propose a federation's annual step changes: ``manage.py propose_steps``.

For cron or a batch: ``--federation CODE --year YYYY [--effective-from YYYY-MM-DD] --by
USERNAME``. It calls ``services.propose_steps`` as the named staff member (their rights are
checked and the run is logged under their name), exactly as the admin's 年度晋档 screen does:
a run that exists is refreshed, decided proposals are kept. Staff confirm the proposals in
the admin; nothing changes pay here.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from compensation import services
from compensation.choices import ProposalState
from workforce.models import Federation


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Propose the year's step changes of a federation's workers (staff confirm them)."

    def add_arguments(self, parser):
        parser.add_argument("--federation", required=True, metavar="CODE", help="federation code")
        parser.add_argument("--year", required=True, type=int, metavar="YYYY")
        parser.add_argument(
            "--effective-from",
            type=_date,
            metavar="YYYY-MM-DD",
            help="the date confirmed steps take effect (default: 1 January of the year)",
        )
        parser.add_argument(
            "--by", required=True, metavar="USERNAME", help="the staff member the run is made by"
        )

    def handle(self, *args, federation, year, effective_from, by, **options):
        try:
            where = Federation.objects.get(code=federation)
        except Federation.DoesNotExist:
            raise CommandError(f"No federation with code {federation}.") from None
        try:
            user = get_user_model().objects.get(username=by, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user {by}.") from None
        try:
            run = services.propose_steps(
                by=user,
                federation=where,
                year=year,
                effective_from=effective_from or dt.date(year, 1, 1),
            )
        except services.CompensationError as error:
            raise CommandError(str(error)) from None
        pending = run.proposals.filter(state=ProposalState.PROPOSED).count()
        self.stdout.write(
            f"{where.code} {year}: {pending} proposals waiting for confirmation "
            f"(effective {run.effective_from.isoformat()})."
        )
