"""``manage.py org_export <slug> <path>``: one organisation's data as one ZIP file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.tenancy.models import Organization
from portal.tenancy.offboarding.export import export_organization


class Command(BaseCommand):
    help = (
        "Export everything of one organisation (every tenant model, the people's profiles "
        "and the media files) to a ZIP file with a manifest of counts and SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")
        parser.add_argument("--actor", default="", help="Who asked for it (for the record).")

    def handle(self, *args, slug: str, path: Path, force: bool, actor: str, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with the short name {slug!r}.")
        if path.exists() and not force:
            raise CommandError(f"{path} exists; pass --force to overwrite it.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        result = export_organization(organization, path, actor=actor or "manage.py org_export")
        rows = sum(v for k, v in result.counts.items())
        media = sum(1 for name in result.files if name.startswith("media/"))
        self.stdout.write(self.style.SUCCESS(
            f"Exported {organization.slug}: {rows} rows in {len(result.counts)} models, "
            f"{media} files, to {path} (SHA-256 {result.sha256})."
        ))
        if result.missing_files:
            self.stderr.write(self.style.WARNING(
                f"{len(result.missing_files)} referenced files were missing from storage; "
                "they are listed in the manifest under missing_media."
            ))
