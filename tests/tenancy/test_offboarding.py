"""Organisation off-boarding (PIPL): a full export of one organisation, then a verified
deletion that leaves every other organisation exactly as it was.

The world: sunrise and harbor from tests/conftest.py, each given tickets with photos,
notices with attachments, a survey with responses, a vote with an online and a scanned paper
ballot, an event with a cover and registrations, disclosures (one correcting another: a
PROTECT key within one table), and the notifications all of that sends. One person lives in
sunrise and works for harbor.
"""

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from PIL import Image

from communications.models import Notification
from events.models import Event
from events.services import event_create, event_publish, registration_create
from notices.models import DisclosureItem, DisclosurePublication, NoticeAttachment
from notices.services import notice_create, notice_publish
from portal.accounts.models import User
from portal.tenancy.access import compute_access
from portal.tenancy.models import Membership, Organization
from portal.tenancy.offboarding import registry
from portal.tenancy.offboarding.deletion import OffboardingError, delete_organization
from portal.tenancy.offboarding.export import export_organization
from portal.tenancy.offboarding.models import OffboardingRecord
from surveys.models import QuestionKind, Response
from surveys.services import question_save, response_save, survey_create, survey_schedule
from surveys.votes import tally
from surveys.votes.models import Ballot, Matter, Vote
from surveys.votes.services import (
    MatterInput,
    ballot_cast,
    ballot_enter,
    vote_create,
    votes_open_due,
)
from tickets.models import Attachment, Category, Ticket
from tickets.services import categories_ensure_defaults, sla_ensure_defaults
from tickets.services.attachments import ticket_submit_with_photos

from ..factories import MembershipFactory, ResidencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _png(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), color).save(buffer, "PNG")
    return buffer.getvalue()


def _populate(w, tag: str) -> None:
    """Everything an organisation accumulates, through the apps' own services."""
    now = timezone.now()
    manager, staff = compute_access(w.manager, w.org), compute_access(w.staff, w.org)
    owner = compute_access(w.owner, w.org)
    with scope(organization=w.org):
        categories_ensure_defaults(organization=w.org)
        sla_ensure_defaults(organization=w.org)
        repair = Category.objects.get(organization=w.org, kind=Category.Kind.REPAIR)
        for n in range(2):
            ticket_submit_with_photos(
                access=owner, category=repair, unit=w.unit, title=f"{tag} tap {n}",
                description="Drips", photos=[SimpleUploadedFile(f"p{n}.png", _png("red"))],
            )
        notice = notice_create(
            access=manager, title=f"{tag} water off", body="From 9 to 12.",
            whole_organization=True,
            uploads=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n% " + tag.encode() + b"\n")],
        )
        notice_publish(access=manager, notice=notice)

        survey = survey_create(
            access=manager, title=f"{tag} parking", opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=7),
        )
        question_save(access=manager, survey=survey, kind=QuestionKind.SINGLE,
                      text="Where do you park?", choices=["Garage", "Street"], required=True)
        survey = survey_schedule(access=manager, survey=survey)
        question = survey.questions.get()
        response_save(access=owner, survey=survey, submit=True,
                      answers={question.pk: question.choices.first().pk})

        vote = vote_create(
            access=manager, property=w.property, title=f"{tag} charging points",
            description="Forty charging points.", opens_at=now + dt.timedelta(days=20),
            closes_at=now + dt.timedelta(days=27), announce_days=15,
            matters=[MatterInput("Build charging points", Matter.Class.MAJOR)],
        )
        Vote.objects.filter(pk=vote.pk).update(
            status=Vote.Status.ANNOUNCED, announced_at=now,
            opens_at=now - dt.timedelta(minutes=1),
        )
        votes_open_due(now=now)
        vote.refresh_from_db()
        matter = str(vote.matters.get().pk)
        ballot_cast(access=owner, vote=vote, unit_id=w.unit.pk, choices={matter: tally.FOR})
        ballot_enter(
            access=staff, vote=vote, unit_id=w.neighbour_unit.pk, choices={matter: tally.AGAINST},
            channel=Ballot.Channel.PAPER, signed_by="Neighbour",
            attachment=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 " + tag.encode()),
        )

        event = event_create(
            access=manager, title=f"{tag} calligraphy", place="Clubhouse",
            starts_at=now + dt.timedelta(days=5),
            ends_at=now + dt.timedelta(days=5, hours=2), capacity=10, max_party_size=3,
            property=w.property, cover=SimpleUploadedFile("cover.png", _png("blue")),
        )
        event = event_publish(access=manager, event=event)
        registration_create(access=owner, event=Event.objects.get(pk=event.pk), party_size=2)

        item = DisclosureItem.objects.create(
            organization=w.org, kind=DisclosureItem.Kind.values[0], title=f"{tag} fund",
            next_due_on=now.date(),
        )
        first = DisclosurePublication.objects.create(
            organization=w.org, item=item, period="2026 Q1", body="Figures",
        )
        DisclosurePublication.objects.create(
            organization=w.org, item=item, period="2026 Q1", version=2, body="Fixed",
            corrects=first,
        )


@pytest.fixture
def both(world, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # A person who lives in sunrise and works for harbor: sunrise's deletion must keep them.
    shared = UserFactory(email="both@example.test", full_name="Shared Person")
    with scopes_disabled():
        ResidencyFactory(unit=world.sunrise.far_unit, user=shared)
        MembershipFactory(organization=world.harbor.org, user=shared)
    _populate(world.sunrise, "sunrise")
    _populate(world.harbor, "harbor")
    world.shared = shared
    return world


def _tenant_models():
    """Every model that has an ``organization`` key, found independently of the registry."""
    return [
        model for model in apps.get_models()
        if any(f.name == "organization" and f.is_relation for f in model._meta.fields)
    ]


def _files_of(org) -> dict[str, bytes]:
    files = {}
    with scopes_disabled():
        for model, fields in ((Attachment, ("file", "thumbnail")), (NoticeAttachment, ("file",)),
                              (Event, ("cover",)), (Ballot, ("attachment",))):
            for row in model._base_manager.filter(organization=org):
                for name in fields:
                    if stored := getattr(row, name):
                        with stored.open("rb") as handle:
                            files[stored.name] = handle.read()
    return files


def _fingerprint(org, people) -> tuple[dict, str]:
    """Counts and one checksum of every row of ``org`` and of its people."""
    counts, digest = {}, hashlib.sha256()
    with scopes_disabled():
        for model in sorted(_tenant_models(), key=lambda m: m._meta.label):
            queryset = model._base_manager.filter(organization=org).order_by("pk")
            counts[model._meta.label] = queryset.count()
            digest.update(serializers.serialize("json", queryset).encode())
        digest.update(
            serializers.serialize("json", Organization.objects.filter(pk=org.pk)).encode()
        )
        users = User.objects.filter(pk__in=[p.pk for p in people]).order_by("pk")
        digest.update(serializers.serialize("json", users).encode())
    for name, data in sorted(_files_of(org).items()):
        digest.update(name.encode() + hashlib.sha256(data).digest())
    return counts, digest.hexdigest()


def _people(w):
    return [w.admin, w.manager, w.staff, w.staff_out, w.owner, w.household, w.neighbour,
            w.far_owner, w.unverified]


def _read_export(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_every_model_with_tenant_data_is_exported_or_declared_shared():
    plan = registry.tenant_plan()
    assert registry.unclassified_models(plan) == []
    labels = {entry.label for entry in plan.values()}
    assert {m._meta.label for m in _tenant_models()} <= labels
    # Rows reachable only through tenant rows are found too: Membership's properties.
    assert "tenancy.Membership_properties" in labels
    assert not set(registry.SHARED) & labels


def test_export_holds_every_row_and_file_of_the_organisation_and_nothing_else(both, tmp_path):
    sunrise, harbor = both.sunrise, both.harbor
    with scopes_disabled():
        assert Ticket.objects.filter(organization=sunrise.org).count() == 2
        assert Notification.objects.filter(organization=sunrise.org).exists()
        assert Ballot.objects.filter(organization=sunrise.org).exclude(attachment="").exists()
    call_command("org_export", "sunrise", str(tmp_path / "sunrise.zip"), stdout=io.StringIO())
    entries = _read_export(tmp_path / "sunrise.zip")
    manifest = json.loads(entries.pop("manifest.json"))
    assert manifest["organization"]["slug"] == "sunrise"

    # Every file is listed with its checksum, and nothing unlisted is in the ZIP.
    assert set(manifest["files"]) == set(entries)
    for name, data in entries.items():
        assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()

    # Every row of every tenant model of sunrise, and no row of harbor or key pointing at one.
    with scopes_disabled():
        harbor_pks = {
            model: {str(pk) for pk in model._base_manager.filter(organization=harbor.org)
                    .values_list("pk", flat=True)}
            for model in _tenant_models()
        }
        harbor_pks[Organization] = {str(harbor.org.pk)}
        for model in _tenant_models():
            label = model._meta.label
            exported = json.loads(entries[f"data/{label}.json"])
            expected = {str(pk) for pk in model._base_manager.filter(organization=sunrise.org)
                        .values_list("pk", flat=True)}
            assert {str(row["pk"]) for row in exported} == expected, label
            assert manifest["counts"][label] == len(expected)
            keys = [f for f in model._meta.concrete_fields
                    if f.is_relation and f.related_model in harbor_pks]
            for row in exported:
                for field in keys:
                    value = row["fields"][field.name]
                    assert str(value) not in harbor_pks[field.related_model], (label, field.name)

    # Every referenced file, byte for byte: 2 photos with thumbnails, the notice's PDF,
    # the paper ballot's scan, the event's cover.
    for name, data in _files_of(sunrise.org).items():
        assert entries[f"media/{name}"] == data
    assert not manifest["missing_media"]
    assert sum(1 for n in entries if n.startswith("media/")) == len(_files_of(sunrise.org)) >= 7

    # Nothing of harbor anywhere: not its slug, name, people, titles or files.
    text = b"\n".join(data for name, data in entries.items() if name.startswith("data/"))
    text += json.dumps(manifest).encode()
    for needle in ["harbor", "Harbor", *(p.email for p in _people(harbor)),
                   *(p.full_name for p in _people(harbor)), *(p.phone for p in _people(harbor))]:
        assert needle.encode() not in text, needle
    assert not set(_files_of(harbor.org)) & {n.removeprefix("media/") for n in entries}
    # Profiles only: no password hash, no permissions.
    people = json.loads(entries["data/accounts.User.json"])
    assert {p.email for p in _people(sunrise)} <= {row["fields"]["email"] for row in people}
    assert all(set(row["fields"]) <= {
        "email", "phone", "full_name", "language", "is_active", "date_joined", "erased_at",
        "privacy_notice_version", "privacy_notice_accepted_at"} for row in people)
    assert OffboardingRecord.objects.get(kind="export").sha256 == hashlib.sha256(
        (tmp_path / "sunrise.zip").read_bytes()).hexdigest()


@pytest.mark.django_db(transaction=True)  # real commits: files go and checks run after commit
def test_deletion_removes_everything_of_one_organisation_and_certifies_it(both, tmp_path):
    sunrise, harbor = both.sunrise, both.harbor
    before = _fingerprint(harbor.org, [*_people(harbor), both.shared])
    sunrise_files = _files_of(sunrise.org)
    org_id = sunrise.org.pk
    call_command("org_export", "sunrise", str(tmp_path / "s.zip"), stdout=io.StringIO())

    call_command("org_delete", "sunrise", "--confirm", "sunrise", "--certificate",
                 str(tmp_path / "certificate.json"), stdout=io.StringIO())

    # Harbor: the same rows, byte for byte, and the same files.
    assert _fingerprint(harbor.org, [*_people(harbor), both.shared]) == before
    # Sunrise: no row in any tenant model, no file.
    with scopes_disabled():
        assert not Organization.objects.filter(pk=org_id).exists()
        for model in _tenant_models():
            assert not model._base_manager.filter(organization_id=org_id).exists(), model
    storage = Attachment._meta.get_field("file").storage
    assert sunrise_files and not any(storage.exists(name) for name in sunrise_files)
    # Its people are erased, except the one who also works for harbor.
    for person in _people(sunrise):
        person.refresh_from_db()
        assert person.erased_at and not person.is_active and not person.email
    both.shared.refresh_from_db()
    assert both.shared.is_active and both.shared.erased_at is None

    record = OffboardingRecord.objects.get(kind="deletion")
    certificate = json.loads((tmp_path / "certificate.json").read_text())
    assert certificate == record.certificate
    assert record.verified is True and certificate["verification"]["passed"]
    assert certificate["verification"]["rows_remaining"] == {}
    assert certificate["verification"]["files_remaining"] == []
    assert certificate["organization"]["slug"] == "sunrise"
    assert certificate["deleted"]["tickets.Ticket"] == 2
    assert certificate["deleted"]["tenancy.Organization"] == 1
    assert certificate["files"] == len(sunrise_files)
    assert certificate["people"]["erased"] == len(_people(sunrise))
    assert record.sha256 == hashlib.sha256(
        json.dumps(certificate, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    assert certificate["export"]["sha256"] == hashlib.sha256(
        (tmp_path / "s.zip").read_bytes()).hexdigest()


def test_deletion_needs_the_slug_twice_and_a_current_export(both, tmp_path):
    with pytest.raises(CommandError, match="--confirm"):
        call_command("org_delete", "sunrise", "--confirm", "harbor")
    with pytest.raises(CommandError, match="No export"):
        call_command("org_delete", "sunrise", "--confirm", "sunrise")
    call_command("org_export", "sunrise", str(tmp_path / "s.zip"), stdout=io.StringIO())
    with scopes_disabled():
        Response.objects.filter(organization=both.sunrise.org).delete()
    with pytest.raises(CommandError, match="changed since the export"):
        call_command("org_delete", "sunrise", "--confirm", "sunrise")
    with scopes_disabled():
        assert Ticket.objects.filter(organization=both.sunrise.org).count() == 2


def test_deletion_refuses_when_another_organisation_points_at_it(both):
    # A (corrupt) cross-tenant reference: deleting would change harbor, so nothing happens.
    with scopes_disabled():
        ticket = Ticket.objects.filter(organization=both.harbor.org).first()
        Ticket.objects.filter(pk=ticket.pk).update(
            merged_into=Ticket.objects.filter(organization=both.sunrise.org).first()
        )
    with pytest.raises(OffboardingError, match="tickets.Ticket.merged_into"):
        delete_organization(both.sunrise.org, require_export=False)
    with scopes_disabled():
        assert Ticket.objects.filter(organization=both.sunrise.org).count() == 2


def test_a_platform_operator_who_helped_is_not_erased(both, django_capture_on_commit_callbacks):
    operator = both.sunrise.manager
    User.objects.filter(pk=operator.pk).update(is_staff=True)
    with scopes_disabled():
        Membership.objects.filter(user=operator).update(role=Membership.Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        record = delete_organization(both.sunrise.org, require_export=False)
    record.refresh_from_db()
    assert record.verified and record.certificate["export"].startswith("none")
    operator.refresh_from_db()
    assert operator.is_active and operator.erased_at is None


def test_export_writes_the_same_data_files_twice(both, tmp_path):
    first = export_organization(both.sunrise.org, tmp_path / "a.zip")
    second = export_organization(both.sunrise.org, tmp_path / "b.zip")
    stable = {k: v for k, v in first.files.items()}
    assert stable == second.files
