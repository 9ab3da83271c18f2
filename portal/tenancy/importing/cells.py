"""Parsing one cell: each parser returns the value or raises CellError with a message."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from portal.accounts.phones import normalize_phone

from ..models import Residency
from .columns import RELATIONS, header_key

FLOOR_RANGE = (-20, 300)


class CellError(Exception):
    pass


def casefold(text: str) -> str:
    return " ".join(text.split()).casefold()


def required(text: str, max_length: int) -> str:
    if not text:
        raise CellError(_("This cell is empty."))
    if len(text) > max_length:
        raise CellError(_("At most %(count)d characters.") % {"count": max_length})
    return text


def parse_floor(text: str) -> int | None:
    if not text:
        return None
    cleaned = re.sub(r"(层|楼|f)$", "", text.casefold()).strip()
    try:
        floor = int(cleaned)
    except ValueError:
        raise CellError(_("Enter the floor as a whole number, such as 3 or -1.")) from None
    if not FLOOR_RANGE[0] <= floor <= FLOOR_RANGE[1]:
        raise CellError(_("This floor is out of range."))
    return floor


def parse_area(text: str) -> Decimal | None:
    if not text:
        return None
    cleaned = re.sub(r"(㎡|m²|m2|平方米|平米)$", "", text.replace(",", "").casefold()).strip()
    try:
        area = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(_("The area must be a positive number, such as 89.5.")) from None
    if not area.is_finite() or area <= 0:
        raise CellError(_("The area must be a positive number, such as 89.5."))
    if area >= Decimal("1000000") or area != area.quantize(Decimal("0.01")):
        raise CellError(_("The area may have at most two decimal places and six digits."))
    return area.quantize(Decimal("0.01"))


def parse_phone(text: str, region: str) -> str | None:
    if not text:
        return None
    try:
        return normalize_phone(text, region)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def parse_email(text: str) -> str | None:
    if not text:
        return None
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_("Enter a valid email address.")) from None
    return text.lower()


def parse_relation(text: str) -> str:
    if not text:
        return Residency.Relation.OWNER
    relation = RELATIONS.get(header_key(text))
    if relation is None:
        raise CellError(_("Use one of: 业主 (owner), 家属 (household member), 租户 (renter)."))
    return relation
