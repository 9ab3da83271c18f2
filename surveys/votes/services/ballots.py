"""Ballots: cast online by a verified owner of the unit, or entered by staff from a signed
paper ballot or written proxy with its scan. One per unit and vote, under the vote's row
lock and the unique constraint; every ballot appends its audit row in the same transaction."""

import hashlib
import io
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from communications.live import send_to_org_staff_on_commit
from portal.tenancy.access import Access

from .. import tally
from ..models import Ballot, BallotAudit, EligibleUnit, Matter, Vote
from .errors import VoteConflict, VoteError
from .rules import owned_unit_ids, require_staff

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


def check_choices(vote: Vote, choices: dict) -> dict[str, str]:
    """A choice for every matter of the vote, nothing else."""
    matter_ids = list(Matter.objects.filter(vote=vote).values_list("pk", flat=True))
    cleaned = {}
    for pk in matter_ids:
        value = choices.get(pk, choices.get(str(pk)))
        if value not in tally.CHOICES:
            raise VoteError({"choices": _(
                "Choose for, against or abstain on every resolution."
            )})
        cleaned[str(pk)] = value
    unknown = {str(k) for k in choices} - set(cleaned)
    if unknown:
        raise VoteError({"choices": _("The ballot names a resolution this vote does not have.")})
    return cleaned


def check_attachment(upload) -> tuple[bytes, str, str]:
    """(content, content type, extension) of a PDF, JPEG or PNG scan of sane size."""
    if upload is None:
        raise VoteError({"attachment": _("Attach the scanned, signed ballot or proxy.")})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise VoteError({"attachment": _("The scan is larger than 10 MB.")})
    data = upload.read()
    if data.startswith(b"%PDF-"):
        return data, "application/pdf", "pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    if kind not in IMAGE_TYPES:
        raise VoteError({"attachment": _("Send the scan as a PDF, JPEG or PNG file.")})
    content_type, extension = IMAGE_TYPES[kind]
    return data, content_type, extension


def _lock_open_vote(vote: Vote, unit_id: int) -> Vote:
    # The vote's row lock orders this ballot against the close job (which takes the same
    # lock before counting) and against a second ballot for the unit.
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.status != Vote.Status.OPEN:
        raise VoteError(_("Voting is not open for this vote."))
    if timezone.now() >= vote.closes_at:
        raise VoteError(_("Voting has closed."))
    if not EligibleUnit.objects.filter(vote=vote, unit_id=unit_id).exists():
        raise VoteError({"unit": _("This unit is not on the register of this vote.")})
    existing = Ballot.objects.filter(vote=vote, unit_id=unit_id).first()
    if existing is not None:
        raise VoteConflict(_("A ballot for this unit has already been cast (%(when)s).") % {
            "when": timezone.localtime(existing.created_at).strftime("%Y-%m-%d %H:%M"),
        }, code="duplicate")
    return vote


def _save(ballot: Ballot, audit: BallotAudit) -> Ballot:
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as error:
        raise VoteConflict(
            _("A ballot for this unit has already been cast."), code="duplicate"
        ) from error
    audit.ballot = ballot
    audit.save()
    send_to_org_staff_on_commit(ballot.organization_id, {
        "type": "vote.ballot", "org": ballot.vote.organization.slug, "vote": ballot.vote_id,
    })
    return ballot


def ballot_cast(*, access: Access, vote: Vote, unit_id: int, choices: dict) -> Ballot:
    """An owner's online ballot for one of their units."""
    if unit_id not in owned_unit_ids(access, vote.property_id):
        raise VoteError({"unit": _(
            "Only a verified owner of the unit can vote for it."
        )})
    with transaction.atomic():
        vote = _lock_open_vote(vote, unit_id)
        cleaned = check_choices(vote, choices)
        user_id = next(r.user_id for r in access.residencies if r.unit_id == unit_id)
        ballot = Ballot(
            organization=vote.organization, vote=vote, unit_id=unit_id, choices=cleaned,
            channel=Ballot.Channel.WEB, voter_id=user_id,
        )
        audit = BallotAudit(
            organization=vote.organization, vote=vote, unit_id=unit_id,
            action=BallotAudit.Action.CAST, actor_id=user_id,
            detail={"channel": "web", "choices": cleaned},
        )
        return _save(ballot, audit)


def ballot_enter(
    *, access: Access, vote: Vote, unit_id: int, choices: dict, channel: str,
    signed_by: str, attachment,
) -> Ballot:
    """Staff enter a signed paper ballot or a written proxy, with its scan."""
    require_staff(access, vote.property_id)
    if channel not in (Ballot.Channel.PAPER, Ballot.Channel.PROXY):
        raise VoteError({"channel": _("Choose paper ballot or written proxy.")})
    if not signed_by.strip():
        raise VoteError({"signed_by": _("Enter who signed the ballot or the proxy.")})
    data, content_type, extension = check_attachment(attachment)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        vote = _lock_open_vote(vote, unit_id)
        cleaned = check_choices(vote, choices)
        staff = access.membership.user
        ballot = Ballot(
            organization=vote.organization, vote=vote, unit_id=unit_id, choices=cleaned,
            channel=channel, entered_by=staff, signed_by=signed_by.strip()[:200],
            attachment_type=content_type, attachment_sha256=digest,
        )
        ballot.attachment.save(
            f"{secrets.token_hex(16)}.{extension}", ContentFile(data), save=False
        )
        audit = BallotAudit(
            organization=vote.organization, vote=vote, unit_id=unit_id,
            action=channel, actor=staff,
            detail={"channel": channel, "choices": cleaned, "signed_by": ballot.signed_by,
                    "attachment_sha256": digest, "attachment_type": content_type},
        )
        return _save(ballot, audit)
