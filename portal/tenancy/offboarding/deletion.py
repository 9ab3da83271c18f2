"""Delete one organisation's data, verify that it is gone, and certify it.

In one transaction: refuse if another organisation's rows point at this one's (deleting
would change them); clear the nullable keys that point within a model or close a cycle;
delete model by model, referrers first, so that PROTECT and RESTRICT keys never see a
remaining referrer (Django's Collector refuses PROTECT even when the referrer is deleted in
the same call); delete the Organization; erase the people who belonged to it alone, as
their own erasure request would (portal.accounts.personal_data); count again, inside the
transaction, and roll back unless every count is zero.

After commit: delete the files the rows referenced (a rollback must not lose them), then
verify again from outside (rows, files, people) and complete the certificate: an
``OffboardingRecord`` of kind "deletion" that names the organisation and holds the counts and
the verification result, never its data. It is a row of the platform's own database, not a
file: it is written in the same transaction as the deletion (a certificate exists exactly
when the deletion committed), backed up with everything else, and readable in the admin.
"""

import hashlib
import json
from collections import Counter

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from portal.accounts import personal_data
from portal.tenancy.models import Organization

from . import registry
from .export import current_counts, referenced_files
from .models import OffboardingRecord

CERTIFICATE_FORMAT = 1
PK_CHUNK = 500  # SQLite caps the parameters of one statement


class OffboardingError(Exception):
    pass


def latest_export(organization: Organization) -> OffboardingRecord | None:
    return (
        OffboardingRecord.objects.filter(
            kind=OffboardingRecord.Kind.EXPORT, org_id=organization.pk
        ).order_by("-created_at", "-pk").first()
    )


def _check_export(organization, plan) -> OffboardingRecord:
    record = latest_export(organization)
    if record is None:
        raise OffboardingError(_(
            "No export of this organisation has been taken. Run org_export first, or pass "
            "--no-export to delete without one."
        ))
    now = current_counts(plan, organization.pk)
    exported = {k: v for k, v in record.counts.items() if k in now}
    if exported != now:
        changed = sorted(k for k in now if exported.get(k) != now[k])
        raise OffboardingError(_(
            "The data changed since the export of %(when)s (%(models)s). Take a new export."
        ) % {"when": record.created_at.isoformat(), "models": ", ".join(changed[:5])})
    return record


def foreign_references(plan: dict, organization_id: int) -> list[str]:
    """Rows outside the organisation that point at its rows: deleting would change them."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for fk in registry._foreign_keys(model):
            target = fk.related_model
            if target is not Organization and target not in plan:
                continue
            targets = (
                Organization._base_manager.filter(pk=organization_id) if target is Organization
                else registry.rows(plan, target, organization_id)
            )
            referrers = model._base_manager.filter(**{f"{fk.name}__in": targets.values("pk")})
            if model in plan:
                referrers = referrers.exclude(
                    pk__in=registry.rows(plan, model, organization_id).values("pk")
                )
            if count := referrers.count():
                found.append(f"{model._meta.label}.{fk.name}: {count}")
    return found


def _people(plan: dict, organization_id: int) -> tuple[set[int], set[int]]:
    """(everyone the organisation's rows name, those of them who belong to it alone)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    keys = registry.user_foreign_keys(plan)
    named: set[int] = set()
    for model, name in keys:
        named.update(
            registry.rows(plan, model, organization_id)
            .exclude(**{f"{name}__isnull": True}).values_list(name, flat=True)
        )
    # Platform operators belong to the platform, whatever organisation they helped.
    elsewhere: set[int] = set(
        user_model._base_manager.filter(pk__in=named)
        .filter(Q(is_staff=True) | Q(is_superuser=True)).values_list("pk", flat=True)
    )
    for model, name in keys:
        entry = plan[model]
        others = model._base_manager.filter(**{f"{name}__in": named})
        if entry.direct:
            # A row of no organisation (a person's own default) does not tie them anywhere.
            for org_field in entry.org_fields:
                others = others.exclude(**{f"{org_field}__isnull": True})
        others = others.exclude(
            pk__in=registry.rows(plan, model, organization_id).values("pk")
        )
        elsewhere.update(others.values_list(name, flat=True).distinct())
    return named, named - elsewhere


def _collect_pks(plan: dict, organization_id: int) -> dict[str, list]:
    return {
        entry.label: list(registry.rows(plan, model, organization_id).values_list("pk",
                                                                                 flat=True))
        for model, entry in plan.items()
    }


def _remaining(plan: dict, organization_id: int, pks: dict[str, list]) -> dict[str, int]:
    """Rows still there, per model: by organisation and by the primary keys deleted."""
    left = {}
    if Organization._base_manager.filter(pk=organization_id).exists():
        left["tenancy.Organization"] = 1
    for model, entry in plan.items():
        count = registry.rows(plan, model, organization_id).count()
        ids = pks.get(entry.label, [])
        for start in range(0, len(ids), PK_CHUNK):
            count += model._base_manager.filter(pk__in=ids[start:start + PK_CHUNK]).count()
        if count:
            left[entry.label] = count
    return left


def delete_organization(organization: Organization, *, actor: str = "",
                        require_export: bool = True) -> OffboardingRecord:
    """Delete everything of ``organization``; returns the certificate, completed after the
    transaction commits (files removed, verification done)."""
    plan = registry.tenant_plan()
    org_id, slug, name = organization.pk, organization.slug, organization.name
    started = timezone.now()
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    with transaction.atomic(), scopes_disabled():
        Organization.objects.select_for_update().get(pk=org_id)
        export = _check_export(organization, plan) if require_export else None
        if blocking := foreign_references(plan, org_id):
            raise OffboardingError(
                _("Rows of other organisations point at this one: %(rows)s")
                % {"rows": "; ".join(blocking)}
            )
        pks = _collect_pks(plan, org_id)
        files = referenced_files(plan, org_id)
        named, alone = _people(plan, org_id)
        order, to_clear = registry.deletion_order(plan)
        for model, field_name in to_clear:
            registry.rows(plan, model, org_id).update(**{field_name: None})
        deleted: Counter = Counter()
        for model in order:
            __, per_model = registry.rows(plan, model, org_id).delete()
            deleted.update(per_model)
        __, per_model = Organization._base_manager.filter(pk=org_id).delete()
        deleted.update(per_model)
        for person in user_model._base_manager.select_for_update().filter(pk__in=alone):
            personal_data.erase_person(person)
        if left := _remaining(plan, org_id, pks):
            raise OffboardingError(
                _("Rows remained after deletion: %(rows)s") % {"rows": left}
            )
        record = OffboardingRecord.objects.create(
            kind=OffboardingRecord.Kind.DELETION, org_id=org_id, org_slug=slug, org_name=name,
            actor=actor, counts={k: v for k, v in sorted(deleted.items()) if v},
        )
        certificate = {
            "format": CERTIFICATE_FORMAT,
            "organization": {"id": org_id, "slug": slug, "name": name},
            "started_at": started.isoformat(),
            "actor": actor,
            "export": (
                {"record": export.pk, "taken_at": export.created_at.isoformat(),
                 "sha256": export.sha256}
                if export else "none: deleted with --no-export"
            ),
            "deleted": record.counts,
            "people": {"named": len(named), "erased": len(alone),
                       "kept (belong elsewhere or platform operators)": len(named - alone)},
            "files": len(files),
        }
        transaction.on_commit(
            lambda: _finish(record.pk, plan, org_id, pks, files, sorted(alone), certificate)
        )
    return record


def _finish(record_pk, plan, org_id, pks, files, erased_ids, certificate) -> None:
    """After commit: remove the files, verify from outside, complete the certificate."""
    failures = []
    for stored, storage in files.items():
        try:
            storage.delete(stored)
        except OSError as error:  # recorded, and the verification below fails
            failures.append(f"{stored}: {error}")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    with scopes_disabled():
        rows_left = _remaining(plan, org_id, pks)
        files_left = sorted(stored for stored, storage in files.items() if storage.exists(stored))
        not_erased = list(
            user_model._base_manager.filter(pk__in=erased_ids)
            .exclude(erased_at__isnull=False, is_active=False).values_list("pk", flat=True)
        )
    passed = not rows_left and not files_left and not not_erased
    certificate["completed_at"] = timezone.now().isoformat()
    certificate["verification"] = {
        "passed": passed,
        "models_checked": len(plan) + 1,
        "rows_remaining": rows_left,
        "files_checked": len(files),
        "files_remaining": files_left,
        "file_errors": failures,
        "people_not_erased": not_erased,
    }
    body = json.dumps(certificate, sort_keys=True, ensure_ascii=False)
    OffboardingRecord.objects.filter(pk=record_pk).update(
        certificate=certificate, verified=passed, completed_at=timezone.now(),
        sha256=hashlib.sha256(body.encode()).hexdigest(),
    )
