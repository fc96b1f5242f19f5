"""``manage.py purge_ledger_jobs``: delete finished ledger jobs and their files after some days (a daily cron job)."""

import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ledgers import jobs


class Command(BaseCommand):
    help = _("Delete finished ledger imports and exports older than some days, with the files they keep.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help=_("Keep the jobs of the last this many days."))

    def handle(self, *args, days: int, **options):
        count = jobs.jobs_purge(older_than=datetime.timedelta(days=max(days, 0)))
        self.stdout.write(self.style.SUCCESS(_("Deleted %(count)d ledger jobs and their files.") % {"count": count}))
