"""The columns of the two kinds of file, their English and Chinese names, and the errors."""

import codecs
import csv
import io
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models import Residency


class Kind(models.TextChoices):
    UNITS = "units", gettext_lazy("Units")
    RESIDENTS = "residents", gettext_lazy("Residents")


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    column: str
    message: str


class ImportRejected(Exception):
    """The file cannot be imported; ``errors`` says where and why, in the user's language."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    aliases: tuple[str, ...]  # English and Chinese header names, compared after header_key
    template_zh: str
    template_en: str


COLUMNS = {
    column.key: column
    for column in [
        Column(
            "property", pgettext_lazy("residential community", "Property"),
            ("property", "community", "estate", "小区", "小区名称", "项目", "项目名称",
             "物业项目", "楼盘"),
            "小区", "Property",
        ),
        Column(
            "building", gettext_lazy("Building"),
            ("building", "楼栋", "楼号", "栋", "栋号", "楼栋号", "楼宇", "楼栋名称"),
            "楼栋", "Building",
        ),
        Column(
            "unit", gettext_lazy("Unit number"),
            ("unit", "unitnumber", "unitno", "room", "房号", "房间号", "户号", "门牌号",
             "房屋编号"),
            "房号", "Unit number",
        ),
        Column("floor", gettext_lazy("Floor"), ("floor", "楼层", "所在楼层", "层"), "楼层",
               "Floor"),
        Column(
            "area", gettext_lazy("Area (m²)"),
            ("area", "面积", "建筑面积", "房屋面积", "登记面积"), "面积", "Area",
        ),
        Column(
            "name", gettext_lazy("Name"),
            ("name", "fullname", "姓名", "业主姓名", "住户姓名", "名字"), "姓名", "Name",
        ),
        Column(
            "phone", gettext_lazy("Phone number"),
            ("phone", "mobile", "phonenumber", "mobilephone", "手机", "手机号", "手机号码",
             "电话", "联系电话", "电话号码"),
            "手机", "Phone",
        ),
        Column(
            "email", gettext_lazy("Email"),
            ("email", "emailaddress", "mail", "邮箱", "电子邮箱", "电子邮件", "邮件"),
            "邮箱", "Email",
        ),
        Column(
            "relation", gettext_lazy("Relation"),
            ("relation", "relationship", "关系", "身份", "住户类型", "与房屋关系"),
            "关系", "Relation",
        ),
    ]
}

# The columns of each kind of file, in the templates' order; ``required`` ones must be there.
LAYOUTS = {
    Kind.UNITS: {
        "columns": ("property", "building", "unit", "floor", "area"),
        "required": ("property", "building", "unit"),
    },
    Kind.RESIDENTS: {
        "columns": ("name", "phone", "email", "property", "building", "unit", "relation"),
        "required": ("name", "property", "building", "unit"),
    },
}

RELATION_WORDS = {
    Residency.Relation.OWNER: ("owner", "业主", "产权人", "房主"),
    Residency.Relation.HOUSEHOLD: ("household", "family", "householdmember", "家属",
                                   "家庭成员", "家人", "同住人"),
    Residency.Relation.RENTER: ("renter", "tenant", "租户", "租客", "承租人"),
}


def header_key(text: str) -> str:
    """"面积（㎡）", "Area (m²)" and "* area" all become "面积" or "area"."""
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", str(text))
    return re.sub(r"[\s*＊:：_\-.]", "", text).casefold()


ALIASES = {header_key(alias): column.key for column in COLUMNS.values()
           for alias in column.aliases}
RELATIONS = {header_key(word): relation for relation, words in RELATION_WORDS.items()
             for word in words}


def columns_of(kind: str) -> list[Column]:
    layout = LAYOUTS[Kind(kind)]
    return [COLUMNS[key] for key in layout["columns"]]


def template_csv(kind: str, language: str) -> bytes:
    """A header-only CSV with a byte-order mark, so that Excel shows the Chinese correctly."""
    chinese = (language or "").lower().startswith("zh")
    buffer = io.StringIO()
    csv.writer(buffer).writerow(
        [c.template_zh if chinese else c.template_en for c in columns_of(kind)]
    )
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
