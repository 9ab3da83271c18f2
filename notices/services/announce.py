"""The public interface for other features (votes, surveys, events): announce something to
residents as a notice, published now or at a given time."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from portal.tenancy.access import compute_access
from portal.tenancy.models import Organization

from ..models import Notice
from ..models.notice import Category
from .editing import notice_create
from .publishing import notice_publish


def announce(
    *, organization: Organization, author, title: str, body: str,
    category: str = Category.POLICY, property_ids: list[int] | None = None,
    building_ids: list[int] | None = None, publish_at: dt.datetime | None = None,
) -> Notice:
    """Create and publish a notice on behalf of another feature; scheduled instead when
    ``publish_at`` is in the future. The audience is those properties and buildings, or the
    whole organisation when both are None. ``author`` must be a manager of the organisation
    (PermissionDenied otherwise); bad input raises NoticeError and leaves nothing behind."""
    whole = property_ids is None and building_ids is None
    with scope(organization=organization), transaction.atomic():
        access = compute_access(author, organization)
        notice = notice_create(
            access=access, title=title, body=body, category=category,
            whole_organization=whole, property_ids=property_ids, building_ids=building_ids,
        )
        later = publish_at if publish_at is not None and publish_at > timezone.now() else None
        return notice_publish(access=access, notice=notice, publish_at=later)
