"""``manage.py spotcheck_verify <id>``: recompute a check's draw from what it stored and compare.

The population hash from the frozen codes, each drawn organization's digest and place from the hash and the
public value (spotchecks.rules, as docs/spotchecks.md writes it), and each inspector's digest. The inspectors
are drawn again with the pool's roles of today: a difference there is reported, not failed, as a role given or
taken since the draw changes who is recused.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from spotchecks import rules, services
from spotchecks.models import InspectorAssignment, SampledOrganization, SpotCheck


class Command(BaseCommand):
    help = _("Recompute a spot check's draw from its frozen population and public random value, and compare.")

    def add_arguments(self, parser):
        parser.add_argument("spot_check_id", type=int)

    def handle(self, *args, spot_check_id: int, **options):
        spot_check = SpotCheck.objects.select_related("level").filter(pk=spot_check_id).first()
        if spot_check is None:
            raise CommandError(_("No spot check has the id %(id)s.") % {"id": spot_check_id})
        if not spot_check.drawn_at:
            raise CommandError(_("The spot check “%(title)s” is not drawn yet.") % {"title": spot_check.title})
        failures = []
        codes = list(spot_check.population.values_list("code", flat=True))
        recomputed = rules.population_hash(codes)
        self._line(recomputed == spot_check.population_hash, _("population hash of the %(n)d frozen codes: %(hash)s")
                   % {"n": len(codes), "hash": recomputed}, failures)
        drawn, inspectors = services.draw_of(spot_check, recusal_errors=False)
        expected = {(stratum, rank, code, digest) for stratum, rows in drawn.items()
                    for rank, (code, digest) in enumerate(rows, start=1)}
        stored = set(SampledOrganization.objects.filter(spot_check=spot_check).values_list(
            "stratum", "rank", "organization__code", "digest"))
        self._line(expected == stored, _("sample of %(n)d organizations, ranked by SHA-256 with the public value "
                                         "“%(entropy)s”") % {"n": len(stored), "entropy": spot_check.entropy}, failures)
        for stratum, rank, code, _digest in sorted(stored - expected):
            self.stdout.write(_("  stored but not drawn again: %(code)s (stratum “%(stratum)s”, rank %(rank)d)")
                              % {"code": code, "stratum": stratum, "rank": rank})
        for stratum, rank, code, _digest in sorted(expected - stored):
            self.stdout.write(_("  drawn again but not stored: %(code)s (stratum “%(stratum)s”, rank %(rank)d)")
                              % {"code": code, "stratum": stratum, "rank": rank})
        assignments = list(InspectorAssignment.objects.filter(sampled__spot_check=spot_check).values_list(
            "sampled__organization__code", "inspector__username", "digest"))
        wrong = [(code, username) for code, username, digest in assignments
                 if digest != rules.digest(spot_check.population_hash, spot_check.entropy, code, username)]
        self._line(not wrong, _("digests of the %(n)d inspector assignments") % {"n": len(assignments)}, failures)
        now = {(code, username) for code, rows in inspectors.items() for username, _digest in rows}
        if now != {(code, username) for code, username, _digest in assignments}:
            self.stdout.write(self.style.WARNING(_(
                "  the pool's roles have changed since the draw: drawn today, the inspectors would differ for "
                "%(codes)s") % {"codes": "、".join(sorted({code for code, _u in now ^ {(c, u) for c, u, _d in assignments}}))}))
        if failures:
            raise CommandError(_("The draw of “%(title)s” does not match: %(what)s.") % {
                "title": spot_check.title, "what": "; ".join(failures)})
        self.stdout.write(self.style.SUCCESS(_("The draw of “%(title)s” is confirmed.") % {"title": spot_check.title}))

    def _line(self, ok: bool, text: str, failures: list) -> None:
        self.stdout.write(("✓ " if ok else "✗ ") + text)
        if not ok:
            failures.append(text)
