"""Must show (issue 11): the evaluation report draft (.docx) read back with python-docx. At 2023H1 on the 十四五
fixture: the 中期评估 title, 附件1's 21 rows with 附件1's verdicts in a landscape section with merged cells and
repeated header rows, East Asian fonts on the styles, the summary paragraph's 12 / 4 / 3 and 63.1 / 21.1 / 15.8;
总结评估 at the end of the plan; the download and the export_report command; the same query count at 1 and at
many indicators."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from docx import Document as read_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.table import Table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook

from indicators.models import Indicator, Plan
from indicators.periods import Period
from projects.models import Project
from reports import document as doc
from reports import docx_charts
from reports.appendix import build_report
from reports.models import ReasonNote
from tests.builders import build_plan
from tests.projects_factories import build_projects
from tests.test_fixture_plan import APPENDIX_1
from tests.test_reports_export import VERDICTS
from tests.test_reports_pages import _big_plan

AS_OF = Period.parse("2023H1")


def _draft(plan: Plan, as_of: Period = AS_OF) -> doc.Draft:
    return doc.build_draft(build_report(plan, as_of))


def _read(draft: doc.Draft) -> Document:
    return read_docx(io.BytesIO(doc.document_bytes(doc.build_document(draft))))


def _texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _grid(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _mm(*lengths: Length | None) -> tuple[int, ...]:
    assert all(length is not None for length in lengths)
    return tuple(round(length.mm) for length in lengths if length is not None)


def _east_asia(document: Document, style: str) -> str | None:
    rfonts = document.styles[style].element.rPr.rFonts
    return rfonts.get(qn("w:eastAsia"))


@pytest.fixture
def fixture_document(plan_14th: Plan) -> tuple[doc.Draft, Document]:
    draft = _draft(plan_14th)
    return draft, _read(draft)


def test_title_and_summary_of_the_fixture_plan(fixture_document: tuple[doc.Draft, Document]) -> None:
    draft, document = fixture_document
    texts = _texts(document)
    assert texts[0] == "卧龙区“十四五”规划实施情况中期评估报告"
    style = document.paragraphs[0].style
    assert style is not None and style.name == "公文标题"
    assert document.core_properties.title == texts[0]
    assert "总结评估" not in "".join(texts)
    summary = next(t for t in texts if t.startswith("《纲要》共设置"))
    assert summary == draft.report.paragraph
    assert "共19项指标" in summary
    assert "有12项指标完成较好，达到或超过预期进度，占比63.1%" in summary
    assert "4项预期性指标完成情况低于预期，占比21.1%" in summary
    assert "3项指标暂时没有数据，占比15.8%" in summary
    assert "规划实施时间进度为50.0%，19项主要指标中12项达到或超过预期进度，任务进度为63.1%，不低于时间进度" in "".join(
        texts
    )
    # one paragraph per indicator, as /narrative/ writes them, under its category
    for top in draft.report.appendix.top:
        assert f"{top.name}。{top.sentence}" in texts
    assert "地区生产总值增长。2021年、2022年、2023年上半年全区地区生产总值增长分别为9.1%、4.0%、4.0%" in "".join(texts)
    assert texts.index("1.经济发展。【待撰写：对本类别指标完成情况的概括】") < texts.index(
        "2.创新驱动。【待撰写：对本类别指标完成情况的概括】"
    )
    assert "附件：1.“十四五”规划主要指标目标完成情况" in texts


def test_appendix_1_table_of_the_fixture_plan(fixture_document: tuple[doc.Draft, Document]) -> None:
    _, document = fixture_document
    table = document.tables[0]
    grid = _grid(table)
    header, second, rows = grid[0], grid[1], grid[2:]
    assert header[:3] == ["序号", "类别", "指标"] and header[-1] == "中期完成情况"
    assert second[5:] == ["2025年", "2020年", "2021年", "2022年", "2023年上半年", "中期完成情况"]
    assert len(rows) == len(APPENDIX_1) == 21
    assert [r[-1] for r in rows] == VERDICTS
    for row, expected in zip(rows, APPENDIX_1, strict=True):
        seq, category, key, unit, attribute, target, *values = expected
        assert row[0] == seq and row[1] == category and row[4] == attribute and row[5] == target
        assert row[6:10] == [v if v is not None else "/" for v in values], key  # printed precision, "/"
        name = key.rpartition("/")[2]
        assert row[3] == f"{name}（{unit}）"
    # header rows repeat on every page; no row splits across pages
    marks = [{child.tag for child in r._tr.get_or_add_trPr()} for r in table.rows]
    assert all(qn("w:tblHeader") in m for m in marks[:2])
    assert not any(qn("w:tblHeader") in m for m in marks[2:])
    assert all(qn("w:cantSplit") in m for m in marks)


def test_appendix_1_cells_are_merged_as_in_the_report(fixture_document: tuple[doc.Draft, Document]) -> None:
    _, document = fixture_document
    table = document.tables[0]
    first = 2  # after the two header rows
    # 类别 down each category: 经济发展 rows 1–3, 民生福祉 rows 7–15 (9 printed rows), 安全保障 one row
    assert table.cell(first, 1)._tc is table.cell(first + 2, 1)._tc
    assert table.cell(first + 2, 1)._tc is not table.cell(first + 3, 1)._tc
    assert table.cell(first + 6, 1)._tc is table.cell(first + 14, 1)._tc
    assert table.cell(first, 1).text == "经济发展"  # once, not once per merged row
    # 序号 and the parent's name down a sub-indicator group (城镇就业: printed rows 8 and 9)
    assert table.cell(first + 7, 0)._tc is table.cell(first + 8, 0)._tc
    assert table.cell(first + 7, 2)._tc is table.cell(first + 8, 2)._tc
    assert table.cell(first + 7, 2).text == "城镇就业"
    kept = [table.cell(first + r, 4).paragraphs[0].paragraph_format.keep_with_next for r in (6, 7, 8)]
    assert kept == [None, True, None]  # a group's rows stay on one page
    # a top-level indicator's name spans the two name columns
    assert table.cell(first, 2)._tc is table.cell(first, 3)._tc
    # the headers: 实际值 across the period columns, 中期完成情况 down both header rows
    assert table.cell(0, 6)._tc is table.cell(0, 9)._tc
    assert table.cell(0, 10)._tc is table.cell(1, 10)._tc


def test_sections_pages_and_fonts(fixture_document: tuple[doc.Draft, Document]) -> None:
    _, document = fixture_document
    body, appendix1, *_ = document.sections
    assert [s.orientation for s in document.sections] == [
        WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE,
    ]  # fmt: skip
    assert _mm(body.page_width, body.page_height) == (210, 297)  # A4
    assert _mm(appendix1.page_width, appendix1.page_height) == (297, 210)
    assert _mm(body.top_margin, body.left_margin) == (37, 28)
    # fonts named for East Asian text on the styles (GB/T 9704: 仿宋 三号 body, 小标宋 二号 title …)
    assert _east_asia(document, "Normal") == "仿宋_GB2312"
    assert document.styles["Normal"].font.size == Pt(16)
    assert document.styles["Normal"].paragraph_format.line_spacing == Pt(28)
    assert _east_asia(document, "公文标题") == "方正小标宋简体"
    assert document.styles["公文标题"].font.size == Pt(22)
    assert _east_asia(document, "一级标题") == "黑体"
    assert _east_asia(document, "二级标题") == "楷体_GB2312"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.rFonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the name
    # page numbers "— N —": odd pages right, even pages left
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (body.footer, body.even_page_footer):
        xml = footer._element.xml
        assert " PAGE " in xml and footer.paragraphs[0].text.startswith("— ")
    assert body.footer.paragraphs[0].alignment != body.even_page_footer.paragraphs[0].alignment
    assert appendix1.footer.is_linked_to_previous  # numbered on through the attachments


def test_appendix_2_holds_facts_and_the_written_reasons(plan_14th: Plan) -> None:
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    ReasonNote.objects.create(plan=plan_14th, indicator=gdp, year=2023, part="H1", text="受宏观经济下行压力影响。")
    document = _read(_draft(plan_14th))
    texts = _texts(document)
    start = texts.index("部分规划指标未达时序进度的原因分析")
    entries = [t for t in texts[start + 1 :] if t and t[0] in "一二三四五"]
    assert [e.split("。")[0] for e in entries] == [
        "一、地区生产总值增长",
        "二、常住人口城镇化率",
        "三、研发经费投入增长",
        "四、城乡居民人均可支配收入增长率",
    ]
    assert entries[0].startswith(
        "一、地区生产总值增长。2021年、2022年、2023年上半年全区地区生产总值增长分别为9.1%、4.0%、4.0%，进展低于预期，"
        "预计实现规划目标存在一定难度。完成进度36.1%（时序进度50.0%），后三年需年均增长8.2%。主要原因："
    )
    assert entries[0].endswith("主要原因：受宏观经济下行压力影响。")
    assert entries[1].endswith("主要原因：" + doc.TODO.format(what=doc.TODO_REASON))  # left to write


def test_appendix_3_groups_projects_with_subtotals(plan_14th: Plan) -> None:
    build_projects(plan_14th.region, 7, years=(2023,), notes_per_project=1)
    draft = _draft(plan_14th)
    document = _read(draft)
    assert len(document.tables) == 2
    grid = _grid(document.tables[1])
    assert grid[0][5:7] == ["2023年计划投资（亿元）", "2023年完成投资（亿元）"]
    groups = [r[0] for r in grid if r[0][:2] in {f"{n}、" for n in doc.CHINESE_NUMERALS}]
    assert groups[0].startswith("一、") and groups[0].endswith("个）")
    subtotals = [r for r in grid if r[1].endswith("小计")]
    assert len(subtotals) == len(doc.group_by_domain(draft.projects))
    total = grid[-1]
    assert total[1] == "合计"
    assert total[5] == "17.5"  # 7 × 2.5 亿元 planned
    assert sum(int(g.rsplit("（", 1)[1].rstrip("个）")) for g in groups) == 7
    assert any(t.startswith("2023年，监测重大项目7个，总投资") for t in _texts(document))


@pytest.mark.parametrize(
    ("as_of", "final"),
    [("2021", False), ("2023H1", False), ("2025H1", False), ("2025Q3", False), ("2025", True)],
)
def test_final_evaluation_is_the_as_of_that_closes_the_plan(as_of: str, final: bool) -> None:
    """The document's kind is the appendix's ``final``, which is the engine's rule."""
    from indicators.evaluation import is_final

    assert is_final(2020, 2025, Period.parse(as_of)) is final


def test_the_plans_last_year_gives_a_final_evaluation(db: None) -> None:
    plan = build_plan(6)
    document = _read(_draft(plan, Period(2025)))
    texts = _texts(document)
    assert texts[0] == "测试规划实施情况总结评估报告"
    cells = [cell for table in document.tables for row in _grid(table) for cell in row]
    assert not any("中期" in text for text in texts + cells)  # no 中期 left anywhere, headers included
    assert _grid(document.tables[0])[0][-1] == "完成情况"
    assert "2020年" in _grid(document.tables[0])[1]
    assert any(t.startswith("（草稿·数据截至2025年）") for t in texts)


def test_plan_without_behind_indicators_or_projects(db: None) -> None:
    plan = build_plan(1)  # 地区生产总值增长 only; no projects in its region
    Project.objects.all().delete()
    texts = _texts(_read(_draft(plan, Period(2021))))
    assert doc.NO_PROJECTS in texts


# What a form or an import can bring: any character but NUL (PostgreSQL stores none) and lone surrogates (not UTF-8).
_TYPED = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(_TYPED, min_size=1, max_size=40), reason=st.text(_TYPED, max_size=80))
def test_any_typed_text_makes_a_document(db: None, name: str, reason: str) -> None:
    """Names and reasons are typed by staff (or imported): control characters never break the document."""
    plan = Plan.objects.filter(name="任意文字").first() or build_plan(1, name="任意文字")  # kept across examples
    indicator = plan.indicators.get()
    indicator.name = name
    indicator.save(update_fields=["name"])
    ReasonNote.objects.update_or_create(plan=plan, indicator=indicator, year=2022, part="", defaults={"text": reason})
    document = _read(_draft(plan, Period(2022)))
    shown = doc.xml_safe(name).replace("\r", "\n")  # a line break reads back as "\n"
    assert shown in "".join(c for row in _grid(document.tables[0]) for c in row)


# --- download, command, queries ---------------------------------------------------------------------------


def test_download_needs_login(client: Client, plan_14th: Plan) -> None:
    response = client.get("/report/docx/?as_of=2023H1")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_download_and_command_give_the_same_document(
    client: Client, leader: User, plan_14th: Plan, tmp_path: Path
) -> None:
    client.force_login(leader)
    response = client.get("/report/docx/?as_of=2023H1")
    assert response.status_code == 200
    assert response["Content-Type"] == doc.DOCX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    downloaded = read_docx(io.BytesIO(response.content))
    out = tmp_path / "报告.docx"
    call_command("export_report", "--plan", "十四五", "--as-of", "2023H1", "-o", str(out))
    written = read_docx(str(out))
    assert _texts(written) == _texts(downloaded)
    assert [_grid(t) for t in written.tables] == [_grid(t) for t in downloaded.tables]


def test_download_without_a_plan_says_so(client: Client, leader: User) -> None:
    client.force_login(leader)
    response = client.get("/report/docx/", follow=True)
    assert response.status_code == 200
    assert "尚未建立规划" in response.content.decode()


def test_report_pages_offer_the_draft_and_printing(client: Client, leader: User, plan_14th: Plan) -> None:
    client.force_login(leader)
    for url in ("/", "/appendix/1/", "/narrative/", "/appendix/2/"):
        html = client.get(f"{url}?as_of=2023H1").content.decode()
        assert 'href="/report/docx/?as_of=2023H1"' in html and "下载报告草稿（Word）" in html, url
        assert "data-print" in html and "打印" in html, url
        assert "css/print.css" in html, url


def test_appendix_2_prints_the_reasons_an_editor_sees_in_text_boxes(
    client: Client, reviewer: User, plan_14th: Plan
) -> None:
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    ReasonNote.objects.create(plan=plan_14th, indicator=gdp, year=2023, part="H1", text="受宏观经济下行压力影响。")
    client.force_login(reviewer)
    html = client.get("/appendix/2/?as_of=2023H1").content.decode()
    assert "<textarea" in html  # the reviewer edits …
    assert '<p class="reason-text print-only">受宏观经济下行压力影响。</p>' in html  # … and prints the text


# Queries of the download: session, user; the plan list, the default plan (no ?plan); build_report's six
# (indicators, observations, assigned targets, manual verdicts, alternative readings, reason notes);
# 附件3's projects of the region (one query with the year's investment and the latest note as subqueries);
# the user's home region and the region tree of the selector (issue 12).
DOWNLOAD_QUERIES = 13


@pytest.mark.parametrize(("indicators", "projects"), [(1, 1), (300, 60)])
def test_download_query_count_does_not_grow(
    client: Client, leader: User, django_assert_num_queries: Any, indicators: int, projects: int
) -> None:
    plan, _ = _big_plan(indicators)
    build_projects(plan.region, projects, years=(2023,))
    client.force_login(leader)
    with django_assert_num_queries(DOWNLOAD_QUERIES):
        response = client.get("/report/docx/?as_of=2023H1")
    assert response.status_code == 200
    document = read_docx(io.BytesIO(response.content))
    assert len(document.tables[0].rows) == 2 + indicators + 2  # headers, rows, the two sub-indicators


def test_charts_are_native_word_charts_with_their_data(fixture_document: tuple[doc.Draft, Document]) -> None:
    """The 双过半 bars and the verdict doughnut: editable charts (cached values plus an embedded workbook)."""
    _, document = fixture_document
    parts = [rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.CHART]
    assert len(parts) == 2
    bars, doughnut = (etree.fromstring(p.blob) for p in parts)
    ns = {"c": docx_charts.C}

    def cached(chart: Any, what: str) -> list[str]:
        return [v.text for v in chart.findall(f".//c:{what}//c:pt/c:v", ns)]

    assert bars.find(".//c:barChart", ns) is not None
    assert cached(bars, "cat") == ["时间进度", "任务进度"] and cached(bars, "val") == ["50", "63.1"]
    assert doughnut.find(".//c:doughnutChart", ns) is not None
    assert cached(doughnut, "cat") == ["超出预期", "达到预期", "低于预期", "暂无数据"]  # 待研判: none, left out
    assert cached(doughnut, "val") == ["1", "11", "4", "3"]
    embedded = [rel.target_part for rel in parts[1].rels.values() if rel.reltype == RT.PACKAGE]
    sheet = load_workbook(io.BytesIO(embedded[0].blob)).active
    assert sheet is not None
    assert [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("超出预期", 1), ("达到预期", 11), ("低于预期", 4), ("暂无数据", 3),
    ]  # fmt: skip
    texts = _texts(document)
    assert "图1　时间进度与任务进度（“双过半”）" in texts and "图2　主要指标中期完成情况" in texts
