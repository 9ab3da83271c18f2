"""``manage.py org_delete <slug> --confirm <slug>``: delete one organisation, verify and
certify. Needs an export taken since the data last changed, or ``--no-export``."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.tenancy.models import Organization
from portal.tenancy.offboarding.deletion import OffboardingError, delete_organization
from portal.tenancy.offboarding.models import OffboardingRecord


class Command(BaseCommand):
    help = (
        "Delete everything of one organisation in one transaction, remove its files, erase "
        "the people who belonged to it alone, verify that nothing remains and write a "
        "deletion certificate (an OffboardingRecord that stays)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--confirm", required=True, metavar="SLUG",
            help="The organisation's short name again: nothing is deleted by a typo.",
        )
        parser.add_argument(
            "--no-export", action="store_true",
            help="Delete although no current export has been taken (org_export).",
        )
        parser.add_argument("--certificate", type=Path,
                            help="Also write the certificate's JSON to this file.")
        parser.add_argument("--actor", default="", help="Who asked for it (for the record).")

    def handle(self, *args, slug, confirm, no_export, certificate, actor, **options):
        if confirm != slug:
            raise CommandError("--confirm must repeat the organisation's short name exactly.")
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with the short name {slug!r}.")
        try:
            record = delete_organization(
                organization, actor=actor or "manage.py org_delete",
                require_export=not no_export,
            )
        except OffboardingError as error:
            raise CommandError(str(error)) from error
        record = OffboardingRecord.objects.get(pk=record.pk)  # completed after commit
        body = json.dumps(record.certificate, ensure_ascii=False, indent=1, sort_keys=True)
        if certificate:
            certificate.write_text(body + "\n", encoding="utf-8")
        rows = sum(record.counts.values())
        if record.completed_at is None:
            # Called inside someone else's transaction: files and checks follow its commit.
            self.stdout.write(
                f"Deleted {slug}: {rows} rows; files and verification follow the commit "
                f"(certificate #{record.pk})."
            )
            return
        if not record.verified:
            self.stdout.write(body)
            raise CommandError(
                f"{slug}: deleted {rows} rows, but the verification FAILED (certificate "
                f"#{record.pk}); see rows_remaining / files_remaining above."
            )
        self.stdout.write(self.style.SUCCESS(
            f"Deleted {slug}: {rows} rows, {record.certificate['files']} files; verified. "
            f"Certificate #{record.pk}, SHA-256 {record.sha256}."
        ))
