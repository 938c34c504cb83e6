"""The 附件3-style workbook, read back with openpyxl: groups, subtotals, layout, text safety, command."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from indicators.models import Region
from projects.exports import GRAND_TOTAL_LABEL, SUBTOTAL_LABEL, ExportRow, build_workbook, workbook_bytes
from projects.models import Domain, Level, ProgressNote, ProjectInvestment, Stage
from tests.projects_factories import build_projects, make_project

D = Decimal


def row(
    domain: str, name: str, total: str | None, planned: str | None, completed: str | None, note: str = ""
) -> ExportRow:
    return ExportRow(
        domain=domain,
        name=name,
        level="省重点",
        stage="开工在建",
        total=D(total) if total else None,
        planned=D(planned) if planned else None,
        completed=D(completed) if completed else None,
        latest_note=note,
        latest_note_date=None,
    )


def read_back(rows: list[ExportRow], year: int = 2022) -> Worksheet:
    from io import BytesIO

    ws = load_workbook(BytesIO(workbook_bytes(build_workbook(rows, year=year, region_name="卧龙区")))).active
    assert ws is not None
    return ws


def sheet_rows(ws: Worksheet) -> list[tuple]:
    return [tuple(c.value for c in r) for r in ws.iter_rows(min_row=3)]


ROWS = [
    row(Domain.ECOLOGY, "王村污水处理厂尾水湿地项目", "0.7936", "0.5", "0.25"),
    row(Domain.MANUFACTURING, "荣阳实业智能手机零部件生产和加工建设项目", "5.6", "2", "2.5"),
    row(Domain.MANUFACTURING, "众德高端汽车零部件", None, "3", None),
    row(Domain.ECOLOGY, "南水北调村庄生活污水治理", "1.34", None, None),
]


def test_groups_in_appendix_order_with_subtotals_equal_to_their_projects() -> None:
    ws = read_back(ROWS)
    assert ws.cell(row=1, column=1).value == "卧龙区规划期重大项目进展情况（2022年）"
    assert ws.cell(row=2, column=6).value == "2022年计划投资（亿元）"
    rows = sheet_rows(ws)
    heads = [r[0] for r in rows if isinstance(r[0], str)]
    assert heads == ["一、先进制造业（2个）", "二、生态保护（2个）"]  # 附件3 order, not input order

    groups: dict[str, list[tuple]] = {}
    current = ""
    subtotals: dict[str, tuple] = {}
    for r in rows:
        if isinstance(r[0], str):
            current = r[0].split("、")[1].split("（")[0]
        elif r[1].startswith(f"{current}{SUBTOTAL_LABEL}（"):  # 先进制造业小计（2个项目有投资数据）
            subtotals[current] = r
        elif r[1].startswith(f"{GRAND_TOTAL_LABEL}（"):
            grand = r
        else:
            groups.setdefault(current, []).append(r)

    assert set(groups) == {"先进制造业", "生态保护"}
    for label, members in groups.items():
        for col in (4, 5, 6):  # total, planned, completed
            known = [D(str(m[col])) for m in members if m[col] is not None]
            # totals are printed with two decimals (issue 14)
            assert D(str(subtotals[label][col])) == sum(known, D(0)).quantize(D("0.01")), (label, col)
    assert D(str(grand[4])) == (D("5.6") + D("0.7936") + D("1.34")).quantize(D("0.01"))
    assert D(str(grand[5])) == D("5.5") and D(str(grand[6])) == D("2.75")
    # completion % of a subtotal comes from the subtotal's sums: 2.5 / 5 = 50.0
    assert subtotals["先进制造业"][7] == 50.0
    # unknown figures stay empty, never 0
    zhongde = next(r for r in groups["先进制造业"] if r[1] == "众德高端汽车零部件")
    assert zhongde[4] is None and zhongde[6] is None and zhongde[7] is None


def test_layout_for_printing() -> None:
    ws = read_back(ROWS)
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert ws.column_dimensions["B"].width >= 40 and ws.column_dimensions["I"].width >= 50
    assert "A1:I1" in {str(m) for m in ws.merged_cells.ranges}
    name_cell = ws.cell(row=4, column=2)
    assert name_cell.alignment.wrap_text
    assert name_cell.border.left.style == "thin" and name_cell.border.bottom.style == "thin"
    assert ws.cell(row=2, column=1).font.bold


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_stays_text(text: str) -> None:
    ws = read_back([row(Domain.SOCIAL, text, "1", None, None, note=text)])
    name = ws.cell(row=4, column=2)
    assert name.value == text and name.data_type in {"s", "inlineStr"}  # a string, never "f" (formula)
    assert name.quotePrefix  # Excel shows it as typed and will not evaluate it on edit
    assert ws.cell(row=4, column=9).data_type in {"s", "inlineStr"}


def test_empty_export_still_has_title_header_and_total() -> None:
    ws = read_back([])
    total = f"{GRAND_TOTAL_LABEL}（0个项目有投资数据）"
    assert sheet_rows(ws) == [(None, total, None, None, None, None, None, None, None)]


def test_command_exports_the_database_rows(region: Region, tmp_path: Path) -> None:
    p = make_project(region, "卧龙艾草产业园", domain=Domain.RURAL, level=Level.CITY, total_investment=D("30"))
    p.stage = Stage.IN_PRODUCTION
    p.save()
    ProjectInvestment.objects.create(project=p, year=2022, planned=D("6"), completed=D("4.5"))
    ProgressNote.objects.create(project=p, date="2022-01-01", text="开工建设")
    ProgressNote.objects.create(project=p, date="2024-06-30", text="一期建成开园")
    build_projects(region, 5, years=(2023,))
    out = tmp_path / "projects.xlsx"
    stdout = StringIO()
    call_command("export_projects", "--year", "2022", "-o", str(out), stdout=stdout)
    # as of 2022 (issue 14): the five projects known from 2023 on are not listed; the stage set today (no
    # record of it by 2022, no start year) is not shown, and the latest note is the one of 2022
    assert "1 个" in stdout.getvalue()
    ws = load_workbook(out).active
    assert ws is not None
    found = next(r for r in sheet_rows(ws) if r[1] == "卧龙艾草产业园")
    assert found[2:8] == ("市重点", None, 30, 6, 4.5, 75.0)
    assert found[8] == "2022-01-01 开工建设"


def test_command_refuses_bad_arguments(region: Region, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="没有找到"):
        call_command("export_projects", "--year", "2022", "-o", str(tmp_path / "a.xlsx"))
    make_project(region)
    with pytest.raises(CommandError, match="年份应为"):
        call_command("export_projects", "--year", "22", "-o", str(tmp_path / "a.xlsx"))
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("export_projects", "--year", "2022", "-o", str(tmp_path / "a.csv"))
