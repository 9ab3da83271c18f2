"""The operators' admin pages and the Celery tasks over the jobs."""

import pytest
from django.urls import reverse
from django_scopes import scope

from tests import factories as f
from tickets import tasks
from tickets.models import SlaEscalation, Ticket

from .conftest import at, make_desk


@pytest.fixture
def operator(login, db):
    return login(f.UserFactory(email="operator@courtyard.test", is_staff=True, is_superuser=True))


@pytest.mark.parametrize(
    "model", ["team", "category", "businesscalendar", "slapolicy", "ticket", "slaescalation"]
)
def test_admin_pages_render(operator, world, clock, model):
    with scope(organization=world.sunrise.org):
        desk = make_desk(world.sunrise)
        ticket = desk.submit()
    objects = {
        "category": desk.repair, "businesscalendar": ticket.policy.calendar,
        "slapolicy": ticket.policy, "ticket": ticket,
    }
    assert operator.get(reverse(f"admin:tickets_{model}_changelist")).status_code == 200
    if model in objects:
        url = reverse(f"admin:tickets_{model}_change", args=[objects[model].pk])
        assert operator.get(url).status_code == 200


def test_the_tasks_run_the_jobs(world, clock, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with scope(organization=world.sunrise.org):
        desk = make_desk(world.sunrise)
        desk.submit()
    clock.move_to(at(2026, 3, 10, 13, 1), tick=False)
    assert tasks.sla_check.delay().get() == 1
    assert tasks.remind_waiting_owners.delay().get() == 0
    assert tasks.auto_close_resolved.delay().get() == 0
    with scope(organization=world.sunrise.org):
        assert SlaEscalation.objects.count() == 1
        assert Ticket.objects.get().next_sla_check_at == at(2026, 3, 10, 14)
