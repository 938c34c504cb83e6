"""The department's own period template (issue 14): download, preview with row errors, commit all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from indicators import period_upload
from indicators.collection_views import UPLOAD_EXPIRED
from indicators.models import Department, Observation, Region
from indicators.periods import Period
from tests.entry_support import SmallPlan, build_small_plan

URL = "/indicators/entry/period/2024/"


def template(client: Client, period: str = "2024") -> Workbook:
    response = client.get(f"/indicators/entry/period/{period}/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def as_upload(workbook: Workbook, name: str = "填报.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def fill(workbook: Workbook, values: dict[str, tuple[Any, ...]]) -> Workbook:
    """values: series name → (数值, 暂无数据, 来源, 备注, 修改原因) written into columns F–J."""
    sheet = workbook[period_upload.SHEET]
    for row in sheet.iter_rows(min_row=3):
        name = str(row[1].value)
        if name in values:
            for cell, value in zip(row[5:10], values[name], strict=False):
                cell.value = value
    return workbook


def test_template_holds_the_departments_series_for_the_period(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    sheet = template(client)[period_upload.SHEET]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == period_upload.HEADERS
    names = {r[1]: r for r in rows[1:]}
    assert set(names) == {"地区生产总值增长", "常住人口城镇化率"}  # not 区人社局's
    assert names["地区生产总值增长"][2:5] == ("%", "2024年", "2022年 4.0")


def test_template_keeps_formula_like_text_as_text(client: Client, small: SmallPlan, clerk: User) -> None:
    """A series name someone typed as "=…" is written as text, never as a formula."""
    series = small.gdp.series
    assert series is not None
    series.name = "=1+2"
    series.save()
    client.force_login(clerk)
    sheet = template(client)[period_upload.SHEET]
    cell = next(c for c in sheet["B"] if c.value == "=1+2")
    assert cell.data_type == "s"


def test_a_percentage_cell_reads_as_the_clerk_typed_it(client: Client, small: SmallPlan, clerk: User) -> None:
    """Typing 65.2% in Excel stores 0.652 with a percentage format: it is 65.2 (%), not 0.652."""
    client.force_login(clerk)
    book = template(client)
    sheet = book[period_upload.SHEET]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[1].value == "常住人口城镇化率")
    row[5].value = 0.652
    row[5].number_format = "0.0%"
    preview = client.post(f"{URL}upload/", {"file": as_upload(book)}).context["preview"]
    assert preview.ok, preview.errors
    (line,) = preview.lines
    assert (line.value, line.decimals) == (Decimal("65.2"), 1)


def test_upload_previews_then_commits_every_row(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    book = fill(
        template(client), {"地区生产总值增长": ("5.2", None, "2024年统计公报"), "常住人口城镇化率": (None, "是")}
    )
    response = client.post(f"{URL}upload/", {"file": as_upload(book)})
    preview = response.context["preview"]
    assert preview.ok and len(preview.lines) == 2
    assert not Observation.objects.filter(year=2024).exists()  # a preview writes nothing
    token = response.context["token"]
    response = client.post(f"{URL}upload/", {"confirm": "", "token": token}, follow=True)
    assert "已从 Excel 模板保存 2 个数值（2024年，草稿）；请核对后提交审核。" in [
        str(m) for m in response.context["messages"]
    ]
    gdp = Observation.objects.get(series=small.gdp.series, year=2024)
    assert (gdp.value, gdp.source, gdp.status, gdp.entered_by) == (Decimal("5.2"), "2024年统计公报", "draft", clerk)
    assert Observation.objects.get(series=small.urban.series, year=2024).no_data
    # the token is spent: confirming again writes nothing more
    response = client.post(f"{URL}upload/", {"confirm": "", "token": token}, follow=True)
    assert UPLOAD_EXPIRED in [str(m) for m in response.context["messages"]]
    assert Observation.objects.get(series=small.gdp.series, year=2024).version == 1


def _bad_books(small: SmallPlan) -> list[tuple[str, Any, str]]:
    other = Workbook()
    other.active.title = "Sheet1"  # type: ignore[union-attr]
    headers = Workbook()
    headers.active.title = period_upload.SHEET  # type: ignore[union-attr]
    headers.active.append(["x"])  # type: ignore[union-attr]
    headers.active.append(["名称", "数值"])  # type: ignore[union-attr]
    return [
        (
            "not an xlsx",
            SimpleUploadedFile("填报.xlsx", b"PK\x03\x04 not really a zip"),
            period_upload.UPLOAD_UNREADABLE,
        ),
        ("csv", SimpleUploadedFile("填报.csv", b"a,b"), period_upload.UPLOAD_NOT_XLSX),
        ("empty", SimpleUploadedFile("填报.xlsx", b""), "请选择填好的 Excel 模板（.xlsx）。"),
        ("other sheet", as_upload(other), period_upload.UPLOAD_NO_SHEET),
        ("headers", as_upload(headers), "表头与模板不一致"),
    ]


@pytest.mark.parametrize("case", range(5), ids=["not-xlsx", "csv", "empty", "sheet", "headers"])
def test_malformed_files_are_refused_and_nothing_is_written(
    client: Client, small: SmallPlan, clerk: User, case: int
) -> None:
    client.force_login(clerk)
    _, upload, message = _bad_books(small)[case]
    response = client.post(f"{URL}upload/", {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Observation.objects.filter(year=2024).exists()


def test_row_errors_are_listed_and_no_row_is_written(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    book = fill(template(client), {"地区生产总值增长": ("5.2",), "常住人口城镇化率": ("六十五",)})
    sheet = book[period_upload.SHEET]
    sheet.append([small.jobs.series_id, "城镇新增就业人数", "万人", "2024年", "", "1.2"])  # another department's
    sheet.append([small.gdp.series_id, "地区生产总值增长", "%", "2023年", "", "5.0"])  # another period
    response = client.post(f"{URL}upload/", {"file": as_upload(book)})
    preview = response.context["preview"]
    assert not preview.ok
    assert any("常住人口城镇化率" in e and "填写的“六十五”有误" in e for e in preview.errors)  # the value echoed
    assert any("城镇新增就业人数" in e and "不属于" in e for e in preview.errors)
    assert any("期间是“2023年”" in e for e in preview.errors)
    assert 'name="confirm"' not in response.content.decode()
    assert not Observation.objects.filter(year=2024).exists()


def test_changing_an_approved_figure_needs_a_reason_column(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    book = fill(template(client, "2022"), {"地区生产总值增长": ("4.2",)})
    response = client.post("/indicators/entry/period/2022/upload/", {"file": as_upload(book)})
    assert any("修改原因" in e for e in response.context["preview"].errors)
    book = fill(template(client, "2022"), {"地区生产总值增长": ("4.2", None, None, None, "附件2口径")})
    response = client.post("/indicators/entry/period/2022/upload/", {"file": as_upload(book)})
    preview = response.context["preview"]
    assert preview.ok and preview.warnings == ["第 3 行（地区生产总值增长）：将 4.0 改为 4.2。"]
    client.post("/indicators/entry/period/2022/upload/", {"confirm": "", "token": response.context["token"]})
    changed = Observation.objects.get(series=small.gdp.series, year=2022)
    assert (changed.value, changed.approved_value) == (Decimal("4.2"), Decimal("4.0"))
    assert changed.history.first().history_change_reason == "附件2口径"


def test_only_clerks_and_admins_use_the_template(client: Client, small: SmallPlan, leader: User) -> None:
    client.force_login(leader)
    assert client.get(f"{URL}template.xlsx").status_code == 403
    assert client.get(f"{URL}upload/").status_code == 403


@pytest.mark.parametrize(("path", "expected"), [("template.xlsx", 9), ("upload/", 10)])
def test_query_counts_at_one_and_many(
    region: Region,
    stats_department: Department,
    hr_department: Department,
    clerk: User,
    path: str,
    expected: int,
) -> None:
    # session, user, groups, profile, plans, leaf indicators, figures, earlier figures, locks (+ the
    # navigation's to-do counts on the HTML page)
    counts = []
    for extra in (1, 15):
        build_small_plan(region, stats_department, hr_department, extra_indicators=extra, name=f"规划{extra}")
        client = Client()
        client.force_login(clerk)
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"{URL}{path}").status_code == 200
        counts.append(len(context.captured_queries))
    assert counts == [expected, expected]


def test_a_row_of_a_locked_period_is_refused_naming_the_locking_plan(
    client: Client, small: SmallPlan, clerk: User, admin: User
) -> None:
    from indicators import services

    client.force_login(clerk)
    book = fill(template(client), {"地区生产总值增长": ("5.2",)})
    services.period_lock(plan=small.plan, period=Period(2024), user=admin, reason="报告已通过")
    preview = client.post(f"{URL}upload/", {"file": as_upload(book)}).context["preview"]
    locked = services.locked_message(Period(2024), [small.plan.name])
    assert preview.errors == [period_upload.UPLOAD_LOCKED.format(row=3, name="地区生产总值增长", locked=locked)]
    assert not Observation.objects.filter(year=2024).exists()


def test_template_writes_figures_as_numbers_and_marks_locked_rows(
    client: Client, small: SmallPlan, clerk: User, admin: User
) -> None:
    """Existing figures are number cells printing their decimals (not text Excel flags); a locked row says so; and
    the template uploaded back unchanged writes nothing."""
    from indicators import services

    services.period_lock(plan=small.plan, period=Period(2022), user=admin, reason="报告已通过")
    client.force_login(clerk)
    response = client.get("/indicators/entry/period/2022/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))[period_upload.SHEET]
    gdp = next(r for r in sheet.iter_rows(min_row=3) if r[1].value == "地区生产总值增长")
    assert gdp[5].value == 4.0 and gdp[5].data_type == "n" and gdp[5].number_format == "0.0"
    assert "本期已锁定" in str(gdp[4].value)
    unchanged = client.post(
        "/indicators/entry/period/2022/upload/", {"file": SimpleUploadedFile("a.xlsx", response.content)}
    )
    assert unchanged.context["preview"].errors == [period_upload.UPLOAD_NOTHING]


def test_the_preview_warns_of_a_figure_far_outside_its_history(client: Client, small: SmallPlan, clerk: User) -> None:
    """Typing 52 for 5.2: the reviewer's 远超以往数值 warning is shown before saving, not only after."""
    client.force_login(clerk)
    book = fill(template(client), {"地区生产总值增长": ("52",)})
    preview = client.post(f"{URL}upload/", {"file": as_upload(book)}).context["preview"]
    assert preview.ok and len(preview.lines) == 1
    assert any(w.startswith("第 3 行（地区生产总值增长）：") and "以往" in w for w in preview.warnings), (
        preview.warnings
    )
    book = fill(template(client), {"地区生产总值增长": ("5.2",)})
    assert client.post(f"{URL}upload/", {"file": as_upload(book)}).context["preview"].warnings == []


def test_the_preview_prints_values_as_saved_and_says_nothing_is_saved_yet(
    client: Client, small: SmallPlan, clerk: User
) -> None:
    """A whole number prints "70" (not 7E+1), and while other rows have errors the good rows are not "to be saved"."""
    client.force_login(clerk)
    book = fill(template(client), {"常住人口城镇化率": ("70",)})
    response = client.post(f"{URL}upload/", {"file": as_upload(book)})
    assert [line.shown for line in response.context["preview"].lines] == ["70"]
    assert ">70</td>" in response.content.decode() and "E+" not in response.content.decode()
    book = fill(template(client), {"常住人口城镇化率": ("70",), "地区生产总值增长": ("abc",)})
    page = client.post(f"{URL}upload/", {"file": as_upload(book)}).content.decode()
    assert "其余无误的 1 个数值" in page and "将保存" not in page


def _uploaded_cell(client: Client, name: str, value: float, number_format: str = "General") -> Any:
    """The preview of the template with one figure typed into ``name``'s 数值 cell, formatted as given."""
    book = template(client)
    row = next(r for r in book["填报"].iter_rows(min_row=3) if r[1].value == name)
    row[5].value = value
    row[5].number_format = number_format
    return client.post(f"{URL}upload/", {"file": as_upload(book)}).context["preview"]


@pytest.mark.parametrize(
    ("name", "value", "number_format", "expected"),
    [
        ("常住人口城镇化率", 65.2, '0.0"%"', "65.2"),  # a quoted % is a literal sign: Excel does not scale it
        ("地区生产总值增长", 5.2, "0.0\\%", "5.2"),  # nor an escaped one (was read as 520.0, and saveable)
        ("常住人口城镇化率", 0.652, "0.0%", "65.2"),  # a bare % scales: 0.652 shows 65.2%
    ],
)
def test_a_percent_sign_scales_only_where_excel_scales(
    client: Client, small: SmallPlan, clerk: User, name: str, value: float, number_format: str, expected: str
) -> None:
    client.force_login(clerk)
    preview = _uploaded_cell(client, name, value, number_format)
    assert [line.value for line in preview.lines] == [Decimal(expected)], preview.errors


def test_a_figure_finer_than_stored_is_refused_not_zero(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    preview = _uploaded_cell(client, "地区生产总值增长", 1e-7)
    assert not preview.lines and any("地区生产总值增长" in e for e in preview.errors)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4.0", 4.0),
        ("0.3470", 0.347),
        ("12345678901234.123456", "12345678901234.123456"),  # a float would read back …123000: a change
        ("99999999999999.999999", "99999999999999.999999"),
    ],
)
def test_the_template_writes_a_number_only_when_a_float_holds_it(value: str, expected: float | str) -> None:
    assert period_upload.template_number(Decimal(value), value) == expected
