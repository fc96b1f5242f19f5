"""``manage.py generate_tree N``: a synthetic, province-shaped tree of N organizations, for benchmarks."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from orgs.models import Organization
from orgs.synthetic import organization_counts_recount, synthetic_tree_create


class Command(BaseCommand):
    help = _(
        "Generate a synthetic tree of N organizations shaped like a province (cities, counties, towns and "
        "units, branches) and write it in bulk; for benchmarks and load tests, not for real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help=_("How many organizations to generate, the root included."))
        parser.add_argument("--seed", type=int, default=0, help=_("Random seed: the same seed gives the same tree."))
        parser.add_argument("--root-code", default="SIM",
                            help=_("Official code of the generated root; every code below starts with it."))
        parser.add_argument("--parent-code", default="",
                            help=_("Attach the generated root under the organization with this official code."))
        parser.add_argument("--check", action="store_true",
                            help=_("Afterwards, recount every organization's counts with SQL and compare."))

    def handle(self, *args, count: int, seed: int, root_code: str, parent_code: str, check: bool, **options):
        parent = None
        if parent_code:
            parent = Organization.objects.filter(code=parent_code).first()
            if parent is None:
                raise CommandError(_("No organization has the official code %(code)s.") % {"code": parent_code})
        try:
            result = synthetic_tree_create(count=count, seed=seed, root_code=root_code, parent=parent)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            _("Generated %(count)d organizations under root %(code)s (id %(id)d) in %(seconds).1f s "
              "(writing %(write).1f s, commit %(commit).1f s, statistics %(statistics).1f s).") % {
                "count": result.count, "code": root_code, "id": result.root_id, "seconds": result.seconds,
                "write": result.seconds_write, "commit": result.seconds_commit,
                "statistics": result.seconds_statistics}))
        levels = ", ".join(f"{depth}: {number}" for depth, number in result.levels.items())
        self.stdout.write(_("Organizations per depth: %(levels)s") % {"levels": levels})
        if check:
            recount = organization_counts_recount()
            if recount.mismatched or recount.shape_problems:
                raise CommandError(
                    _("Recount: %(bad)d of %(checked)d organizations have wrong counts, %(shape)d a wrong depth or path.")
                    % {"bad": recount.mismatched, "checked": recount.checked, "shape": recount.shape_problems})
            self.stdout.write(_("Recount: the counts of all %(checked)d organizations are right (%(seconds).1f s).") % {
                "checked": recount.checked, "seconds": recount.seconds})
