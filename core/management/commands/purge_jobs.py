"""``manage.py purge_jobs``: delete finished jobs and their files after some days (a daily timer)."""

import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.jobs import jobs_purge


class Command(BaseCommand):
    help = _("Delete finished imports, exports and other jobs older than some days, with the files they keep.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help=_("Keep the jobs of the last this many days."))

    def handle(self, *args, days: int, **options):
        count = jobs_purge(older_than=datetime.timedelta(days=max(days, 0)))
        self.stdout.write(self.style.SUCCESS(_("Deleted %(count)d jobs and their files.") % {"count": count}))
