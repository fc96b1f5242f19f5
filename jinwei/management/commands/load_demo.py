"""``manage.py load_demo``: each app's demo data, lower layers first (organizations, cycles, rectification…), and the
demo logins; safe to run again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cycles.demo import demo_cycles_load
from members.demo import demo_members_load
from orgs.demo import demo_load
from pledges.demo import demo_pledges_load
from rectification.demo import demo_rectification_load
from spotchecks.demo import demo_spotchecks_load
from yearend.demo import demo_yearend_load


class Command(BaseCommand):
    help = _(
        "Load the demo: Lanshan county's sample ledger (2012) and a district shaped like Chenghua, with a "
        "superuser and demo users; only what is missing is added."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help=_("Load the demo even without DEBUG (its users have published passwords)."))

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            # The demo's users, a superuser among them, have passwords printed in the README.
            raise CommandError(_("This looks like a production site (JINWEI_DEBUG=false): the demo's users have "
                                 "published passwords. Run load_demo --force only if you really mean to."))
        result = demo_load()
        admin = get_user_model().objects.get(username="admin")
        opened = demo_cycles_load(admin=admin)
        members = demo_members_load(admin=admin)
        pledges = demo_pledges_load(admin=admin)
        plans = demo_rectification_load(admin=admin)
        checks = demo_spotchecks_load(admin=admin)
        yearend = demo_yearend_load(admin=admin)
        if result.changed or opened or members or pledges or plans or checks or yearend:
            self.stdout.write(self.style.SUCCESS(_(
                "Demo loaded: %(organizations)d organizations, %(facts)d yearly basic facts, %(users)d users and "
                "%(roles)d role assignments added."
            ) % {"organizations": result.organizations, "facts": result.facts, "users": result.users,
                 "roles": result.roles}))
        else:
            self.stdout.write(_("Nothing changed: the demo data is already loaded."))
        for name in opened:
            self.stdout.write(_("Demo cycle opened: %(name)s") % {"name": name})
        self.stdout.write("")
        self.stdout.write(_("Demo logins (user name / password / role / organization):"))
        for login in result.logins:
            role = f"{login.role}（{login.title}）" if login.title else login.role
            line = f"  {login.username} / {login.password} / {role} / {login.organization}"
            if login.existed:
                # The password shown is the demo's; someone may have changed it since.
                line += "  " + _("(existing user: password not changed)")
            self.stdout.write(line)
