import codecs
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_scopes import scopes_disabled

from portal.accounts.models import Invitation
from portal.tenancy.models import Building, Residency, Unit

from .helpers import (
    RESIDENT_HEADERS,
    UNIT_HEADERS,
    csv_upload,
    post_import,
    raw_upload,
    url,
    xlsx_upload,
)

User = get_user_model()

UNIT_ROWS = [
    ["sunrise Garden", "1", "103", "1", "88.5"],
    ["sunrise Garden", "2", "201", "2", "120"],  # building 2 is new
    ["sunrise Lakeside", "A", "202", "", ""],
]


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def admin(world, login):
    return login(world.sunrise.admin)


def _counts():
    with scopes_disabled():
        return {
            "buildings": Building.objects.count(),
            "units": Unit.objects.count(),
            "users": User.objects.count(),
            "residencies": Residency.objects.count(),
            "invitations": Invitation.objects.count(),
        }


def _errors(response):
    return [(e.row, e.column) for e in response.context["errors"]]


def _units(world):
    with scopes_disabled():
        return {
            (u.building.name, u.number): (u.floor, u.area)
            for u in Unit.objects.filter(organization=world.sunrise.org).select_related("building")
        }


# --- Units -------------------------------------------------------------------------------


def test_units_csv_creates_units_and_new_buildings_of_known_properties(world, admin):
    response = post_import(admin, "units", csv_upload(UNIT_HEADERS, UNIT_ROWS))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.created, summary.updated, summary.buildings_created) == (3, 0, 1)
    units = _units(world)
    assert units[("1", "103")] == (1, Decimal("88.50"))
    assert units[("2", "201")] == (2, Decimal("120.00"))
    assert units[("A", "202")] == (None, None)
    with scopes_disabled():
        new = Unit.objects.get(organization=world.sunrise.org, building__name="2")
        assert (new.property_id, new.building.property_id) == (
            world.sunrise.property.pk, world.sunrise.property.pk
        )
        assert Unit.objects.filter(organization=world.harbor.org).count() == 3


def test_units_xlsx_with_english_headers_and_numeric_cells(world, admin):
    upload = xlsx_upload(
        ["Property", "Building", "Unit number", "Floor", "Area (m²)"],
        [["sunrise Garden", 1, 103, 1, 88.5], ["Sunrise garden", "1", "104", 1.0, 90]],
    )
    response = post_import(admin, "units", upload)
    assert response.context["summary"].created == 2
    assert _units(world)[("1", "104")] == (1, Decimal("90.00"))


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False),
                                               ("gb18030", False)])
def test_units_csv_in_the_encodings_excel_writes(world, admin, encoding, bom):
    upload = csv_upload(UNIT_HEADERS, [["sunrise Garden", "东区1号楼", "101", "1", "90"]],
                        encoding=encoding, bom=bom)
    response = post_import(admin, "units", upload)
    assert response.context["summary"].created == 1
    assert ("东区1号楼", "101") in _units(world)


def test_importing_the_same_units_again_updates_instead_of_duplicating(world, admin):
    post_import(admin, "units", csv_upload(UNIT_HEADERS, UNIT_ROWS))
    before = _counts()
    response = post_import(admin, "units", csv_upload(UNIT_HEADERS, UNIT_ROWS))
    summary = response.context["summary"]
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert _counts() == before
    changed = [["sunrise Garden", "1", "103", "3", "99"], ["sunrise Garden", "1", "101", "", ""]]
    summary = post_import(admin, "units", csv_upload(UNIT_HEADERS, changed)).context["summary"]
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    units = _units(world)
    assert units[("1", "103")] == (3, Decimal("99.00"))
    assert units[("1", "101")] == (1, Decimal("89.50"))  # blank cells keep what was saved


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["harbor Garden", "1", "301", "", ""], "小区"),  # another organisation's property
        (["Nowhere", "1", "301", "", ""], "小区"),
        (["sunrise Garden", "", "301", "", ""], "楼栋"),
        (["sunrise Garden", "1", "", "", ""], "房号"),
        (["sunrise Garden", "1", "301", "three", ""], "楼层"),
        (["sunrise Garden", "1", "301", "", "0"], "面积"),
        (["sunrise Garden", "1", "301", "", "-3"], "面积"),
        (["sunrise Garden", "1", "301", "", "big"], "面积"),
        (["sunrise Garden", "1", "301", "", "1.234"], "面积"),
        (["sunrise Garden", "1", "103", "", ""], "房号"),  # the same as row 2
    ],
)
def test_each_unit_error_is_reported_with_its_row_and_nothing_is_written(
    world, admin, row, column
):
    before = _counts()
    rows = [["sunrise Garden", "1", "103", "1", "80"], row]
    response = post_import(admin, "units", csv_upload(UNIT_HEADERS, rows))
    assert _errors(response) == [(3, column)]
    assert "summary" not in response.context
    assert _counts() == before


def test_a_missing_column_is_reported_on_the_header_row(world, admin):
    response = post_import(admin, "units", csv_upload(["小区", "房号"], [["sunrise Garden", "1"]]))
    assert _errors(response) == [(1, "Building")]


def test_every_error_of_the_file_is_reported_at_once_with_excel_row_numbers(world, admin):
    content = (
        "小区,楼栋,房号,楼层,面积\n"
        "sunrise Garden,1,301,1,80\n"
        "\n"  # a blank line still counts as a row in Excel
        "Nowhere,1,302,1,80\n"
        "sunrise Garden,1,303,1,-1\n"
    ).encode()
    before = _counts()
    response = post_import(admin, "units", raw_upload(content, "units.csv"))
    assert _errors(response) == [(4, "小区"), (5, "面积")]
    assert _counts() == before
    assert "Nowhere" in response.content.decode()


# --- Residents ---------------------------------------------------------------------------


def _resident_rows(world):
    return [
        ["王芳", "138 0000 1111", "wang@example.com", "sunrise Garden", "1", "101", "业主"],
        ["王芳", "13800001111", "", "sunrise Garden", "1", "102", "租户"],  # two units, one person
        ["李雷", "", "li@example.com", "sunrise Lakeside", "A", "201", "家属"],
        # An existing account (with a password) becomes a renter of another unit.
        ["Owner", "", world.sunrise.owner.email, "sunrise Lakeside", "A", "201", "renter"],
        # Already living there: verified again, relation unchanged.
        ["Owner", "", world.sunrise.owner.email, "sunrise Garden", "1", "101", ""],
    ]


def test_residents_import_creates_people_verified_residencies_and_invitations(
    world, admin, eager, django_capture_on_commit_callbacks
):
    w = world.sunrise
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(admin, "residents", csv_upload(RESIDENT_HEADERS,
                                                               _resident_rows(world)))
    summary = response.context["summary"]
    assert (summary.people_created, summary.created, summary.updated, summary.unchanged) == (
        2, 4, 0, 1
    )
    assert summary.invitations_sent == 2
    wang = User.objects.get(phone="+8613800001111")
    assert (wang.email, wang.full_name, wang.is_active, wang.has_usable_password()) == (
        "wang@example.com", "王芳", False, False
    )
    with scopes_disabled():
        residencies = {
            r.unit.number: r for r in Residency.objects.filter(user=wang).select_related("unit")
        }
        assert {n: r.relation for n, r in residencies.items()} == {"101": "owner",
                                                                  "102": "renter"}
        assert all(r.verified_by == w.admin and r.verified_at for r in residencies.values())
        owner_far = Residency.objects.get(user=w.owner, unit=w.far_unit)
        assert owner_far.relation == "renter"
        assert not Invitation.objects.filter(user=w.owner).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["li@example.com", "wang@example.com"]


def test_residents_xlsx_with_phone_numbers_stored_as_numbers(world, admin):
    upload = xlsx_upload(
        ["Name", "Phone", "Email", "Property", "Building", "Unit", "Relation"],
        [["Chen", 13800002222, None, "sunrise Garden", 1, 102, "Household"]],
    )
    response = post_import(admin, "residents", upload)
    assert response.context["summary"].created == 1
    with scopes_disabled():
        residency = Residency.objects.get(user__phone="+8613800002222")
    assert (residency.unit_id, residency.relation) == (world.sunrise.neighbour_unit.pk,
                                                       "household")


def test_importing_the_same_residents_again_changes_nothing_and_sends_nothing(
    world, admin, eager, django_capture_on_commit_callbacks
):
    rows = _resident_rows(world)
    with django_capture_on_commit_callbacks(execute=True):
        post_import(admin, "residents", csv_upload(RESIDENT_HEADERS, rows))
    before, sent = _counts(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(admin, "residents", csv_upload(RESIDENT_HEADERS, rows))
    summary = response.context["summary"]
    assert (summary.people_created, summary.created, summary.updated, summary.unchanged,
            summary.invitations_sent) == (0, 0, 0, 5, 0)
    assert _counts() == before
    assert len(mail.outbox) == sent


def test_residents_import_verifies_an_unverified_residency(world, admin):
    w = world.sunrise
    row = ["Unverified", "", w.unverified.email, "sunrise Garden", "1", "102", "owner"]
    summary = post_import(admin, "residents", csv_upload(RESIDENT_HEADERS, [row])).context[
        "summary"
    ]
    assert summary.updated == 1
    with scopes_disabled():
        residency = Residency.objects.get(user=w.unverified)
    assert residency.verified_by == w.admin


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["Zhang", "12345", "", "sunrise Garden", "1", "101", "业主"], "手机"),
        (["Zhang", "", "zhang@", "sunrise Garden", "1", "101", "业主"], "邮箱"),
        (["Zhang", "", "", "sunrise Garden", "1", "101", "业主"], "手机"),
        (["", "13800003333", "", "sunrise Garden", "1", "101", "业主"], "姓名"),
        (["Zhang", "13800003333", "", "Nowhere", "1", "101", "业主"], "小区"),
        (["Zhang", "13800003333", "", "sunrise Garden", "9", "101", "业主"], "楼栋"),
        (["Zhang", "13800003333", "", "sunrise Garden", "1", "999", "业主"], "房号"),
        (["Zhang", "13800003333", "", "sunrise Garden", "1", "101", "朋友"], "关系"),
        (["Wang", "13800001111", "", "sunrise Garden", "1", "102", "业主"], "姓名"),  # renamed
        (["王芳", "13800001111", "", "sunrise Garden", "1", "101", "业主"], "房号"),  # duplicate
        (["王芳", "13800001111", "other@example.com", "sunrise Garden", "1", "102", ""], "邮箱"),
        # This email is the owner's account, this phone number the staff member's.
        (["X", "{staff_phone}", "owner@sunrise.test", "sunrise Garden", "1", "102", ""], "邮箱"),
    ],
)
def test_each_resident_error_is_reported_with_its_row_and_nothing_is_written(
    world, admin, row, column
):
    row = [cell.format(staff_phone=world.sunrise.staff.phone) for cell in row]
    first = ["王芳", "13800001111", "wang@example.com", "sunrise Garden", "1", "101", "业主"]
    before = _counts()
    response = post_import(admin, "residents", csv_upload(RESIDENT_HEADERS, [first, row]))
    assert _errors(response) == [(3, column)]
    assert _counts() == before


def test_a_residents_file_needs_a_phone_or_email_column(world, admin):
    response = post_import(admin, "residents", csv_upload(
        ["姓名", "小区", "楼栋", "房号"], [["Zhang", "sunrise Garden", "1", "101"]]
    ))
    assert _errors(response) == [(1, "Phone number")]


# --- The file itself ---------------------------------------------------------------------


def test_an_oversized_file_is_refused_before_it_is_read(world, admin, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    before = _counts()
    response = post_import(admin, "units", csv_upload(UNIT_HEADERS, UNIT_ROWS * 5))
    assert response.context["form"].has_error("file")
    assert _counts() == before


def test_a_file_with_too_many_rows_is_refused(world, admin, settings):
    settings.IMPORT_MAX_ROWS = 2
    before = _counts()
    response = post_import(admin, "units", csv_upload(UNIT_HEADERS, UNIT_ROWS))
    assert _errors(response) == [(None, "")]
    assert _counts() == before


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not a spreadsheet", "units.pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "units.xls"),
        (b"%PDF-1.4 not a spreadsheet", "units.xlsx"),  # the ending lies
        (b"PK\x03\x04 a zip archive", "units.csv"),
        (b"\x00\x01\x02\x03binary", "units.csv"),
    ],
)
def test_files_of_the_wrong_type_are_refused(world, admin, content, name):
    before = _counts()
    response = post_import(admin, "units", raw_upload(content, name))
    assert response.context["form"].has_error("file")
    assert _counts() == before


def test_excel_unicode_text_utf16_with_tabs_is_read(world, admin):
    content = "小区\t楼栋\t房号\nsunrise Garden\t1\t105\n".encode("utf-16")
    response = post_import(admin, "units", raw_upload(content, "units.csv"))
    assert response.context["summary"].created == 1


def test_an_empty_file_is_reported(world, admin):
    response = post_import(admin, "units", raw_upload("小区,楼栋,房号\n".encode(), "u.csv"))
    assert _errors(response) == [(None, "")]


def test_templates_are_csv_with_a_byte_order_mark(world, admin):
    response = admin.get(url("import-template", "residents"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(codecs.BOM_UTF8)
    assert content.decode("utf-8-sig").strip() == "姓名,手机,邮箱,小区,楼栋,房号,关系"
    assert admin.get(url("import-template", "tickets")).status_code == 404


def test_a_template_filled_in_imports_cleanly(world, admin):
    template = admin.get(url("import-template", "units")).content
    content = template + b"sunrise Garden,1,105,1,70\r\n"
    response = post_import(admin, "units", raw_upload(content, "courtyard-units.csv"))
    assert response.context["summary"].created == 1


def test_headers_with_units_and_extra_columns_are_understood(world, admin):
    upload = csv_upload(
        ["备注", "小区名称", "楼栋号", "房间号", "所在楼层", "建筑面积（㎡）"],
        [["corner flat", "sunrise Garden", "1", "106", "1层", "95.5㎡"]],
    )
    assert post_import(admin, "units", upload).context["summary"].created == 1
    assert _units(world)[("1", "106")] == (1, Decimal("95.50"))


def test_a_column_given_twice_is_reported(world, admin):
    upload = csv_upload(
        ["小区", "楼栋", "房号", "Unit number"], [["sunrise Garden", "1", "1", "2"]]
    )
    assert _errors(post_import(admin, "units", upload)) == [(1, "Unit number")]
