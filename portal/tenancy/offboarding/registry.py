"""Which models hold an organisation's data, found in the app registry rather than listed, so
that a new app is covered without edits here.

- direct: a model with a foreign key to Organization (``organization``); its rows are the
  organisation's when that key points at it (a nullable key: only the rows that do).
- derived: a model without one whose required (non-null) foreign key points at a model of the
  plan; its rows are the organisation's when such a key points at one of the organisation's
  rows. Found to a fixed point, so chains of any length are covered; Django's automatic
  many-to-many tables arrive this way (Membership.properties).

Everything else that touches the organisation's people but spans organisations is listed in
``SHARED`` with the reason; tests/tenancy/test_offboarding.py fails when a model relates to
tenant data or to users and is in neither.
"""

from dataclasses import dataclass, field
from functools import reduce
from graphlib import CycleError, TopologicalSorter
from operator import or_

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from portal.tenancy.models import Organization

# Models that relate to people or to tenant rows but are not one organisation's data.
SHARED: dict[str, str] = {
    "accounts.User": "a person may belong to several organisations; the export holds the "
    "profile fields of the people its rows name, and deletion erases only the people who "
    "belonged to this organisation alone",
    "admin.LogEntry": "the platform operators' own audit trail of the Django admin",
    "authtoken.Token": "an API credential of a person; deleted when the person is erased",
    "communications.QuietHours": "a person's own setting across organisations; deleted when "
    "the person is erased",
    "communications.DigestSubscription": "a person's own setting across organisations; "
    "deleted when the person is erased",
    "communications.DigestSent": "per person, across organisations; deleted with the person",
    "tenancy.OffboardingRecord": "the export and deletion records, kept after the "
    "organisation has gone (no organisation data, only counts and checksums)",
}


@dataclass
class ModelPlan:
    model: type[models.Model]
    # direct: the foreign keys to Organization; derived: required foreign keys into the plan.
    org_fields: list[str] = field(default_factory=list)
    via: list[tuple[str, type[models.Model]]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def direct(self) -> bool:
        return bool(self.org_fields)

    @property
    def auto_created(self) -> bool:
        # Django's own many-to-many tables: exported inside their owner's rows.
        return bool(self.model._meta.auto_created)

    @property
    def file_fields(self) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields if isinstance(f, models.FileField)]


def _concrete_models() -> list[type[models.Model]]:
    return [
        model for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def _foreign_keys(model) -> list[models.ForeignKey]:
    return [
        f for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def tenant_plan() -> dict[type[models.Model], ModelPlan]:
    """Every model holding an organisation's data, mapped to how its rows are found."""
    plan: dict[type[models.Model], ModelPlan] = {}
    candidates = [m for m in _concrete_models() if m is not Organization]
    for model in candidates:
        org_fields = [f.name for f in _foreign_keys(model) if f.related_model is Organization]
        if org_fields:
            plan[model] = ModelPlan(model, org_fields=org_fields)
    grown = True
    while grown:
        grown = False
        for model in candidates:
            if model in plan:
                continue
            via = [
                (f.name, f.related_model) for f in _foreign_keys(model)
                if not f.null and f.related_model in plan and f.related_model is not model
            ]
            if via:
                plan[model] = ModelPlan(model, via=via)
                grown = True
    return plan


def rows(plan: dict, model, organization_id: int) -> models.QuerySet:
    """The organisation's rows of ``model``, as a queryset (subqueries for derived models).
    Uses the base manager: neither scopes nor a default filter may hide a row from deletion."""
    entry = plan[model]
    manager = model._base_manager
    if entry.direct:
        return manager.filter(reduce(or_, (Q(**{name: organization_id}) for name in
                                           entry.org_fields)))
    conditions = [
        Q(**{f"{name}__in": rows(plan, parent, organization_id).values("pk")})
        for name, parent in entry.via
    ]
    return manager.filter(reduce(or_, conditions))


def deletion_order(plan: dict) -> tuple[list, list[tuple[type, str]]]:
    """Models ordered so that every row is deleted before the rows it points at (PROTECT and
    RESTRICT keys then never see a remaining referrer), and the nullable keys that must be
    cleared first because they point within a model or close a cycle."""
    graph: dict = {model: set() for model in plan}
    to_clear: list[tuple[type, str]] = []
    nullable_edges = []
    for model in plan:
        for fk in _foreign_keys(model):
            target = fk.related_model
            if target not in plan:
                continue
            if target is model:
                if fk.remote_field.on_delete in (models.PROTECT, models.RESTRICT) and fk.null:
                    to_clear.append((model, fk.name))
                continue
            if fk.null:
                nullable_edges.append((model, fk.name, target))
            graph[target].add(model)  # the referrer goes first
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError:
        # Break cycles at their nullable keys, which are cleared before deleting.
        for model, name, target in nullable_edges:
            graph[target].discard(model)
            to_clear.append((model, name))
        order = list(TopologicalSorter(graph).static_order())
    return order, to_clear


def user_foreign_keys(plan: dict) -> list[tuple[type, str]]:
    """(model, field) for every key of a plan model that points at a person."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        (model, fk.name) for model in plan for fk in _foreign_keys(model)
        if fk.related_model is user_model
    ]


def unclassified_models(plan: dict) -> list[str]:
    """Models that relate to an organisation's data or to people but are neither in the plan
    nor listed in ``SHARED``: each must be decided on, which is what the test asks."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    targets = {Organization, user_model, *plan}
    found = []
    for model in _concrete_models():
        if model in plan or model is Organization or model._meta.label in SHARED:
            continue
        if model._meta.auto_created:
            owner_label = _auto_created_owner(model)
            if owner_label in SHARED or owner_label is None:
                continue
        relates = any(fk.related_model in targets for fk in _foreign_keys(model))
        named = any(
            f.name in ("organization", "organization_id") or f.attname == "organization_id"
            for f in model._meta.concrete_fields
        )
        if relates or named:
            found.append(model._meta.label)
    return sorted(found)


def _auto_created_owner(model) -> str | None:
    for fk in _foreign_keys(model):
        related = fk.related_model
        for m2m in related._meta.many_to_many:
            if m2m.remote_field.through is model:
                return related._meta.label
    return None
