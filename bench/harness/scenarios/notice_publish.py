"""A notice to ``notice_fanout`` residents (20,000 at scale 1.0), through the product's path:
``notices.services.notice_create`` and ``notice_publish`` as the managers' page calls them,
in the harness process, with the Celery worker and beat of the process set running.

A notice belongs to one organisation and a seeded organisation has 7,500 residents at scale
1.0, so the audience is covered by one organisation-wide notice per organisation in turn (the
last one for just enough of its properties): three notices at scale 1.0, published one after
the other. Timed from the first call until (1) every publication has committed — receipts,
notifications and their email/SMS rows written, live pushes flushed, delivery tasks queued:
the budget — and (2) every delivery row of those notifications that is due has been processed
(sent or failed) by the worker. Polls the delivery table every 100 ms; ``progress`` records
when the number still waiting changed. The notices of an earlier run are deleted first (untimed).
"""

import time

from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from communications.models import Delivery, Notification
from notices.models import Notice, NoticeReceipt
from notices.services import notice_create, notice_publish
from portal.tenancy.access import compute_access
from portal.tenancy.models import Membership, Organization, Residency

NAME = "notice_publish"
NEEDS_PROCESSES = True
TITLE = "基准测试：小区停车场封闭施工通知"
BODY = ("各位业主：\n\n下周一至周三地下停车场封闭施工，请将车辆停放在地面临时车位。\n\n"
        "**物业服务中心**")
BUDGET_SECONDS = 10.0
WAITING = [Delivery.Status.QUEUED, Delivery.Status.SENDING]


def _cleanup() -> int:
    """Earlier runs' notices, their receipts and notifications (deliveries cascade)."""
    ids = list(Notice.objects.filter(title=TITLE).values_list("pk", flat=True))
    if ids:
        Notification.objects.filter(object_type="notices.notice",
                                    object_key__in=[str(pk) for pk in ids]).delete()
        Notice.objects.filter(pk__in=ids).delete()
    return len(ids)


def _plan(want: int) -> list[tuple]:
    """(organisation, manager id, whole organisation, property ids, residents) until ``want``
    residents are covered."""
    residents = Residency.objects.filter(is_active=True, verified_at__isnull=False)
    by_org = dict(residents.values("organization_id").annotate(n=Count("user_id", distinct=True))
                  .values_list("organization_id", "n"))
    plan, covered = [], 0
    for org in Organization.objects.filter(pk__in=by_org).order_by("pk"):
        if covered >= want:
            break
        manager = (Membership.objects.filter(organization=org, role="manager", is_active=True)
                   .order_by("pk").values_list("user_id", flat=True).first())
        if by_org[org.pk] <= want - covered:
            plan.append((org, manager, True, None, by_org[org.pk]))
            covered += by_org[org.pk]
            continue
        chosen, reached = [], 0
        per_property = (residents.filter(organization=org).values("unit__property_id")
                        .annotate(n=Count("user_id", distinct=True)).order_by("unit__property_id")
                        .values_list("unit__property_id", "n"))
        for property_id, n in per_property:
            if covered + reached >= want:
                break
            chosen.append(property_id)
            reached += n
        plan.append((org, manager, False, chosen, reached))
        covered += reached
    return plan


def run(ctx) -> list[dict]:
    label = f"notice to {ctx.counts.notice_fanout:,} residents"
    User = get_user_model()
    with scopes_disabled():
        removed = _cleanup()
        plan = _plan(ctx.counts.notice_fanout)
        first_new = (Notification.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
    notices = []
    started = time.perf_counter()
    for org, manager, whole, property_ids, _residents in plan:
        access = compute_access(User.objects.get(pk=manager), org)
        with scope(organization=org):
            notice = notice_create(access=access, title=TITLE, body=BODY,
                                   whole_organization=whole, property_ids=property_ids)
            notices.append(notice_publish(access=access, notice=notice).pk)
    published = time.perf_counter() - started
    cutoff = timezone.now()  # deliveries held later (quiet hours) are not the task's work
    with scopes_disabled():
        mine = Delivery.objects.filter(notification_id__gte=first_new,
                                       notification__object_type="notices.notice",
                                       notification__object_key__in=[str(n) for n in notices])
        due = mine.filter(not_before__lte=cutoff)
        deliveries = due.count()
        limit = 120 + 0.03 * deliveries  # the beat job sends what a task leaves, every minute
        progress, waiting = [], None
        while True:
            now_waiting = due.filter(status__in=WAITING).count()
            elapsed = time.perf_counter() - started
            if now_waiting != waiting:
                waiting = now_waiting
                progress.append([round(elapsed, 2), waiting])
            if not waiting or elapsed > limit:
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        receipts = NoticeReceipt.objects.filter(notice_id__in=notices).count()
        notifications = Notification.objects.filter(
            pk__gte=first_new, object_type="notices.notice",
            object_key__in=[str(n) for n in notices]).count()
        statuses = dict(mine.values("status").annotate(n=Count("pk")).order_by()
                        .values_list("status", "n"))
        channels = dict(mine.values("channel").annotate(n=Count("pk")).order_by()
                        .values_list("channel", "n"))
    row = {
        "scenario": label, "kind": "fanout", "notices": len(notices), "recipients": receipts,
        "notifications": notifications, "deliveries": deliveries, "channels": channels,
        "delivery_status": statuses, "published_seconds": round(published, 3),
        "seconds": round(seconds, 3), "progress": progress[:200], "earlier_removed": removed,
        "failures": statuses.get(Delivery.Status.FAILED, 0) + (notifications != receipts),
        # The budget is the "until every notification is written and pushed": the
        # publication's commit, whose after-commit hooks push to the sockets. The outbox
        # drains at the mail and SMS gateways' pace afterwards; its time is reported beside.
        "budget": f"<= {BUDGET_SECONDS:g} s", "budget_ok": published <= BUDGET_SECONDS,
    }
    if waiting:
        row["error"] = f"{waiting} deliveries still waiting after {seconds:.0f} s"
    return [row]
