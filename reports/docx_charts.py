"""Native Word charts (DrawingML) for the report draft: the 双过半 bars and the verdict doughnut.

Why native charts and not pictures: a writer can restyle them and edit their numbers in Word or WPS (each chart
carries its data as an embedded workbook, written with openpyxl), their text is drawn in the reader's own
fonts, and no plotting library or server-side CJK font is needed. python-docx has no chart API, so the chart
part is written here; its cached values are what Word, WPS and LibreOffice draw without opening the workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from openpyxl import Workbook

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
SHEET = "Sheet1"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    colour: str  # RRGGBB


@dataclass(frozen=True)
class ChartSpec:
    """One category series: bars (horizontal, 0–100 %) or a doughnut (counts)."""

    kind: str  # "bar" or "doughnut"
    title: str  # the series name, also the embedded workbook's header
    points: tuple[Bar, ...]
    font: str
    value_suffix: str = ""  # "%" on the bars, "项" on the doughnut's labels


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _cache(spec: ChartSpec) -> tuple[str, str, str]:
    n = len(spec.points)
    last = n + 1
    title = f'<c:tx><c:strRef><c:f>{SHEET}!$B$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{escape(spec.title)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'  # noqa: E501
    labels = "".join(f'<c:pt idx="{i}"><c:v>{escape(p.label)}</c:v></c:pt>' for i, p in enumerate(spec.points))
    values = "".join(f'<c:pt idx="{i}"><c:v>{_number(p.value)}</c:v></c:pt>' for i, p in enumerate(spec.points))
    cat = f'<c:cat><c:strRef><c:f>{SHEET}!$A$2:$A${last}</c:f><c:strCache><c:ptCount val="{n}"/>{labels}</c:strCache></c:strRef></c:cat>'  # noqa: E501
    val = f'<c:val><c:numRef><c:f>{SHEET}!$B$2:$B${last}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{values}</c:numCache></c:numRef></c:val>'  # noqa: E501
    return title, cat, val


def _fill(colour: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr>'


def _text(font: str, size_pt: float) -> str:
    face = escape(font, {'"': "&quot;"})
    return (
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{int(size_pt * 100)}">'
        f'<a:latin typeface="{face}"/><a:ea typeface="{face}"/></a:defRPr></a:pPr>'
        '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    )


def _labels(spec: ChartSpec, *, category: bool) -> str:
    suffix = escape(spec.value_suffix)
    fmt = f'0.0"{suffix}"' if spec.kind == "bar" else f'0"{suffix}"'
    return (
        f'<c:dLbls><c:numFmt formatCode="{escape(fmt, {chr(34): "&quot;"})}" sourceLinked="0"/>'
        f"{_text(spec.font, 10.5)}"
        f'<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="{int(category)}"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
        + ("<c:separator>\n</c:separator>" if category else "")
        + "</c:dLbls>"
    )


def _bar_plot(spec: ChartSpec) -> str:
    title, cat, val = _cache(spec)
    points = "".join(
        f'<c:dPt><c:idx val="{i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>{_fill(p.colour)}</c:dPt>'
        for i, p in enumerate(spec.points)
    )
    return (
        '<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'<c:ser><c:idx val="0"/><c:order val="0"/>{title}<c:invertIfNegative val="0"/>{points}'
        f"{_labels(spec, category=False)}{cat}{val}</c:ser>"
        '<c:gapWidth val="60"/><c:axId val="5001"/><c:axId val="5002"/></c:barChart>'
        '<c:catAx><c:axId val="5001"/><c:scaling><c:orientation val="maxMin"/></c:scaling><c:delete val="0"/>'
        '<c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="5002"/><c:crosses val="autoZero"/>'
        '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="5002"/><c:scaling><c:orientation val="minMax"/><c:max val="100"/><c:min val="0"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="b"/><c:majorGridlines/>'
        '<c:numFmt formatCode="0&quot;%&quot;" sourceLinked="0"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="5001"/><c:crosses val="max"/>'
        '<c:crossBetween val="between"/><c:majorUnit val="25"/></c:valAx>'
    )


def _doughnut_plot(spec: ChartSpec) -> str:
    title, cat, val = _cache(spec)
    points = "".join(
        f'<c:dPt><c:idx val="{i}"/><c:bubble3D val="0"/>{_fill(p.colour)}</c:dPt>' for i, p in enumerate(spec.points)
    )
    return (
        '<c:doughnutChart><c:varyColors val="1"/>'
        f'<c:ser><c:idx val="0"/><c:order val="0"/>{title}{points}{_labels(spec, category=True)}{cat}{val}</c:ser>'
        '<c:firstSliceAng val="0"/><c:holeSize val="50"/></c:doughnutChart>'
    )


def chart_xml(spec: ChartSpec, workbook_rid: str) -> bytes:
    plot = _bar_plot(spec) if spec.kind == "bar" else _doughnut_plot(spec)
    legend = (
        "" if spec.kind == "bar" else '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
    )  # the bars are labelled on their axis
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}">'
        '<c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f'<c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>{plot}</c:plotArea>{legend}'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
        f"{_text(spec.font, 10.5)}"
        f'<c:externalData r:id="{workbook_rid}"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    )
    return xml.encode("utf-8")


def chart_workbook(spec: ChartSpec) -> bytes:
    """The chart's data, for Word's and WPS's 编辑数据."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(["", spec.title])
    for point in spec.points:
        sheet.append([point.label, float(point.value)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def add_chart(document: Document, paragraph: Paragraph, spec: ChartSpec, *, width_mm: float, height_mm: float) -> None:
    """Append the chart to ``paragraph`` as an inline drawing."""
    package = document.part.package
    assert package is not None
    number = sum(1 for p in package.iter_parts() if p.partname.startswith("/word/charts/chart")) + 1
    chart = Part(PackURI(f"/word/charts/chart{number}.xml"), CT.DML_CHART, b"", package)
    data = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"), CT.SML_SHEET, chart_workbook(spec), package
    )
    chart._blob = chart_xml(spec, chart.relate_to(data, RT.PACKAGE))
    rid = document.part.relate_to(chart, RT.CHART)
    cx, cy = int(Mm(width_mm)), int(Mm(height_mm))
    drawing = parse_xml(
        f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:wp="{WP}" '
        f'xmlns:a="{A}" xmlns:c="{C}" xmlns:r="{R}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{900 + number}" name="图表 {number}"/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="{C}"><c:chart r:id="{rid}"/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>"
    )
    paragraph.add_run()._r.append(drawing)


def progress_chart(time_share: Decimal, task_share: Decimal, *, font: str, task_colour: str) -> ChartSpec:
    return ChartSpec(
        kind="bar",
        title="进度（%）",
        points=(Bar("时间进度", time_share, "5F6B7A"), Bar("任务进度", task_share, task_colour)),
        font=font,
        value_suffix="%",
    )


def verdict_chart(groups: Sequence[tuple[str, int, str]], *, font: str) -> ChartSpec:
    """``groups``: (label, count, colour) per verdict; empty verdicts are left out, as on the dashboard."""
    return ChartSpec(
        kind="doughnut",
        title="指标数（项）",
        points=tuple(Bar(label, Decimal(count), colour) for label, count, colour in groups if count),
        font=font,
        value_suffix="项",
    )
