"""The personal-data access log: administrators read every reveal of their organisation,
filtered by person and kind, in a constant number of queries; other organisations' entries
never show."""

import pytest
from django_scopes import scopes_disabled

from portal.tenancy.models import PersonalDataAccess

URL = "/o/sunrise/manage/access-log/"


@pytest.fixture
def entries(world):
    with scopes_disabled():
        for org_world in (world.sunrise, world.harbor):
            for _ in range(3):
                PersonalDataAccess.objects.create(
                    organization=org_world.org, staff=org_world.staff, subject=org_world.owner,
                    kind=PersonalDataAccess.Kind.PHONE, context="ticket #1",
                )
            PersonalDataAccess.objects.create(
                organization=org_world.org, staff=org_world.manager,
                subject=org_world.neighbour, kind=PersonalDataAccess.Kind.EXPORT,
            )


def test_admins_read_their_own_organisations_log(entries, login, world,
                                                 django_assert_max_num_queries):
    client = login(world.sunrise.admin)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert len(rows) == 4
    assert {row.organization_id for row in rows} == {world.sunrise.org.pk}


def test_the_log_filters_by_person_and_kind(entries, login, world):
    client = login(world.sunrise.admin)
    by_owner = client.get(URL, {"q": "Neighbour"}).context["page"].object_list
    assert [row.subject for row in by_owner] == [world.sunrise.neighbour]
    phones = client.get(URL, {"kind": "phone"}).context["page"].object_list
    assert len(phones) == 3 and all(row.kind == "phone" for row in phones)
