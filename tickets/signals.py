"""Saved or deleted tickets, and renamed things a ticket list shows by name, move the
organisation's ticket-list generation (:mod:`tickets.memory`)."""

from django.db.models.signals import post_delete, post_save

from portal.tenancy.models import Asset, Building, Property, Unit

from . import memory
from .models import BusinessCalendar, CalendarException, Category, SlaPolicy, Team, Ticket
from .services import sla_config


def _changed(sender, instance, **kwargs):
    memory.forget([instance.organization_id])


for _model in (Ticket, Category, Team, Property, Building, Unit, Asset):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"tickets.memory.{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"tickets.memory.{_model.__name__}d")


def _sla_changed(sender, instance, **kwargs):
    sla_config.forget([instance.organization_id])


for _model in (SlaPolicy, BusinessCalendar, CalendarException):
    post_save.connect(_sla_changed, sender=_model, dispatch_uid=f"tickets.sla.{_model.__name__}")
    post_delete.connect(_sla_changed, sender=_model, dispatch_uid=f"tickets.sla.{_model.__name__}d")
