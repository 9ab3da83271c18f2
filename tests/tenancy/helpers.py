import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def url(name: str, *args, org: str = "sunrise") -> str:
    return reverse(f"tenancy:{name}", args=[org, *args])


UNIT_HEADERS = ["小区", "楼栋", "房号", "楼层", "面积"]
RESIDENT_HEADERS = ["姓名", "手机", "邮箱", "小区", "楼栋", "房号", "关系"]


def dataset(headers, rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append(row)
    return data


def csv_upload(headers, rows, *, encoding="utf-8", bom=False, name="data.csv"):
    text = dataset(headers, rows).export("csv")
    content = text.encode(encoding)
    if bom:
        content = b"\xef\xbb\xbf" + content
    return SimpleUploadedFile(name, content, content_type="text/csv")


def xlsx_upload(headers, rows, name="data.xlsx"):
    content = dataset(headers, rows).export("xlsx")
    return SimpleUploadedFile(
        name, content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def raw_upload(content: bytes, name: str):
    return SimpleUploadedFile(name, content)


def post_import(client, kind, upload, org="sunrise", **extra):
    return client.post(url("import", org=org), {"kind": kind, "file": upload}, **extra)

