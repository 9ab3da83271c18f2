"""``manage.py seed_demo``: a demo world to click through, the same on every run."""

import phonenumbers
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal import demo
from portal.demo.plans import ORGANISATIONS
from portal.tenancy.models import Organization


class Command(BaseCommand):
    help = (
        "Fill the database with the demo organisations 'sunrise' and 'harbor' (properties, "
        "units, staff, residents and whatever each app's demo.py adds). Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Seed a database that holds other organisations while DEBUG is off. Every "
                 "demo account has the published password: never on a real installation.",
        )

    def handle(self, *args, force: bool = False, verbosity: int = 1, **options):
        if not (settings.DEBUG or force) and (others := _other_organisations()):
            raise CommandError(
                "seed_demo creates accounts whose password is published, DEBUG is off and "
                f"this database holds real organisations ({', '.join(others[:3])}). "
                "Set DEBUG=1, or pass --force if this really is a demo server."
            )
        ctx = demo.run()
        created, updated = sum(ctx.created.values()), sum(ctx.updated.values())
        if verbosity >= 2:
            for label in sorted(ctx.created.keys() | ctx.updated.keys()):
                self.stdout.write(
                    f"  {label:<32} {ctx.created[label]:>5} created {ctx.updated[label]:>5} "
                    "updated"
                )
        if created or updated:
            self.stdout.write(self.style.SUCCESS(
                f"Demo data ready: {created} rows created, {updated} updated."
            ))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already in place: nothing changed."))
        self._print_logins(ctx.logins)

    def _print_logins(self, logins: list[demo.Login]) -> None:
        rows = [("Organisation", "Role", "Login", "Phone", "")] + [
            (login.organization, login.role, login.email, _display_phone(login.phone),
             login.note)
            for login in logins
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        self.stdout.write(f"\nDemo logins, all with the password {demo.DEMO_PASSWORD}:")
        for number, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            line = ("  " + "  ".join(cells) + "  " + row[4]).rstrip()
            self.stdout.write(self.style.MIGRATE_HEADING(line) if number == 0 else line)
        self.stdout.write(
            "Residents and staff can also sign in with their phone number.\n"
            f"\nOpen {settings.SITE_URL}\n"
        )


def _other_organisations() -> list[str]:
    demo_slugs = [plan.slug for plan in ORGANISATIONS]
    return list(
        Organization.objects.exclude(slug__in=demo_slugs).values_list("slug", flat=True)[:10]
    )


def _display_phone(phone: str) -> str:
    if not phone:
        return ""
    return phonenumbers.format_number(
        phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
