"""One organisation's data as one ZIP file:

    manifest.json               organisation, time, rows per model, SHA-256 and size per file
    data/tenancy.Organization.json
    data/<app>.<Model>.json     Django's JSON serializer, rows ordered by primary key
    data/accounts.User.json     profile fields only, of the people the rows name
    media/<storage name>        every file a row references (photos, attachments, covers, scans)

References between rows stay primary keys, as in the database: natural keys would turn a
phone-only owner's key into ``[null]`` (User's natural key is the email address). Output is
stable: the same data gives the same files, byte for byte, apart from the manifest's time.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.tenancy.models import Organization

from . import registry
from .models import OffboardingRecord

FORMAT_VERSION = 1
# What a person's row says in an export: who they are and how to reach them, never their
# password, permissions or other organisations.
USER_FIELDS = (
    "email", "phone", "full_name", "language", "is_active", "date_joined", "erased_at",
    "privacy_notice_version", "privacy_notice_accepted_at",
)
CHUNK = 2000


class _HashingWriter(io.RawIOBase):
    """Writes through to a ZIP entry while counting and hashing what passes."""

    def __init__(self, target):
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, data):
        self.target.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


@dataclass
class ExportResult:
    path: Path
    sha256: str
    counts: dict[str, int]
    files: dict[str, dict] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)
    record: OffboardingRecord | None = None


def _write_entry(archive: zipfile.ZipFile, name: str, produce) -> dict:
    with archive.open(name, "w", force_zip64=True) as raw:
        writer = _HashingWriter(raw)
        produce(writer)
    return {"sha256": writer.sha256.hexdigest(), "bytes": writer.size}


def _serialize_to(queryset, fields=None):
    def produce(writer):
        text = io.TextIOWrapper(writer, encoding="utf-8", newline="\n", write_through=True)
        serializers.serialize(
            "json", queryset.iterator(chunk_size=CHUNK), stream=text, indent=1,
            fields=fields, ensure_ascii=False,
        )
        text.flush()
        text.detach()

    return produce


def _copy_file(storage, name: str):
    def produce(writer):
        with storage.open(name, "rb") as source:
            while chunk := source.read(1 << 20):
                writer.write(chunk)

    return produce


def _people(plan: dict, organization_id: int):
    """The people the organisation's rows name, as a queryset of User."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    ids = set()
    for model, name in registry.user_foreign_keys(plan):
        ids.update(
            registry.rows(plan, model, organization_id)
            .exclude(**{f"{name}__isnull": True}).values_list(name, flat=True).distinct()
        )
    return user_model._base_manager.filter(pk__in=sorted(ids)).order_by("pk")


def referenced_files(plan: dict, organization_id: int) -> dict[str, object]:
    """Storage name -> the storage holding it, for every file the organisation's rows name."""
    found = {}
    for model, entry in plan.items():
        for name in entry.file_fields:
            storage = model._meta.get_field(name).storage
            for stored in (
                registry.rows(plan, model, organization_id).exclude(**{name: ""})
                .exclude(**{f"{name}__isnull": True}).values_list(name, flat=True)
            ):
                found[stored] = storage
    return dict(sorted(found.items()))


def current_counts(plan: dict, organization_id: int) -> dict[str, int]:
    counts = {"tenancy.Organization": Organization.objects.filter(pk=organization_id).count()}
    for model, entry in sorted(plan.items(), key=lambda item: item[1].label):
        counts[entry.label] = registry.rows(plan, model, organization_id).count()
    return counts


def _snapshot():
    """One consistent view of the data for the whole export on PostgreSQL; SQLite (the
    embedded default, one writer) reads without holding its write lock."""
    if connection.vendor != "postgresql":
        return _Nothing()
    atomic = transaction.atomic()

    class _Snapshot:
        def __enter__(self):
            atomic.__enter__()
            if not connection.in_atomic_block or connection.savepoint_ids:
                return self  # inside a caller's transaction: its isolation applies
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return self

        def __exit__(self, *exc):
            return atomic.__exit__(*exc)

    return _Snapshot()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def export_organization(organization: Organization, path: Path | str, *,
                        actor: str = "") -> ExportResult:
    """Write the organisation's data to ``path`` (a new ZIP file) and record the export."""
    path = Path(path)
    plan = registry.tenant_plan()
    org_id = organization.pk
    files: dict[str, dict] = {}
    missing: list[str] = []
    with scopes_disabled(), _snapshot():
        counts = current_counts(plan, org_id)
        tmp = path.with_name(path.name + ".part")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            name = "data/tenancy.Organization.json"
            files[name] = _write_entry(
                archive, name, _serialize_to(Organization._base_manager.filter(pk=org_id))
            )
            for model, entry in sorted(plan.items(), key=lambda item: item[1].label):
                if entry.auto_created:
                    continue  # inside its owner's rows (a many-to-many list)
                name = f"data/{entry.label}.json"
                queryset = registry.rows(plan, model, org_id).order_by("pk")
                files[name] = _write_entry(archive, name, _serialize_to(queryset))
            people = _people(plan, org_id)
            counts["accounts.User (profiles)"] = people.count()
            name = "data/accounts.User.json"
            files[name] = _write_entry(archive, name, _serialize_to(people, USER_FIELDS))
            for stored, storage in referenced_files(plan, org_id).items():
                if not storage.exists(stored):
                    missing.append(stored)
                    continue
                name = f"media/{stored}"
                files[name] = _write_entry(archive, name, _copy_file(storage, stored))
            manifest = {
                "format": FORMAT_VERSION,
                "organization": {"id": org_id, "slug": organization.slug,
                                 "name": organization.name},
                "generated_at": timezone.now().isoformat(),
                "generated_by": actor,
                "counts": counts,
                "files": files,
                "missing_media": missing,
                "shared_models": registry.SHARED,
                "notes": "Rows reference each other by primary key. Many-to-many lists are "
                "inside their owner's rows. accounts.User holds profile fields only.",
            }
            archive.writestr(
                "manifest.json",
                json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True),
            )
    tmp.replace(path)
    digest = _file_sha256(path)
    record = OffboardingRecord.objects.create(
        kind=OffboardingRecord.Kind.EXPORT, org_id=org_id, org_slug=organization.slug,
        org_name=organization.name, actor=actor, counts=counts, sha256=digest,
        completed_at=timezone.now(),
    )
    return ExportResult(path, digest, counts, files, missing, record)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
