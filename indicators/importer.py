"""Excel import in the layout of the 附件1 export (``indicators.xlsx_layout`` holds the layout contract).

Three steps, each testable on its own:
1. ``read_table(data)`` (``indicators.import_reading``) reads the bytes into a ``Table`` (pure: no database);
   file-level problems (empty, oversized, not an .xlsx, wrong sheet, broken header, formulas, misplaced merges)
   and row-level ones (text in a number cell, duplicate rows) come back as Chinese messages with the row and
   column.
2. ``run_import(...)`` applies the table to a plan through ``indicators.services`` inside one
   transaction. In preview (``commit=False``) and whenever any error is found, the transaction is rolled
   back, so zero rows are written; the preview therefore runs exactly the code the commit runs.
3. Into an empty plan it creates categories and indicators (names, units, attributes, targets parsed by
   the engine's parser, base and yearly values); into a plan with indicators it only adds or changes
   figures and refuses rows it does not know.

What the printed table cannot carry is left to the admin after an import into an empty plan: responsible
departments, a target kind set by hand where the parser reads the text differently (十四五 研发经费 "[12]"),
and "half-year values not comparable" for flow indicators (粮食产量).

A "/" cell records "no data" (暂无数据) when the import builds a new plan, as the official table says. Into a
plan that exists it adds nothing (the export prints "/" for "no figure yet" too, and explicit no data is
marked in the entry form with a note); over a figure it is ignored with a warning: a table never erases a
figure. An empty cell imports nothing; the template leaves cells without a figure empty.

Imported figures are recorded as approved (the import is an admin's act, audited with the file name as
the reason): the file is the official table, and export → import → export must give identical values.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from indicators import bulk, services
from indicators.assessment import assess_plan, plan_settings
from indicators.import_reading import ATTRIBUTES, Change, ImportReport, Table, TableRow, cell_name, read_any, split_unit
from indicators.models import Category, Indicator, ManualVerdict, Observation, Plan, Region
from indicators.periods import Period
from indicators.targets import is_economic_growth, parse_target
from indicators.vocabulary import Status

ROW_UNKNOWN = "第{row}行：规划“{plan}”中没有指标“{name}”。请核对名称和单位；新增指标请在规划管理中添加。"
ROW_REFUSED = "{cell}（{period}）：{message}"
PLAN_PERIOD_OUTSIDE = "表头期间“{period}”不在规划“{plan}”的期间内（基期 {base} 年至目标年 {end} 年）。"
PLAN_END_YEAR = "表中目标年份为 {found} 年，与规划“{plan}”的目标年 {end} 年不一致。"
PLAN_BASE_YEAR = "表中基期为 {found} 年，与规划“{plan}”的基期 {base} 年不一致。"
REGION_MISSING = "找不到行政区划“{name}”。"
REGION_AMBIGUOUS = "行政区划“{name}”不止一个，请写全称。"
WARN_NO_DATA_KEPT = "{cell}：表中为“/”，系统已有数值 {value}，未修改。"
WARN_TARGET_DIFFERS = "第{row}行：表中目标“{found}”与系统中的“{current}”不同，未修改（请在目标页修改）。"
WARN_OUTLIER = "{cell}：{warning}"
WARN_MANUAL_UNKNOWN = "第{row}行：人工研判结论“{found}”无法识别，未导入。"
SERIES_MATCHED = "第{row}行：匹配已有统计指标：{name}（{unit}），沿用其已有数值。"
SERIES_CREATED = "第{row}行：新建统计指标：{name}（{unit}）。"


def display_name(indicator: Indicator) -> str:
    return f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name


# --- step 2: apply it to a plan ------------------------------------------------------------------


class _Rollback(Exception):
    pass


def run_import(
    data: bytes,
    *,
    user: Any,
    filename: str,
    commit: bool,
    plan: Plan | None = None,
    region: Region | None = None,
    plan_name: str = "",
    as_of: Period | None = None,
    choice: Any = None,
) -> ImportReport:
    """Read ``data`` (the 附件1 template, or any table ``read_any`` reads, with the user's ``choice`` of
    column meanings) and apply it to ``plan`` (or to the plan ``plan_name`` of ``region``, created when
    missing). Writes only when ``commit`` and no error was found; otherwise everything is rolled back."""
    report = ImportReport()
    table, errors, warnings, report.reading = read_any(data, filename, choice, plan=plan)
    report.errors.extend(errors)
    report.warnings.extend(warnings)
    if table is None:
        return report
    if as_of is not None:
        table.as_of = as_of
    try:
        with transaction.atomic():
            try:
                if plan is None:
                    assert region is not None
                    plan = _plan_for(region, plan_name, table, user, report)
                report.plan_id = plan.pk
                _apply(table, plan, user, filename, report)
                if report.reading is not None and report.reading.source_verdicts and not report.errors:
                    report.verdicts = _compare_verdicts(plan, table, report.reading)
            except ValidationError as error:
                report.errors.extend(error.messages)
            if report.errors or not commit:
                raise _Rollback
    except _Rollback:
        return report
    report.committed = True
    return report


def _compare_verdicts(plan: Plan, table: Table, reading: Any) -> list[Any]:
    """The source's own 完成情况 next to the app's verdict at the table's latest period, row by row."""
    from indicators.column_mapping import VerdictDifference, normalize

    periods = [cell.period for row in table.rows for cell in row.values if not cell.no_data]
    as_of = table.as_of or max(periods, key=lambda p: p.sort_key, default=None)
    if as_of is None:
        return []
    # The verdicts of 附件1's rows (reports.appendix prints assessment.label): a top-level indicator, or each
    # sub-indicator under its parent's name.
    labels: dict[tuple[str, str], str] = {}
    for top in assess_plan(plan, as_of):
        if top.indicator.parent_id is not None:
            continue  # listed through its parent
        for assessed, group in [(child, top.indicator.name) for child in top.children] or [(top, "")]:
            labels[(group, display_name(assessed.indicator))] = assessed.label
    found = []
    for row_number, source in sorted(reading.source_verdicts.items()):
        key = reading.row_keys.get(row_number)
        app = labels.get(key, "") if key else ""
        name = f"{key[0]}·{key[1]}" if key and key[0] else key[1] if key else ""
        found.append(VerdictDifference(row_number, name, source, app, normalize(source) != normalize(app)))
    return found


def find_region(name: str) -> Region:
    matches = [r for r in Region.objects.select_related("parent") if r.name == name or str(r) == name]
    if not matches:
        raise ValidationError(REGION_MISSING.format(name=name))
    if len(matches) > 1:
        raise ValidationError(REGION_AMBIGUOUS.format(name=name))
    return matches[0]


def _plan_for(region: Region, name: str, table: Table, user: Any, report: ImportReport) -> Plan:
    existing = Plan.objects.filter(region=region, name=name).first()
    if existing is not None:
        return existing
    report.counts["规划"] += 1
    return services.plan_create(
        region=region,
        name=name,
        short_name=table.short_name,
        base_year=table.base_year,
        end_year=table.end_year,
        categories=list(dict.fromkeys(row.category for row in table.rows)),
        user=user,
    )


def _apply(table: Table, plan: Plan, user: Any, filename: str, report: ImportReport) -> None:
    if table.end_year != plan.end_year:
        report.errors.append(PLAN_END_YEAR.format(found=table.end_year, plan=plan.name, end=plan.end_year))
    if table.base_year != plan.base_year:
        report.errors.append(PLAN_BASE_YEAR.format(found=table.base_year, plan=plan.name, base=plan.base_year))
    for period in table.periods:
        try:
            services.check_period_in_plan(plan, period)
        except ValidationError:
            report.errors.append(
                PLAN_PERIOD_OUTSIDE.format(period=period.label, plan=plan.name, base=plan.base_year, end=plan.end_year)
            )
    if report.errors:
        return
    indicators = list(Indicator.objects.of_plan(plan).select_related("parent", "category", "plan"))
    # A plan with indicators only takes figures; an empty plan is built from the table.
    matched = _match(table, plan, indicators, report) if indicators else _create(table, plan, user, report)
    if report.errors:
        return
    _apply_values(table, plan, matched, user, filename, report, creating=not indicators)
    _apply_manual(table, plan, matched, user, report)
    report.changes.sort(key=lambda change: (change.action != "修改", change.row))  # changed figures first


def _match(table: Table, plan: Plan, indicators: list[Indicator], report: ImportReport) -> dict[int, Indicator]:
    by_key = {(i.parent.name if i.parent else "", display_name(i)): i for i in indicators}
    matched = {}
    for row in table.rows:
        indicator = by_key.get(row.key)
        if indicator is None:
            shown = f"{row.group}·{row.display_name}" if row.group else row.display_name
            report.errors.append(ROW_UNKNOWN.format(row=row.row, plan=plan.name, name=shown))
            continue
        if row.target_text != indicator.target_text:
            report.warnings.append(
                WARN_TARGET_DIFFERS.format(row=row.row, found=row.target_text, current=indicator.target_text or "—")
            )
        matched[row.row] = indicator
    return matched


def _create(table: Table, plan: Plan, user: Any, report: ImportReport) -> dict[int, Indicator]:
    categories = {c.name: c for c in Category.objects.filter(plan=plan)}
    parents: dict[str, Indicator] = {}
    matched = {}
    drafts: list[tuple[TableRow | None, Indicator]] = []  # None: a group of sub-indicators (a new parent)
    for row in table.rows:
        if row.category not in categories:
            categories[row.category] = services.category_add(plan=plan, name=row.category, user=user)
            report.counts["类别"] += 1
        category = categories[row.category]
        parent = None
        if row.group:
            parent = parents.get(row.group)
            if parent is None:
                parent = Indicator(
                    plan=plan,
                    category=category,
                    seq=row.seq,
                    name=row.group,
                    attribute=ATTRIBUTES.get(row.attribute, ""),
                )
                parents[row.group] = parent
                drafts.append((None, parent))
        name, unit = split_unit(row.display_name)
        indicator = Indicator(
            plan=plan,
            category=category,
            parent=parent,
            seq="" if parent else row.seq,
            name=name,
            unit=unit,
            attribute=ATTRIBUTES.get(row.attribute, ""),
            target_text=row.target_text,
        )
        drafts.append((row, indicator))
    results = bulk.indicators_create([(i, r is None) for r, i in drafts], user=user, reason="Excel 导入")
    for (table_row, indicator), result in zip(drafts, results, strict=False):
        if isinstance(result, ValidationError):
            if table_row is None:
                raise result  # a group refused stops the import, after the rows before it were reported
            report.errors.extend(f"第{table_row.row}行：{message}" for message in result.messages)
            continue
        report.counts["指标"] += 1
        if table_row is None:
            continue
        matched[table_row.row], series_created = result
        name, unit = indicator.name, indicator.unit
        if not series_created:
            known = indicator.measured_series
            report.series.append(SERIES_MATCHED.format(row=table_row.row, name=known.name, unit=known.unit or "无单位"))
            report.counts["匹配统计指标"] += 1
        else:
            report.series.append(SERIES_CREATED.format(row=table_row.row, name=name, unit=unit or "无单位"))
            report.counts["新建统计指标"] += 1
    _link_to_gdp(list(matched.values()), user)
    return matched


def _link_to_gdp(indicators: list[Indicator], user: Any) -> None:
    """A target printed as "与经济增长同步" is linked to the plan's GDP growth indicator, as the seed does."""
    gdp = next((i for i in indicators if is_economic_growth(i.name, i.unit)), None)
    if gdp is None:
        return
    for indicator in indicators:
        if indicator is gdp or indicator.linked_indicator_id:
            continue
        if parse_target(indicator.target_text, indicator.name, indicator.unit).linked_to_gdp:
            indicator.linked_indicator = gdp
            services.indicator_save(indicator=indicator, user=user, reason="Excel 导入：挂钩地区生产总值增长")


def _shown(observation: Observation | None) -> str:
    if observation is None:
        return "—"
    return "/" if observation.no_data else observation.display_value


def _apply_values(
    table: Table,
    plan: Plan,
    matched: dict[int, Indicator],
    user: Any,
    filename: str,
    report: ImportReport,
    *,
    creating: bool,
) -> None:
    existing = {
        (o.series_id, o.year, o.part): o for o in Observation.objects.of_plan(plan).select_related("entered_by")
    }
    reason = services.short_reason(f"Excel 导入：{filename}")
    steps: list[Any] = []  # in table order: a warning, or a figure with its cell (reported after the bulk write)
    for row in table.rows:
        indicator = matched[row.row]
        full_name = f"{row.group}·{indicator.name}" if row.group else indicator.name
        for cell in row.values:
            where = cell_name(row.row, cell.column)
            current = existing.get((indicator.series_id or 0, cell.period.year, cell.period.part))
            if cell.no_data:
                if current is not None and not current.no_data:
                    steps.append(WARN_NO_DATA_KEPT.format(cell=where, value=current.display_value))
                    continue
                if current is not None or not creating:
                    # The export prints "/" for "no figure yet" as well as for "no data": into a plan that
                    # exists it adds nothing (暂无数据 is marked in the entry form, with a note).
                    continue
            elif (
                current is not None
                and not current.no_data
                and current.value == cell.value
                and current.decimals == cell.decimals
                and current.status == "approved"
            ):
                report.counts["未变"] += 1
                continue
            source, note = table.sources.get((full_name, cell.period.label), ("", ""))
            figure = bulk.Figure(
                indicator=indicator,
                period=cell.period,
                value=cell.value,
                decimals=cell.decimals,
                no_data=cell.no_data,
                note=note or (current.note if current else ""),
                source=source or (current.source if current else f"Excel 导入（{filename}）")[:200],
            )
            steps.append((figure, row, cell, where, full_name, current))
    figures = [step[0] for step in steps if not isinstance(step, str)]
    results = iter(bulk.observations_record(figures, user=user, reason=reason, approve=True))
    for step in steps:
        if isinstance(step, str):
            report.warnings.append(step)
            continue
        _, row, cell, where, full_name, current = step
        result = next(results)
        if isinstance(result, ValidationError):
            report.errors.extend(
                ROW_REFUSED.format(cell=where, period=cell.period.label, message=m) for m in result.messages
            )
            continue
        if result.warning:
            report.warnings.append(WARN_OUTLIER.format(cell=where, warning=result.warning))
        new = "/" if cell.no_data else result.observation.display_value
        action = "新增" if current is None else "修改" if result.changed else "审核通过"
        report.changes.append(Change(row.row, full_name, cell.period.label, _shown(current), new, action))
        report.counts[action] += 1


def _apply_manual(table: Table, plan: Plan, matched: dict[int, Indicator], user: Any, report: ImportReport) -> None:
    rows = [row for row in table.rows if row.manual_label and row.manual_reason]
    if not rows or table.as_of is None:
        return
    settings = plan_settings(plan)
    by_label = {settings.label(status): status for status in Status}
    as_of = table.as_of
    current = {
        m.indicator_id: m for m in ManualVerdict.objects.filter(indicator__plan=plan, year=as_of.year, part=as_of.part)
    }
    for row in rows:
        status = by_label.get(row.manual_label)
        if status is None:
            report.warnings.append(WARN_MANUAL_UNKNOWN.format(row=row.row, found=row.manual_label))
            continue
        indicator = matched[row.row]
        existing = current.get(indicator.pk)
        if existing is not None and (existing.status, existing.reason) == (status.value, row.manual_reason):
            continue
        try:
            with transaction.atomic():
                services.manual_verdict_set(
                    indicator=indicator, as_of=as_of, status=status.value, reason=row.manual_reason, user=user
                )
        except ValidationError as error:
            report.errors.extend(f"第{row.row}行：{message}" for message in error.messages)
            continue
        report.counts["人工研判"] += 1
