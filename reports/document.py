"""The evaluation report draft (报告草稿) as a Word document: ``build_draft(report)`` adds 附件3's projects (one
query) to the built report; ``build_document(draft)`` is the pure renderer, tested by reading the .docx back.

What the draft holds: the title by evaluation kind (中期评估 / 总结评估), the 一（一） paragraph and one
paragraph per indicator (``reports.narrative``, as on /narrative/), the 附件2 facts with the staff-written
主要原因, then 附件1 and 附件3 in landscape sections and 附件2 in portrait. Where only a writer can write (the
analysis, the problems, the measures), the draft holds a highlighted 【待撰写：…】 placeholder.

Layout after GB/T 9704-2012 (see ``Layout``): A4, type area 156 × 225 mm, title 方正小标宋简体 二号, body
仿宋_GB2312 三号 at an exact line spacing, headings 黑体 / 楷体_GB2312, page numbers "— 3 —" in 宋体 四号,
odd pages right and even pages left. Every font is set for East Asian text too (``w:eastAsia``), on the
styles, so Word and WPS use it. Every table is a real Word table: merged 类别 / parent cells, header rows
repeated on each page, no row split across pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from itertools import groupby

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.simpletypes import ST_Merge
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from indicators.annual import Completion
from indicators.assessment import plan_settings
from indicators.numbers import with_unit
from indicators.vocabulary import Status
from indicators.xlsx_layout import (
    HEADER_ATTRIBUTE,
    HEADER_CATEGORY,
    HEADER_INDICATOR,
    HEADER_SEQ,
    HEADER_TARGET,
    HEADER_VALUES,
)
from projects.exports import (
    CHINESE_NUMERALS,
    GRAND_TOTAL_LABEL,
    SUBTOTAL_LABEL,
    DomainGroup,
    ExportRow,
    export_rows,
    group_by_domain,
)
from projects.exports import HEADERS as PROJECT_HEADERS
from projects.models import Project
from projects.rules import completion_percent, format_amount, sum_known, summary_clause, summary_sentence
from reports import docx_charts as charts
from reports.annual import ANNUAL_HEADERS, NO_FIGURE, AnnualReport, AnnualRow
from reports.appendix import Report, progress_of
from reports.figures import STATUS_COLOURS
from reports.rows import AppendixRow, ReasonEntry, percent

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MIDTERM = "中期评估"
FINAL = "总结评估"
SUBTITLE = "（草稿·数据截至{label}）"
APPENDIX2_TITLE = "部分规划指标未达时序进度的原因分析"
APPENDIX3_TITLE = "规划期重大项目进展情况"
NO_REASONS = "截至{label}，没有低于预期的指标。"
NO_PROJECTS = "暂无重大项目数据。"
REASON_LEAD = "主要原因："

# What only a writer can write; highlighted in the draft so none is left in the final text.
TODO = "【待撰写：{what}】"
TODO_PREFACE = "评估的依据、范围和方法"
TODO_OVERALL = "《纲要》实施总体进展的概括与判断"
TODO_STRATEGY = "重大战略任务推进情况，按领域分条撰写"
TODO_PROJECTS = "重大工程项目推进情况的分析"
TODO_PROBLEMS = "实施面临的主要问题挑战"
TODO_MEASURES = "进一步推进《纲要》实施的重点任务举措"
TODO_REASON = "该指标未达时序进度的主要原因（可在“附件2 未达进度原因”页面填写）"
TODO_CATEGORY = "对本类别指标完成情况的概括"

# The value columns' share of the width is kept; the text columns shrink when there are many periods.
_APPENDIX1_WIDTHS = {"seq": 10, "category": 20, "group": 22, "name": 38, "attribute": 17, "target": 24}
_VALUE_WIDTH = 19
_VERDICT_WIDTH = 19
_ROW_MM = 8
_PROJECT_WIDTHS = (9, 58, 13, 15, 20, 20, 20, 17, 58)


@dataclass(frozen=True)
class Layout:
    """The page and type settings; an office with other habits passes its own (see GB/T 9704-2012)."""

    title_font: str = "方正小标宋简体"
    body_font: str = "仿宋_GB2312"
    heading1_font: str = "黑体"
    heading2_font: str = "楷体_GB2312"
    page_number_font: str = "宋体"
    title_size: float = 22  # 二号
    body_size: float = 16  # 三号
    table_size: float = 10.5  # 五号
    page_number_size: float = 14  # 四号
    line_spacing: float = 28  # pt, exact: 22 lines on the 225 mm type area
    top_mm: float = 37
    bottom_mm: float = 35
    left_mm: float = 28
    right_mm: float = 26
    footer_mm: float = 21  # page-number baseline about 7 mm below the type area


@dataclass(frozen=True)
class Draft:
    """Everything the document shows: the built report and 附件3's projects of the as-of year."""

    report: Report
    kind: str  # MIDTERM or FINAL
    region_name: str
    project_year: int
    projects: tuple[ExportRow, ...] = field(default=())
    verdict_groups: tuple[tuple[str, str, int], ...] = field(default=())  # (status, the plan's label, count)

    @property
    def title(self) -> str:
        return f"{self.report.plan.name}实施情况{self.kind}报告"

    @property
    def verdict_header(self) -> str:
        return self.report.appendix.verdict_header  # as on the page and in the workbook

    @property
    def filename(self) -> str:
        short = self.report.plan.short_name or self.report.plan.name
        return f"{short}规划实施情况{self.kind}报告草稿_{self.report.appendix.as_of.code}.docx"


def build_draft(report: Report) -> Draft:
    """One query on top of the report: 附件3's projects of the plan's region, with the as-of year's investment."""
    plan = report.plan
    as_of = report.appendix.as_of
    projects = export_rows(Project.objects.of_region(plan.region), as_of.year)
    return Draft(
        report=report,
        kind=FINAL if report.appendix.final else MIDTERM,  # the engine's is_final, as on the pages
        region_name=plan.region.name,
        project_year=as_of.year,
        projects=tuple(projects),
        verdict_groups=verdict_groups(report),
    )


# The report's verdict groups (完成市定目标 counts as 达到预期), in the dashboard's order.
VERDICT_GROUPS = (Status.EXCEEDED, Status.ON_TRACK, Status.BEHIND, Status.NO_DATA, Status.PENDING, Status.STALE)


def verdict_groups(report: Report) -> tuple[tuple[str, str, int], ...]:
    s = report.summary
    counts = dict(zip(VERDICT_GROUPS, (s.exceeded, s.on_track, s.behind, s.no_data, s.pending, s.stale), strict=True))
    wording = plan_settings(report.plan).stage(report.appendix.final)
    return tuple((str(status), wording.label(status), counts[status]) for status in VERDICT_GROUPS)


def document_bytes(document: Document) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- the renderer ---------------------------------------------------------------------------------------


class _Styles:
    """The document's paragraph styles, named as a writer sees them in Word's style list."""

    def __init__(self, document: Document, layout: Layout) -> None:
        styles = document.styles
        self.layout = layout
        self.styles = styles
        _default_fonts(document, layout.body_font)
        normal = styles["Normal"]
        assert isinstance(normal, ParagraphStyle)
        _style_font(normal, layout.body_font, layout.body_size)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(layout.line_spacing)
        normal.paragraph_format.first_line_indent = Pt(layout.body_size * 2)
        normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.widow_control = False  # 公文 fill every line; the standard counts 22 per page
        self.body = normal
        self.title = self._add("GwTitle", "公文标题", layout.title_font, layout.title_size, center=True)
        self.title.paragraph_format.line_spacing = Pt(layout.title_size * 1.6)
        self.subtitle = self._add("GwSubtitle", "公文副标题", layout.heading2_font, layout.body_size, center=True)
        self.heading1 = self._add("GwHeading1", "一级标题", layout.heading1_font, layout.body_size, outline=0)
        self.heading2 = self._add("GwHeading2", "二级标题", layout.heading2_font, layout.body_size, outline=1)
        self.heading3 = self._add("GwHeading3", "三级标题", layout.body_font, layout.body_size, outline=2)
        self.heading3.font.bold = True
        self.label = self._add("GwAppendixLabel", "附件标记", layout.heading1_font, layout.body_size)
        self.label.paragraph_format.first_line_indent = Pt(0)
        self.cell = self._add("GwTableText", "表格文字", layout.body_font, layout.table_size, center=True)
        self.cell_left = self._add("GwTableTextLeft", "表格文字左对齐", layout.body_font, layout.table_size)
        self.header = self._add("GwTableHeader", "表头", layout.heading1_font, layout.table_size, center=True)
        for style in (self.cell, self.cell_left, self.header):
            style.paragraph_format.first_line_indent = Pt(0)
            style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.figure = self._add("GwFigure", "图", layout.body_font, layout.body_size, center=True)
        self.figure.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact height would clip it
        self.figure.paragraph_format.keep_with_next = True
        self.caption = self._add("GwCaption", "图题", layout.heading2_font, layout.table_size + 1.5, center=True)
        self.page_number = self._add("GwPageNumber", "页码", layout.page_number_font, layout.page_number_size)
        self.page_number.paragraph_format.first_line_indent = Pt(0)
        self.page_number.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def _add(
        self, style_id: str, name: str, font: str, size: float, *, center: bool = False, outline: int | None = None
    ) -> ParagraphStyle:
        style = self._new(style_id, name)
        _style_font(style, font, size)
        if center:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            style.paragraph_format.first_line_indent = Pt(0)
        if outline is not None:  # shows in Word's navigation pane and a table of contents
            outline_level = OxmlElement("w:outlineLvl")
            outline_level.set(qn("w:val"), str(outline))
            style.element.get_or_add_pPr().append(outline_level)
        return style

    def _new(self, style_id: str, name: str) -> ParagraphStyle:
        style = self.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(style, ParagraphStyle)
        style.style_id = style_id  # ASCII ids; the Chinese name is what Word shows
        style.base_style = self.body
        style.quick_style = True
        return style


_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr: BaseOxmlElement, font: str) -> None:
    """Name ``font`` for Latin and East Asian text alike; theme fonts would override the names, so drop them."""
    rfonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_FONT_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attribute), font)


def _style_font(style: ParagraphStyle, font: str, size: float) -> None:
    _set_fonts(style.element.get_or_add_rPr(), font)
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.color.rgb = None


def _default_fonts(document: Document, font: str) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        _set_fonts(rpr, font)
        # Chinese text: Word and WPS then apply Chinese line breaking and punctuation rules to it
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)  # python-docx's template has one; w:lang comes late among a run's properties
        lang.set(qn("w:eastAsia"), "zh-CN")


def build_document(draft: Draft, layout: Layout | None = None) -> Document:
    layout = layout or Layout()
    document = new_document()
    styles = _Styles(document, layout)
    appendix = draft.report.appendix
    document.core_properties.title = draft.title
    document.core_properties.subject = f"数据截至{appendix.as_of.label}"
    document.core_properties.author = "规划指标监测平台"
    document.settings.odd_and_even_pages_header_footer = True

    section = document.sections[0]
    _page(section, layout, landscape=False)
    _page_numbers(section, styles)
    _body(document, draft, styles)

    _new_section(document, layout, landscape=True)
    _attachment_head(document, styles, 1, f"{appendix.title}（截至{appendix.as_of.label}）")
    _appendix1_table(document, draft, styles)

    _new_section(document, layout, landscape=False)
    _attachment_head(document, styles, 2, APPENDIX2_TITLE)
    _appendix2(document, draft, styles)

    _new_section(document, layout, landscape=True)
    _attachment_head(document, styles, 3, f"{draft.region_name}{APPENDIX3_TITLE}（{draft.project_year}年）")
    _appendix3_table(document, draft, styles)
    return document


def _page(section: Section, layout: Layout, *, landscape: bool) -> None:
    """A4; a landscape section turns the portrait page, margins and all (the binding edge stays on one side)."""
    top, right, bottom, left = layout.top_mm, layout.right_mm, layout.bottom_mm, layout.left_mm
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        top, right, bottom, left = left, top, right, bottom
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.footer_distance = Mm(min(layout.footer_mm, bottom - 7))
    section.header_distance = Mm(15)


def _new_section(document: Document, layout: Layout, *, landscape: bool) -> Section:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, layout, landscape=landscape)  # footers stay linked to the first section's
    return section


def _page_numbers(section: Section, styles: _Styles) -> None:
    """ "— 3 —": odd pages right-aligned, even pages left-aligned, each one character in from the edge."""
    indent = Pt(styles.layout.page_number_size)
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.style = styles.page_number
        paragraph.alignment = alignment
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        _run(paragraph, "— ")
        _page_field(paragraph)
        _run(paragraph, " —")


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: begin, instruction, separate, the shown number (Word updates it), end."""
    run = paragraph.add_run()
    for element, value in (
        ("w:fldChar", "begin"),
        ("w:instrText", " PAGE "),
        ("w:fldChar", "separate"),
        ("w:t", "1"),
        ("w:fldChar", "end"),
    ):
        node = OxmlElement(element)
        if element == "w:fldChar":
            node.set(qn("w:fldCharType"), value)
        else:
            node.set(qn("xml:space"), "preserve")
            node.text = value
        run._r.append(node)


# Characters XML 1.0 cannot hold (control characters); a name typed or imported with one would otherwise fail the
# whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _para(document: Document, text: str, style: ParagraphStyle) -> Paragraph:
    paragraph = document.add_paragraph(xml_safe(text))
    _style(paragraph, style)
    return paragraph


def _style(paragraph: Paragraph, style: ParagraphStyle) -> None:
    """By id: python-docx's ``paragraph.style = …`` searches all styles for the default one each time (seconds
    for a table of 500 rows)."""
    paragraph._p.get_or_add_pPr().style = style.style_id


def _run(paragraph: Paragraph, text: str = "") -> Run:
    return paragraph.add_run(xml_safe(text))


def _todo(paragraph: Paragraph, what: str) -> None:
    run = _run(paragraph, TODO.format(what=what))
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _numeral(index: int) -> str:
    return CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)


def progress_shares(draft: Draft) -> tuple[Decimal, Decimal] | None:
    """(时间进度, 任务进度) in percent as the dashboard shows them; None for a plan without indicators."""
    progress = progress_of(draft.report)
    if not progress.judged:
        return None
    return progress.time_pct, progress.task_pct


def progress_sentence(draft: Draft) -> str:
    """时间进度 against 任务进度 (the dashboard's 双过半 bars, in words)."""
    appendix, summary = draft.report.appendix, draft.report.summary
    progress = progress_of(draft.report)
    opening = f"截至{appendix.as_of.label}，规划实施时间进度为{percent(appendix.time_progress)}，"
    stale = f"{summary.stale}项指标数据尚未更新至{appendix.as_of.label}，" if summary.stale else ""
    if summary.total == 0:
        return ""
    if not progress.has_data:
        return opening + "各项指标尚无已审核的数据，暂不判断任务进度。"
    if not progress.judged:
        return opening + stale + "超过半数，暂不计算任务进度。"
    comparison = "不低于" if progress.on_time else "低于"
    good = "完成或超额完成规划目标" if appendix.final else "达到或超过预期进度"
    counted = f"数据已更新的{progress.current}项" if summary.stale else f"{summary.total}项"
    return (
        opening
        + stale
        + f"{counted}主要指标中{summary.good}项{good}，任务进度为{progress.task_pct}%，{comparison}时间进度。"
    )


def _figure(document: Document, styles: _Styles, spec: charts.ChartSpec, caption: str, height_mm: float) -> None:
    paragraph = _para(document, "", styles.figure)
    charts.add_chart(document, paragraph, spec, width_mm=150, height_mm=height_mm)
    _para(document, caption, styles.caption)


def _charts_of_progress(document: Document, draft: Draft, styles: _Styles) -> None:
    shares = progress_shares(draft)
    if shares is None:
        return
    time_share, task_share = shares
    colour = _colour("on_track" if task_share >= time_share else "behind")
    spec = charts.progress_chart(time_share, task_share, font=styles.layout.body_font, task_colour=colour)
    _figure(document, styles, spec, "图1　时间进度与任务进度（“双过半”）", 50)


def _chart_of_verdicts(document: Document, draft: Draft, styles: _Styles) -> None:
    groups = [(label, count, _colour(status)) for status, label, count in draft.verdict_groups]
    if not any(count for _, count, _ in groups):
        return
    spec = charts.verdict_chart(groups, font=styles.layout.body_font)
    _figure(document, styles, spec, f"图2　主要指标{draft.verdict_header}", 80)


def _colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "#999999").lstrip("#").upper()


def _body(document: Document, draft: Draft, styles: _Styles) -> None:
    appendix = draft.report.appendix
    _para(document, draft.title, styles.title)
    _para(document, SUBTITLE.format(label=appendix.as_of.label), styles.subtitle)
    _para(document, "", styles.body)
    _todo(_para(document, "", styles.body), TODO_PREFACE)

    _para(document, "一、《纲要》实施总体进展情况", styles.heading1)
    overall = _para(document, "", styles.body)
    _run(overall, progress_sentence(draft))
    _todo(overall, TODO_OVERALL)
    _charts_of_progress(document, draft, styles)

    _para(document, "（一）主要指标总体完成情况", styles.heading2)
    _para(document, draft.report.paragraph, styles.body)
    _chart_of_verdicts(document, draft, styles)
    for index, (category, items) in enumerate(groupby(appendix.top, key=lambda t: t.category), start=1):
        heading = _para(document, f"{index}.{category}。", styles.heading3)
        _todo(heading, TODO_CATEGORY)
        for item in items:
            _para(document, f"{item.name}。{item.sentence}", styles.body)

    _para(document, "（二）重大战略任务扎实推进", styles.heading2)
    _todo(_para(document, "", styles.body), TODO_STRATEGY)
    _para(document, "（三）重大工程项目开展情况", styles.heading2)
    projects = _para(document, "", styles.body)
    _run(projects, _projects_sentence(draft))
    _todo(projects, TODO_PROJECTS)

    _para(document, "二、《纲要》实施面临的主要问题挑战", styles.heading1)
    problems = _para(document, "", styles.body)
    if appendix.reasons:
        names = "、".join(r.name for r in appendix.reasons)
        _run(problems, f"{len(appendix.reasons)}项指标完成情况低于预期：{names}，原因分析详见附件2。")
    _todo(problems, TODO_PROBLEMS)
    _para(document, "三、进一步推进《纲要》实施的重点任务举措", styles.heading1)
    _todo(_para(document, "", styles.body), TODO_MEASURES)

    _para(document, "", styles.body)
    titles = (
        appendix.title,
        APPENDIX2_TITLE,
        f"{draft.region_name}{APPENDIX3_TITLE}",
    )
    for number, title in enumerate(titles, start=1):
        lead = "附件：" if number == 1 else "　　　"  # the titles line up under the first one
        _para(document, f"{lead}{number}.{title}", styles.body)


def _projects_sentence(draft: Draft) -> str:
    """In the reports' wording (``projects.rules``): "2023年，监测重大项目100个，总投资…亿元，…。详见附件3。"."""
    if not draft.projects:
        return ""
    clause = summary_clause(
        "重大项目",
        count=len(draft.projects),
        total=sum_known(p.total for p in draft.projects),
        planned=sum_known(p.planned for p in draft.projects),
        completed=sum_known(p.completed for p in draft.projects),
        verb="监测",
    )
    return summary_sentence(f"{draft.project_year}年", [clause]) + "详见附件3。"


def _attachment_head(document: Document, styles: _Styles, number: int, title: str) -> None:
    """ "附件N" in 黑体 on the first line, the title centred on the third."""
    _para(document, f"附件{number}", styles.label)
    _para(document, "", styles.body)
    _para(document, title, styles.title)


# --- tables ------------------------------------------------------------------------------------------------


def _fit(widths: Sequence[float], total_mm: float) -> list[float]:
    scale = total_mm / sum(widths)
    return [w * scale for w in widths]


def _table(document: Document, columns: int, widths_mm: Sequence[float]) -> Table:
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    return table


def _row(table: Table, widths_mm: Sequence[float], *, header: bool = False) -> list[_Cell]:
    row = table.add_row()
    row.height = Mm(_ROW_MM)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")  # a row is never split across pages
    properties.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")  # repeated at the top of every page
        properties.append(repeat)
    cells = [_Cell(tc, table) for tc in row._tr.tc_lst]  # row.cells walks the whole table: quadratic
    for cell, width in zip(cells, widths_mm, strict=True):
        cell.width = Mm(width)
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    return cells


def _write(cell: _Cell, text: str, style: ParagraphStyle, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    _style(paragraph, style)
    if text:
        run = _run(paragraph, text)
        if bold:
            run.bold = True


def _usable_width(document: Document) -> float:
    section = document.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
    return float(usable) / Mm(1)


def _appendix1_table(document: Document, draft: Draft, styles: _Styles) -> None:
    appendix = draft.report.appendix
    periods = len(appendix.columns)
    w = _APPENDIX1_WIDTHS
    raw = [w["seq"], w["category"], w["group"], w["name"], w["attribute"], w["target"]]
    raw += [_VALUE_WIDTH] * periods + [_VERDICT_WIDTH]
    widths = _fit(raw, _usable_width(document))
    table = _table(document, len(raw), widths)
    first_value, verdict = 6, 6 + periods

    top = _row(table, widths, header=True)
    second = _row(table, widths, header=True)
    for column, text in (
        (0, HEADER_SEQ),
        (1, HEADER_CATEGORY),
        (2, HEADER_INDICATOR),
        (4, HEADER_ATTRIBUTE),
        (5, HEADER_TARGET),
        (first_value, HEADER_VALUES),
        (verdict, draft.verdict_header),
    ):
        _write(top[column], text, styles.header)
    _write(second[5], appendix.target_header, styles.header)
    for i, period in enumerate(appendix.columns):
        _write(second[first_value + i], period.label, styles.header)
    for column in (0, 1, 4, verdict):
        top[column].merge(second[column])
    top[2].merge(second[3])
    if periods > 1:
        top[first_value].merge(top[verdict - 1])

    body: list[list[_Cell]] = []
    for row in appendix.rows:
        cells = _row(table, widths)
        _appendix1_row(cells, row, styles, first_value)
        body.append(cells)
    _merge_runs(body, appendix.rows)
    if not appendix.rows:
        _para(document, "该规划尚未设置指标。", styles.body)


def _appendix1_row(cells: list[_Cell], row: AppendixRow, styles: _Styles, first_value: int) -> None:
    _write(cells[0], row.seq, styles.cell)
    _write(cells[1], row.category, styles.cell)
    if row.group_id is not None:
        _write(cells[2], row.group, styles.cell_left)
        _write(cells[3], row.display_name, styles.cell_left)
    else:
        _write(cells[2], row.display_name, styles.cell_left)
        _span_right(cells[2], cells[3])
    _write(cells[4], row.attribute, styles.cell)
    _write(cells[5], row.target_text, styles.cell)
    for i in range(len(row.cells)):
        _write(cells[first_value + i], row.shown(i), styles.cell)
    _write(cells[first_value + len(row.cells)], row.label, styles.cell)


def _merge_runs(body: list[list[_Cell]], rows: Sequence[AppendixRow]) -> None:
    """Merge 类别 down each category, and 序号 and the parent's name down each sub-indicator group."""
    start = 0
    for _, run in groupby(rows, key=lambda row: row.category):
        size = len(list(run))
        _merge_down(body[start : start + size], 1)
        start += size
    start = 0
    for group_id, run in groupby(rows, key=lambda row: row.group_id):
        size = len(list(run))
        if group_id is not None:
            for column in (0, 2):
                _merge_down(body[start : start + size], column)
            _keep_together(body[start : start + size])
        start += size


def _merge_down(rows: list[list[_Cell]], column: int) -> None:
    """One cell down ``rows``, holding the first row's text. Written as w:vMerge directly: python-docx's
    ``merge`` finds each cell's row by searching the table, quadratic in a long table."""
    if len(rows) < 2:
        return
    rows[0][column]._tc.vMerge = ST_Merge.RESTART
    for cells in rows[1:]:
        tc = cells[column]._tc
        for run in cells[column].paragraphs[0].runs:
            run._r.getparent().remove(run._r)
        tc.vMerge = ST_Merge.CONTINUE


def _keep_together(rows: list[list[_Cell]]) -> None:
    """A sub-indicator group stays on one page: every row but the last keeps with the next (Word's way)."""
    for cells in rows[:-1]:
        for cell in cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True


def _span_right(first: _Cell, *others: _Cell) -> None:
    """``first`` spans the columns of ``others`` (cells of the same new row, left to right)."""
    tc = first._tc
    tc.grid_span = 1 + len(others)
    tc.width = Length(sum((cell._tc.width or 0 for cell in others), tc.width or 0))
    for cell in others:
        cell._tc.getparent().remove(cell._tc)


def reason_facts(reason: ReasonEntry, sentence: str) -> str:
    """附件2's facts in the report's prose: the indicator's sentence (as in the body), then its completion against
    time progress and what the remaining years require, e.g. "…完成进度36.1%（时序进度50.0%），后三年需年均增长8.2%。".
    The engine's method notes (shown on the 附件2 page) stay out of the document."""
    progress = []
    if reason.completion is not None and reason.time_progress is not None:
        progress.append(f"完成进度{reason.completion_percent}（时序进度{reason.time_progress_percent}）")
    if reason.required_text:
        progress.append(reason.required_text)
    if not sentence:
        return reason.facts
    return sentence + ("，".join(progress) + "。" if progress else "")


def _appendix2(document: Document, draft: Draft, styles: _Styles) -> None:
    appendix = draft.report.appendix
    if not appendix.reasons:
        _para(document, NO_REASONS.format(label=appendix.as_of.label), styles.body)
        return
    sentences = {top.indicator_id: top.sentence for top in appendix.top}
    for index, reason in enumerate(appendix.reasons):
        paragraph = _para(document, "", styles.body)
        head = _run(paragraph, f"{_numeral(index)}、{reason.name}。")
        _set_fonts(head._r.get_or_add_rPr(), styles.layout.heading1_font)
        _run(paragraph, reason_facts(reason, sentences.get(reason.indicator_id, "")))
        _run(paragraph, REASON_LEAD)
        if reason.text.strip():
            _run(paragraph, reason.text.strip())
        else:
            _todo(paragraph, TODO_REASON)


def _appendix3_table(document: Document, draft: Draft, styles: _Styles) -> None:
    if not draft.projects:
        _para(document, NO_PROJECTS, styles.body)
        return
    widths = _fit(_PROJECT_WIDTHS, _usable_width(document))
    table = _table(document, len(PROJECT_HEADERS), widths)
    for cell, text in zip(_row(table, widths, header=True), PROJECT_HEADERS, strict=True):
        _write(cell, text.format(year=draft.project_year), styles.header)
    groups = group_by_domain(draft.projects)
    for index, group in enumerate(groups):
        cells = _row(table, widths)
        _write(cells[0], f"{_numeral(index)}、{group.label}（{len(group.rows)}个）", styles.cell_left, bold=True)
        _span_right(*cells)
        for seq, project in enumerate(group.rows, start=1):
            cells = _row(table, widths)
            note = f"{project.latest_note_date:%Y-%m-%d} {project.latest_note}" if project.latest_note_date else ""
            texts = (str(seq), project.name, project.level, project.stage)
            for cell, text in zip(cells, texts, strict=False):
                _write(cell, text, styles.cell if cell is not cells[1] else styles.cell_left)
            _amount_cells(cells, project.total, project.planned, project.completed, project.completion, styles)
            _write(cells[8], note, styles.cell_left)
        _total_row(table, widths, f"{group.label}{SUBTOTAL_LABEL}", group, styles)
    _total_row(table, widths, GRAND_TOTAL_LABEL, groups, styles)


def _total_row(
    table: Table, widths: Sequence[float], label: str, groups: DomainGroup | Sequence[DomainGroup], styles: _Styles
) -> None:
    many = groups if isinstance(groups, Sequence) else [groups]
    total = sum_known(g.total for g in many)
    planned = sum_known(g.planned for g in many)
    completed = sum_known(g.completed for g in many)
    cells = _row(table, widths)
    _write(cells[1], label, styles.cell_left, bold=True)
    _amount_cells(cells, total, planned, completed, completion_percent(planned, completed), styles)


def _amount_cells(
    cells: list[_Cell],
    total: Decimal | None,
    planned: Decimal | None,
    completed: Decimal | None,
    completion: Decimal | None,
    styles: _Styles,
) -> None:
    for cell, value in zip(cells[4:7], (total, planned, completed), strict=True):
        _write(cell, format_amount(value) if value is not None else "", styles.cell)
    _write(cells[7], f"{completion:.1f}" if completion is not None else "", styles.cell)


# --- the annual plan's execution report (年度计划执行情况) ----------------------------------------------------

ANNUAL_SUMMARY_ORDER = (Completion.DONE, Completion.MOSTLY, Completion.NOT_DONE, Completion.NO_DATA, Completion.PENDING)


def annual_title(report: AnnualReport) -> str:
    return f"关于{report.plan.name}执行情况的报告"


def build_annual_document(
    report: AnnualReport, next_year: AnnualReport | None = None, layout: Layout | None = None
) -> Document:
    """The annual execution report draft: the year's targets, figures and 完成情况 (one sentence each and the
    execution report's table), next year's targets when that annual plan exists, and 【待撰写】 where a
    writer's analysis belongs. Pure: the two AnnualReports are all it reads."""
    layout = layout or Layout()
    document = new_document()
    styles = _Styles(document, layout)
    document.core_properties.title = annual_title(report)
    document.core_properties.subject = f"数据截至{report.as_of.label}"
    document.core_properties.author = "规划指标监测平台"
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page(section, layout, landscape=False)
    _page_numbers(section, styles)

    _para(document, annual_title(report), styles.title)
    _para(document, f"（草稿，数据截至{report.as_of.label}）", styles.subtitle)
    _todo(_para(document, "", styles.body), "开头：本年度经济社会发展总体情况")
    year = report.plan.end_year
    _para(document, f"一、{year}年主要预期目标完成情况", styles.heading1)
    _para(document, annual_summary_sentence(report), styles.body)
    for row in report.rows:
        paragraph = _para(document, annual_row_sentence(row), styles.body)
        if row.status in (Completion.NOT_DONE, Completion.MOSTLY):
            _todo(paragraph, "原因分析")
    _annual_table(document, report, styles)
    _para(document, f"二、{year + 1}年主要预期目标", styles.heading1)
    if next_year is not None and next_year.rows:
        _para(document, f"{next_year.plan.name}拟设置主要预期目标{len(next_year.rows)}项：", styles.body)
        for index, row in enumerate(next_year.rows, start=1):
            target = with_unit(row.target_text, row.unit) if row.target_text else "待定"
            _para(document, f"{index}．{row.name}：{target}。", styles.body)
    else:
        _todo(_para(document, "", styles.body), f"{year + 1}年主要预期目标（尚未建立{year + 1}年度计划）")
    _para(document, f"三、{year + 1}年主要任务和措施", styles.heading1)
    _todo(_para(document, "", styles.body), "主要任务和措施")
    return document


def annual_summary_sentence(report: AnnualReport) -> str:
    counts = {code: sum(1 for r in report.rows if r.status == code) for code in ANNUAL_SUMMARY_ORDER}
    labels = {r.status: r.label.removesuffix("（人工研判）") for r in report.rows}
    parts = [f"{labels.get(code, code)}{counts[code]}项" for code in ANNUAL_SUMMARY_ORDER if counts[code]]
    return (
        f"{report.plan.name}共设置主要预期目标{len(report.rows)}项，截至{report.as_of.label}，"
        + ("、".join(parts) if parts else "尚无可评价的目标")
        + "。"
    )


def annual_row_sentence(row: AnnualRow) -> str:
    target = with_unit(row.target_text, row.unit) if row.target_text else "待定"
    if row.figure == NO_FIGURE and row.status == Completion.NO_DATA:
        return f"{row.seq}．{row.name}：年度目标{target}，{row.label}。"  # "no data" once, in the plan's wording
    figure = "尚无数据" if row.figure == NO_FIGURE else f"完成{row.figure}"
    return f"{row.seq}．{row.name}：年度目标{target}，{figure}，{row.label}。"


def _annual_table(document: Document, report: AnnualReport, styles: _Styles) -> None:
    widths = _fit((14, 46, 26, 26, 22, 56), _usable_width(document))
    table = _table(document, len(ANNUAL_HEADERS), widths)
    for cell, header in zip(_row(table, widths, header=True), ANNUAL_HEADERS, strict=True):
        _write(cell, header, styles.header)
    for row in report.rows:
        cells = _row(table, widths)
        target = with_unit(row.target_text, row.unit)
        for index, text in enumerate((row.seq, row.name, target, row.figure, row.label, row.note)):
            _write(cells[index], text, styles.cell_left if index in (1, 5) else styles.cell)
