import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.tenancy import models as tenancy

PASSWORD = "correct-horse-battery-9"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Organization
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} Property Services")


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Property

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Garden {n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Building

    property = factory.SubFactory(PropertyFactory)
    organization = factory.SelfAttribute("property.organization")
    name = factory.Sequence(lambda n: f"Building {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Unit

    building = factory.SubFactory(BuildingFactory)
    property = factory.SelfAttribute("building.property")
    organization = factory.SelfAttribute("building.organization")
    number = factory.Sequence(lambda n: f"{101 + n}")
    floor = 1
    area = "89.50"


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Asset

    property = factory.SubFactory(PropertyFactory)
    organization = factory.SelfAttribute("property.organization")
    name = factory.Sequence(lambda n: f"Elevator {n}")
    kind = tenancy.Asset.Kind.ELEVATOR


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Membership
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = tenancy.Membership.Role.STAFF

    @factory.post_generation
    def properties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.properties.set(extracted)


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tenancy.Residency

    unit = factory.SubFactory(UnitFactory)
    organization = factory.SelfAttribute("unit.organization")
    user = factory.SubFactory(UserFactory)
    relation = tenancy.Residency.Relation.OWNER
    verified_at = factory.LazyFunction(timezone.now)


def manager_of(organization, properties, email: str):
    """A manager whose membership covers only ``properties`` (not all of the organisation's)."""
    return MembershipFactory(
        organization=organization, user=UserFactory(email=email),
        role=tenancy.Membership.Role.MANAGER, properties=list(properties),
    ).user
