"""Saved or deleted memberships, residencies, property scopes and organisations move the
generations that ``memory`` stamps its entries with (bulk updates, which send no
signal, go through ``portal.realtime.close_user_sockets_on_commit``, which does the same)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token, TokenProxy

from . import memory
from .models import Membership, Organization, Residency


@receiver([post_save, post_delete], sender=Membership)
@receiver([post_save, post_delete], sender=Residency)
def _person_changed(sender, instance, **kwargs):
    memory.forget_people(instance.user_id)


@receiver(m2m_changed, sender=Membership.properties.through)
def _scope_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # property.memberships.clear(): no pk_set after
        memory.forget_people(*Membership.objects.filter(properties=instance)
                             .values_list("user_id", flat=True))
        return
    if not action.startswith("post_"):
        return
    if not reverse:
        memory.forget_people(instance.user_id)
    else:  # a property's memberships changed: the people holding them
        memory.forget_people(*Membership.objects.filter(pk__in=pk_set or ())
                                   .values_list("user_id", flat=True))


@receiver(post_delete, sender=Membership.properties.through)
def _scope_row_deleted(sender, instance, **kwargs):
    # A deleted property takes its scope rows with it (a cascade sends no m2m_changed).
    memory.forget_people(
        Membership.objects.filter(pk=instance.membership_id).values_list("user_id", flat=True)
        .first()
    )


@receiver([post_save, post_delete], sender=Organization)
def _organization_changed(sender, instance, **kwargs):
    memory.forget_organizations()


@receiver([post_save, post_delete], sender=get_user_model())
def _user_changed(sender, instance, **kwargs):
    # Remembered with their tokens (portal.api.authentication): deactivation, language, name.
    memory.forget_people(instance.pk)


@receiver([post_save, post_delete], sender=Token)
@receiver([post_save, post_delete], sender=TokenProxy)  # what DRF's admin deletes
def _token_changed(sender, instance, **kwargs):
    memory.forget_people(instance.user_id)
