"""Must show: the exported workbook of the fixture plan as of 2023H1, read back with openpyxl, holds
附件1's 21 rows with their numbers, targets as printed and verdicts, merged as in the report; the
export_appendix command writes the same workbook as the page's download button."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from indicators import xlsx_layout as layout
from indicators.models import Plan
from indicators.periods import Period
from reports import workbook as wb
from reports.appendix import build_report
from reports.selection import default_as_of
from tests.builders import build_plan
from tests.conftest import PLAN_FIXTURE
from tests.test_fixture_plan import APPENDIX_1

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

# 附件1's printed verdicts, row by row (the fixture keeps them as "verdict_2023H1" beside each row).
_FIXTURE = json.loads(PLAN_FIXTURE.read_text(encoding="utf-8"))
VERDICTS = [row.get("verdict_2023H1") for top in _FIXTURE["indicators"] for row in (top.get("children") or [top])]


def _export(plan: Plan, as_of: str = "2023H1") -> Workbook:
    buffer = io.BytesIO()
    wb.build_appendix_workbook(build_report(plan, Period.parse(as_of)).appendix).save(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def _printed(cell_value: object, number_format: str) -> str | None:
    """A cell as 附件1 prints it: the number with the cell's decimals, or None for "/"."""
    if cell_value == "/":
        return None
    decimals = len(number_format.split(".")[1]) if "." in number_format else 0
    return f"{cell_value:.{decimals}f}"


def test_workbook_of_the_fixture_plan_holds_appendix_1(plan_14th: Plan) -> None:
    sheet = _export(plan_14th)[layout.SHEET_APPENDIX1]
    assert len(VERDICTS) == len(APPENDIX_1) == 21
    last = layout.COL_FIRST_VALUE + 4  # 2020, 2021, 2022, 2023年上半年, then the verdict
    assert [sheet.cell(3, c).value for c in range(layout.COL_FIRST_VALUE, last)] == [
        "2020年", "2021年", "2022年", "2023年上半年",
    ]  # fmt: skip
    assert sheet.cell(2, last).value == "中期完成情况"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    group = ""
    for i, (expected, verdict) in enumerate(zip(APPENDIX_1, VERDICTS, strict=True)):
        r = layout.FIRST_DATA_ROW + i
        seq, _category, key, unit, attribute, target, *values = expected
        parent, _, name = key.rpartition("/")
        if parent:
            group = parent if parent != group else group
            assert sheet.cell(r, layout.COL_NAME).value == f"{name}（{unit}）"
            if sheet.cell(r, layout.COL_GROUP).value is not None:  # the first row of the merged group
                assert sheet.cell(r, layout.COL_GROUP).value == parent
                assert sheet.cell(r, layout.COL_SEQ).value == seq
        else:
            assert sheet.cell(r, layout.COL_GROUP).value == f"{name}（{unit}）"
            assert sheet.cell(r, layout.COL_SEQ).value == seq
            assert f"C{r}:D{r}" in merged
        assert sheet.cell(r, layout.COL_ATTRIBUTE).value == attribute
        assert sheet.cell(r, layout.COL_TARGET).value == target  # as printed, e.g. "7.0左右", "[12]", "＜5.5"
        shown = [
            _printed(sheet.cell(r, c).value, sheet.cell(r, c).number_format)
            for c in range(layout.COL_FIRST_VALUE, last)
        ]
        assert shown == values, key
        assert sheet.cell(r, last).value == verdict, key
    assert sheet.cell(layout.FIRST_DATA_ROW + 21, 1).value is None  # nothing after the 21 rows
    # merged as in the report: 类别 down each category, 序号 and the parent down each group
    assert {"B4:B6", "B7:B9", "B10:B18", "B19:B23"} <= merged
    assert not any(m.startswith("B24") for m in merged)  # 安全保障: one row
    assert {"A11:A12", "C11:C12", "A14:A15", "C14:C15"} <= merged
    assert sheet["B10"].value == "民生福祉" and sheet["C11"].value == "城镇就业"
    # numbers stay numbers with the printed precision
    assert sheet["J11"].value == pytest.approx(0.347) and sheet["J11"].number_format == "0.0000"
    assert isinstance(sheet["H4"].value, float) and sheet["I4"].number_format == "0.0"
    # manual verdicts carry their reason
    comment = sheet.cell(19, last).comment
    assert comment is not None and comment.text.startswith(layout.MANUAL_COMMENT_PREFIX + "按市下达目标")


def test_sheets_2_and_3_of_the_fixture_plan(plan_14th: Plan) -> None:
    book = _export(plan_14th)
    second = book[layout.SHEET_APPENDIX2]
    names = [second.cell(r, 2).value for r in range(3, 7)]
    assert names == ["地区生产总值增长", "常住人口城镇化率", "研发经费投入增长", "城乡居民人均可支配收入增长率"]
    assert "后三年需年均增长8.2%" in second["D3"].value
    third = book[layout.SHEET_SOURCES]
    rows = [[c.value for c in row] for row in third.iter_rows(min_row=2)]
    others = [r for r in rows if r[7] == layout.READING_OTHER]
    assert any(r[3] == "地区生产总值增长" and r[4] == "2022年" and r[6] == "4.2" for r in others)
    assert all(r[8] for r in rows)  # every value names its source
    table_values = [r for r in rows if r[7] == layout.READING_TABLE]
    assert len(table_values) == 21 * 4


def _values(book: Workbook) -> dict[str, list[list[object]]]:
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}


def test_command_writes_the_same_workbook_as_the_download(
    plan_14th: Plan, tmp_path: Path, client: Client, leader: object
) -> None:
    out = tmp_path / "附件1.xlsx"
    call_command("export_appendix", "--plan", "十四五", "--as-of", "2023H1", "-o", str(out))
    client.force_login(leader)  # type: ignore[arg-type]
    downloaded = load_workbook(io.BytesIO(client.get("/appendix/1/xlsx/?as_of=2023H1").content))
    written = load_workbook(out)
    assert _values(written) == _values(downloaded)
    assert {str(r) for r in written[layout.SHEET_APPENDIX1].merged_cells.ranges} == {
        str(r) for r in downloaded[layout.SHEET_APPENDIX1].merged_cells.ranges
    }


def test_command_defaults_and_plan_by_id(plan_14th: Plan, tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    call_command("export_appendix", "-o", str(out))  # one plan: no --plan needed; as-of: the pages' default
    default = default_as_of(plan_14th)
    assert load_workbook(out)[layout.SHEET_APPENDIX1]["A1"].value.endswith(f"（中期评估，截至{default.label}）")
    call_command("export_appendix", "--plan", str(plan_14th.pk), "--as-of", "2022", "-o", str(out))
    assert load_workbook(out)[layout.SHEET_APPENDIX1]["A1"].value.endswith("（中期评估，截至2022年）")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2023Z"], "期间格式不正确"),
        (["--as-of", "2031"], "评估期2031年不在规划期（2021–2025年）内。"),
        (["--plan", "十三五"], "未找到规划“十三五”"),
    ],
)
@pytest.mark.parametrize("command", ["export_appendix", "export_report"])  # the report draft: issue 11
def test_command_errors_are_chinese(
    plan_14th: Plan, tmp_path: Path, args: list[str], message: str, command: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(command, *args, "-o", str(tmp_path / "x.out"))
    assert not (tmp_path / "x.out").exists()


def test_command_needs_plan_when_there_are_several(plan_14th: Plan, tmp_path: Path) -> None:
    build_plan(2, name="另一规划")
    with pytest.raises(CommandError, match="有多个规划，请用 --plan 指定"):
        call_command("export_appendix", "-o", str(tmp_path / "x.xlsx"))


def test_indicator_named_like_a_formula_is_exported_as_text(db: None) -> None:
    plan = build_plan(1)
    plan.indicators.update(name="=SUM(A1)", target_text="@cmd")
    sheet = _export(plan, "2022")[layout.SHEET_APPENDIX1]
    cell = sheet.cell(layout.FIRST_DATA_ROW, layout.COL_GROUP)
    assert cell.value == "=SUM(A1)（%）" and cell.data_type == "s"
    target = sheet.cell(layout.FIRST_DATA_ROW, layout.COL_TARGET)
    assert target.value == "@cmd" and target.data_type == "s"
