"""What each web process remembers of organisations and access (:mod:`portal.generations`).

Every request under ``/o/<slug>/`` and ``/api/v1/orgs/<slug>/`` read the organisation and the
caller's membership, property scope and residencies: four queries, a third of the staff queue
API's CPU (issue #9). They are remembered under two generations: all organisations', moved
by a saved or deleted organisation, and the person's, moved by a membership, residency or
property scope saved or deleted (``signals.py``) and by every path that closes a person's
sockets because their access changed (``portal.realtime``), bulk updates included.
"""

from portal import generations

ORGANIZATIONS = "tenancy:gen:orgs"
# Unit, building and property names come along with residencies and are in no generation:
# a renamed unit shows in its owners' pages within a minute.
reads = generations.Memory(max_entries=4096, max_age=60.0)


def person(user_id: int) -> str:
    return f"tenancy:gen:user:{user_id}"


def forget_people(*user_ids: int | None) -> None:
    generations.forget(person(user_id) for user_id in user_ids if user_id is not None)


def forget_organizations() -> None:
    generations.forget([ORGANIZATIONS])
