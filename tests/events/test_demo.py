"""The events seed step: realistic events for sunrise, one nearly full with a waitlist, the
demo owner registered, nothing overbooked, and a second run adds nothing."""

from django.db.models import Sum
from django_scopes import scopes_disabled

from events.demo import events as events_step
from events.models import Event, Registration
from portal.demo.organisations import organisations
from portal.demo.registry import DemoContext

S = Registration.Status


def test_demo_events_are_realistic_and_idempotent(db):
    ctx = DemoContext()
    with scopes_disabled():
        organisations(ctx)
        events_step(ctx)
        first = (Event.objects.count(), Registration.objects.count())
        events_step(ctx)
        assert (Event.objects.count(), Registration.objects.count()) == first
        assert first[0] == 7 and first[1] > 50
        assert Event.objects.filter(title__contains="体检").exists()
        for event in Event.objects.all():
            taken = Registration.objects.filter(event=event, status=S.CONFIRMED).aggregate(
                people=Sum("party_size"))["people"] or 0
            assert taken <= event.capacity, event.title
        health = Event.objects.get(title="老年人免费健康体检")
        assert Registration.objects.filter(event=health, status=S.WAITLISTED).exists()
        owner = ctx.orgs["sunrise"].people["owner"]
        assert Registration.objects.filter(event=health, user=owner).exists()
        past = Event.objects.get(title="垃圾分类宣传活动")
        assert Registration.objects.filter(event=past, checked_in_at__isnull=False).exists()
