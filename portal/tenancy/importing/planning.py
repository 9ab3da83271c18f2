"""Checking every row against the organisation's data and resolving it to what to write."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ..models import Building, Property, Residency, Unit
from .cells import (
    CellError,
    casefold,
    parse_area,
    parse_email,
    parse_floor,
    parse_phone,
    parse_relation,
    required,
)
from .columns import ImportRejected, RowError
from .reading import Table


class _Checker:
    """Collects cell errors of one row; ``cell`` returns None where the cell is wrong."""

    def __init__(self, table: Table, errors: list[RowError]):
        self.table = table
        self.errors = errors

    def cell(self, number: int, cells: dict, key: str, parse):
        try:
            return parse(cells.get(key, ""))
        except CellError as error:
            self.add(number, key, str(error))
            return None

    def add(self, number: int, key: str, message: str):
        self.errors.append(RowError(number, self.table.label(key), message))


def _properties(organization) -> dict[str, Property]:
    return {
        casefold(p.name): p for p in Property.objects.filter(organization=organization)
    }


def _buildings(organization, property_ids) -> dict[tuple[int, str], Building]:
    return {
        (b.property_id, casefold(b.name)): b
        for b in Building.objects.filter(organization=organization, property_id__in=property_ids)
    }


def _units(organization, building_ids) -> dict[tuple[int, str], Unit]:
    return {
        (u.building_id, casefold(u.number)): u
        for u in Unit.objects.filter(organization=organization, building_id__in=building_ids)
    }


def _unknown_property(name: str) -> str:
    return _("There is no property named “%(name)s”. Add it on the Properties page first.") % {
        "name": name
    }


@dataclass
class UnitEntry:
    row: int
    building: Building  # saved, or one of UnitsPlan.new_buildings
    number: str
    floor: int | None
    area: Decimal | None
    existing: Unit | None


@dataclass
class UnitsPlan:
    new_buildings: list[Building] = field(default_factory=list)
    entries: list[UnitEntry] = field(default_factory=list)


def plan_units(*, table: Table, organization) -> UnitsPlan:
    """Resolves every row to a building (creating buildings of known properties on the fly)
    and to an existing unit, if there is one with that number; raises ImportRejected."""
    errors: list[RowError] = []
    check = _Checker(table, errors)
    properties = _properties(organization)
    parsed = []
    seen: dict[tuple, int] = {}
    for number, cells in table.rows:
        before = len(errors)
        property_name = check.cell(number, cells, "property", lambda t: required(t, 200))
        building_name = check.cell(number, cells, "building", lambda t: required(t, 100))
        unit_number = check.cell(number, cells, "unit", lambda t: required(t, 30))
        floor = check.cell(number, cells, "floor", parse_floor)
        area = check.cell(number, cells, "area", parse_area)
        prop = properties.get(casefold(property_name)) if property_name else None
        if property_name and prop is None:
            check.add(number, "property", _unknown_property(property_name))
        if prop and building_name and unit_number:
            key = (prop.pk, casefold(building_name), casefold(unit_number))
            if key in seen:
                check.add(number, "unit", _("The same unit is already in row %(row)d.")
                          % {"row": seen[key]})
            else:
                seen[key] = number
        if len(errors) == before:
            parsed.append((number, prop, building_name, unit_number, floor, area))
    if errors:
        raise ImportRejected(errors)

    buildings = _buildings(organization, {prop.pk for _n, prop, *_rest in parsed})
    units = _units(organization, {b.pk for b in buildings.values()})
    plan = UnitsPlan()
    for number, prop, building_name, unit_number, floor, area in parsed:
        building_key = (prop.pk, casefold(building_name))
        building = buildings.get(building_key)
        if building is None:
            building = Building(organization=organization, property=prop, name=building_name)
            buildings[building_key] = building
            plan.new_buildings.append(building)
        existing = units.get((building.pk, casefold(unit_number))) if building.pk else None
        plan.entries.append(UnitEntry(number, building, unit_number, floor, area, existing))
    return plan


@dataclass
class Person:
    """One person of the file: the rows that name the same phone number or email."""

    first_row: int
    name: str
    phone: str | None
    email: str | None
    user: object | None = None  # an existing account, found by phone or email


@dataclass
class ResidentEntry:
    row: int
    person: Person
    unit: Unit
    relation: str


@dataclass
class ResidentsPlan:
    people: list[Person] = field(default_factory=list)
    entries: list[ResidentEntry] = field(default_factory=list)
    # Existing residencies of the file's existing accounts, by (unit id, user id).
    residencies: dict[tuple[int, int], Residency] = field(default_factory=dict)


def plan_residents(*, table: Table, organization) -> ResidentsPlan:
    """Resolves every row to an existing unit and to a person (an existing account or a new
    one); raises ImportRejected."""
    errors: list[RowError] = []
    check = _Checker(table, errors)
    properties = _properties(organization)
    region = organization.phone_region or settings.PHONE_DEFAULT_REGION
    parsed = []
    for number, cells in table.rows:
        before = len(errors)
        row = {
            "name": check.cell(number, cells, "name", lambda t: required(t, 150)),
            "phone": check.cell(number, cells, "phone", lambda t: parse_phone(t, region)),
            "email": check.cell(number, cells, "email", parse_email),
            "property": check.cell(number, cells, "property", lambda t: required(t, 200)),
            "building": check.cell(number, cells, "building", lambda t: required(t, 100)),
            "unit": check.cell(number, cells, "unit", lambda t: required(t, 30)),
            "relation": check.cell(number, cells, "relation", parse_relation),
        }
        if len(errors) == before and not row["phone"] and not row["email"]:
            check.add(number, "phone" if "phone" in table.headers else "email",
                      _("Give a phone number or an email address."))
        prop = properties.get(casefold(row["property"])) if row["property"] else None
        if row["property"] and prop is None:
            check.add(number, "property", _unknown_property(row["property"]))
        row["property"] = prop
        if len(errors) == before:
            parsed.append((number, row))
    if errors:
        raise ImportRejected(errors)

    buildings = _buildings(organization, {row["property"].pk for _n, row in parsed})
    units = _units(organization, {b.pk for b in buildings.values()})
    resolved = []
    for number, row in parsed:
        building = buildings.get((row["property"].pk, casefold(row["building"])))
        if building is None:
            check.add(number, "building", _(
                "There is no building “%(building)s” in %(property)s."
            ) % {"building": row["building"], "property": row["property"].name})
            continue
        unit = units.get((building.pk, casefold(row["unit"])))
        if unit is None:
            check.add(number, "unit", _(
                "There is no unit “%(unit)s” in building %(building)s. Import the units first."
            ) % {"unit": row["unit"], "building": building.name})
            continue
        resolved.append((number, row, unit))

    people = _people(check, resolved)
    plan = ResidentsPlan()
    seen: dict[tuple[int, int], int] = {}
    for number, row, unit in resolved:
        person = people.get(number)
        if person is None:
            continue
        key = (id(person), unit.pk)
        if key in seen:
            check.add(number, "unit", _("The same person and unit are already in row %(row)d.")
                      % {"row": seen[key]})
            continue
        seen[key] = number
        plan.entries.append(ResidentEntry(number, person, unit, row["relation"]))
    plan.people = list({id(p): p for p in people.values()}.values())
    _match_accounts(check, plan.people, table)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row or 0, e.column)))

    user_ids = {p.user.pk for p in plan.people if p.user is not None}
    plan.residencies = {
        (r.unit_id, r.user_id): r
        for chunk in _chunks(user_ids)
        for r in Residency.objects.filter(organization=organization, user_id__in=chunk)
    }
    return plan


def _chunks(values, size: int = 5000):
    # SQLite refuses statements with more than 32766 parameters.
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _people(check: _Checker, resolved) -> dict[int, Person]:
    """Groups rows into people: rows with the same phone number or the same email are one
    person, who must then have one name, one phone number and one email throughout."""
    by_phone: dict[str, Person] = {}
    by_email: dict[str, Person] = {}
    people: dict[int, Person] = {}
    for number, row, _unit in resolved:
        phone, email = row["phone"], row["email"]
        person_by_phone = by_phone.get(phone) if phone else None
        person_by_email = by_email.get(email) if email else None
        if person_by_phone and person_by_email and person_by_phone is not person_by_email:
            check.add(number, "email", _(
                "This email belongs to the person in row %(row)d, this phone number to another."
            ) % {"row": person_by_email.first_row})
            continue
        person = person_by_phone or person_by_email
        if person is None:
            person = Person(number, row["name"], phone, email)
        else:
            if phone and person.phone and phone != person.phone:
                check.add(number, "phone", _(
                    "Row %(row)d gives this email with another phone number."
                ) % {"row": person.first_row})
                continue
            if email and person.email and email != person.email:
                check.add(number, "email", _(
                    "Row %(row)d gives this phone number with another email."
                ) % {"row": person.first_row})
                continue
            if casefold(row["name"]) != casefold(person.name):
                check.add(number, "name", _(
                    "Row %(row)d gives another name for the same phone number or email."
                ) % {"row": person.first_row})
                continue
            person.phone = person.phone or phone
            person.email = person.email or email
        if person.phone:
            by_phone[person.phone] = person
        if person.email:
            by_email[person.email] = person
        people[number] = person
    return people


def _match_accounts(check: _Checker, people: list[Person], table: Table) -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    phones = {p.phone for p in people if p.phone}
    emails = {p.email for p in people if p.email}
    users_by_phone = {
        u.phone: u for chunk in _chunks(phones) for u in User.objects.filter(phone__in=chunk)
    }
    users_by_email = {
        u.email.lower(): u
        for chunk in _chunks(emails)
        # Lower() as in the unique index, for addresses saved with capitals by older code.
        for u in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
    }
    for person in people:
        by_phone = users_by_phone.get(person.phone) if person.phone else None
        by_email = users_by_email.get(person.email) if person.email else None
        if by_phone and by_email and by_phone.pk != by_email.pk:
            check.add(person.first_row, "email", _(
                "This phone number and this email belong to two different accounts."
            ))
            continue
        person.user = by_phone or by_email

