import os
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _

from sunshine.demo.builder import (
    SIZES,
    DemoDataExists,
    DemoResult,
    Size,
    build_demo,
    has_projects,
    size_for,
)
from sunshine.demo.organisation import (
    DEMO_PASSWORD,
    DOCUMENTED_ACCOUNTS,
    DemoAccount,
    existing_accounts,
)
from sunshine.demo.schedule import AS_OF
from sunshine.funds.models import AssetDisposal, Project, ProjectStatus, Source
from sunshine.lib.command_dates import parse_today
from sunshine.organisation.models import Role

DEFAULT_SEED = 2026


class Command(BaseCommand):
    help = (
        "Create a demo data set for Taizhou from a seed (the same seed gives the same data): "
        "units, cadres, staff accounts, projects with their money, asset disposals, and the "
        f"bundled real OCDS samples. Projects, disposals and petitions describe the state on "
        f"{AS_OF:%Y-%m-%d}; directives, tasks and progress describe the day the demo runs. "
        f"Every demo account has the password {DEMO_PASSWORD}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"seed of the random generator (default {DEFAULT_SEED})")
        amount = parser.add_mutually_exclusive_group()
        amount.add_argument("--size", choices=list(SIZES), default="default",
                            help="preset size: small (60 projects), default (900), large (5000)")
        amount.add_argument("--projects", type=int,
                            help="number of generated projects, instead of a preset size")
        parser.add_argument("--today",
                            help="date the directives, tasks and progress describe, YYYY-MM-DD "
                                 "(default: today)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database already has projects")

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and has_projects():
            self.stdout.write(_("Projects already exist; the demo data was not created again."))
            self._write_existing_accounts()
            return

        today = parse_today(options["today"])
        size = self._size(options["size"], options["projects"])
        started = time.monotonic()
        try:
            result = build_demo(seed=options["seed"], size=size, today=today)
        except DemoDataExists as error:
            raise CommandError(_(
                "The database already contains demo data (%(what)s). Run the demo on an empty "
                "database, or pass --if-empty to skip it."
            ) % {"what": error}) from None

        self.stdout.write(_("Demo data created from seed %(seed)s in %(seconds).1f s.")
                          % {"seed": result.seed, "seconds": time.monotonic() - started})
        self._write_counts(result)
        self._write_accounts(result.accounts)
        self._write_urls()

    def _size(self, preset: str, projects: int | None) -> Size:
        if projects is None:
            return SIZES[preset]
        if projects < 1:
            raise CommandError(_("--projects must be 1 or more, not %(value)s") % {"value": projects})
        return size_for(projects)

    def _write_counts(self, result: DemoResult) -> None:
        demo = Project.all_objects.filter(source=Source.DEMO)
        by_status = dict(demo.values_list("status").annotate(count=Count("pk")).order_by())
        self.stdout.write(_("Projects: %(count)s; %(overdue)s overdue today, %(overspent)s "
                            "paid more than has arrived.")
                          % {"count": result.projects, "overdue": demo.overdue().count(),
                             "overspent": demo.overspent().count()})
        for value, label in ProjectStatus.choices:
            self.stdout.write(f"  {label}: {by_status.get(value, 0)}")
        self.stdout.write(_("Collective asset disposals: %(count)s.")
                          % {"count": AssetDisposal.objects.count()})
        self.stdout.write(_("OCDS samples imported:"))
        for line in result.ocds.lines():
            self.stdout.write(f"  {line}")

    def _write_existing_accounts(self) -> None:
        """Print the accounts of an earlier demo run again, if its accounts are there."""
        accounts = existing_accounts()
        if accounts:
            self._write_accounts(accounts)
            self._write_urls()

    def _write_accounts(self, accounts: list[DemoAccount]) -> None:
        self.stdout.write("")
        self.stdout.write(_("Demo accounts, all with the password %(password)s:")
                          % {"password": DEMO_PASSWORD})
        for account in accounts[:DOCUMENTED_ACCOUNTS]:
            role = str(Role(account.role).label)
            if account.superuser:
                role = _("%(role)s and superuser") % {"role": role}
            self.stdout.write(f"  {account.username} · {role} · "
                              f"{account.unit.name} ({account.unit.region.name})")
        self.stdout.write(_(
            "  and %(count)s more: <county>_operator, <county>_finance, <county>_leader and "
            "<county>_inspector for each county (jj, hy, lq, sm, tt, xj, wl, lh, yh; the "
            "accounts above take the place of jj_operator, jj_inspector and hy_leader), and "
            "op<township code> for each township's government except 海门街道, e.g. op331002002."
        ) % {"count": len(accounts) - DOCUMENTED_ACCOUNTS})

    def _write_urls(self) -> None:
        base = f"http://127.0.0.1:{os.environ.get('SUNSHINE_PORT', '8000')}"
        self.stdout.write("")
        for label, path in (
            (_("Public portal"), "/"),
            (_("Staff site"), "/staff/"),
            (_("Command dashboard"), "/dashboard/"),
            (_("Administration"), "/admin/"),
            (_("API documentation"), "/api/v1/docs"),
        ):
            self.stdout.write(f"  {label}: {base}{path}")
