"""How 附件1 is built: one fixed set of queries → frozen rows (``reports.rows``) → pure renderers.

Queries of ``build_report`` (always six, whatever the number of indicators):
1–4. ``assess_plan``: indicators (with category, parent, series, linked indicator), their series' observations up to
     the as-of, assigned targets, manual verdicts of the as-of;
5.   the alternative readings (其他口径) of the plan's observations up to the as-of year;
6.   the 附件2 主要原因 notes of the plan and as-of (with who last changed them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from indicators.assessment import (
    IndicatorAssessment,
    PlanSummary,
    assess_plan,
    plan_settings,
    summarize,
    target_reading,
)
from indicators.evaluation import Point, Settings, evaluate, is_final, time_progress
from indicators.models import AlternativeReading, Observation, Plan
from indicators.numbers import printed, shown_unit
from indicators.periods import Period
from indicators.vocabulary import Status
from reports import narrative
from reports.models import ReasonNote
from reports.rows import (
    Appendix,
    AppendixRow,
    OtherReading,
    ReasonEntry,
    TopIndicator,
    ValueCell,
    appendix_title,
)

BEHIND_STATUSES = frozenset({Status.BEHIND, Status.ASSIGNED_MISSED})


@dataclass(frozen=True)
class Report:
    plan: Plan
    appendix: Appendix
    summary: PlanSummary
    paragraph: str


@dataclass(frozen=True)
class Progress:
    """时间进度 against 任务进度 (双过半), in percent, as the dashboard and the report draft show it.

    Task progress is the share of good verdicts among the indicators whose data are up to date (a stale one is
    neither good nor lagging); it is only judged when the plan has data and at least half the indicators are up
    to date, so old figures never raise a 落后 alarm."""

    time_pct: Decimal
    task_pct: Decimal
    has_data: bool
    judged: bool
    current: int  # indicators whose data are up to date

    @property
    def on_time(self) -> bool:
        return self.task_pct >= self.time_pct


def progress_of(report: Report) -> Progress:
    summary, appendix = report.summary, report.appendix
    has_data = any(t.data_period is not None for t in appendix.top)
    current = summary.total - summary.stale
    return Progress(
        time_pct=(appendix.time_progress * 100).quantize(Decimal("0.1")),
        task_pct=narrative.task_share(summary),
        has_data=has_data,
        judged=narrative.share_is_judged(summary, has_data=has_data),
        current=current,
    )


def build_report(plan: Plan, as_of: Period, *, include_pending: bool = False) -> Report:
    assessments = assess_plan(plan, as_of, include_pending=include_pending)
    alternatives = _by_observation(
        AlternativeReading.objects.filter(
            observation__in=Observation.objects.of_plan(plan).filter(year__lte=as_of.year)
        )
    )
    notes = {
        note.indicator_id: note
        for note in ReasonNote.objects.filter(plan=plan, year=as_of.year, part=as_of.part).select_related("updated_by")
    }
    appendix = make_appendix(plan, as_of, assessments, alternatives, notes)
    summary = summarize(assessments)
    behind_attributes = tuple(t.attribute for t in appendix.top if t.status in BEHIND_STATUSES)
    paragraph = narrative.summary_paragraph(
        summary,
        narrative.SummaryInput(
            categories=appendix.categories,
            time_progress=appendix.time_progress,
            as_of=as_of,
            behind_attributes=behind_attributes,
            final=appendix.final,
        ),
    )
    return Report(plan=plan, appendix=appendix, summary=summary, paragraph=paragraph)


def _by_observation(readings: QuerySet[AlternativeReading]) -> dict[int, list[AlternativeReading]]:
    grouped: dict[int, list[AlternativeReading]] = defaultdict(list)
    for alt in readings.order_by("pk"):
        grouped[alt.observation_id].append(alt)
    return grouped


def alternatives_of(observation_ids: Sequence[int]) -> dict[int, list[AlternativeReading]]:
    """The alternative readings of a few observations (one indicator's page), in one query."""
    return _by_observation(AlternativeReading.objects.filter(observation_id__in=observation_ids))


def value_columns(plan: Plan, assessments: Sequence[IndicatorAssessment]) -> tuple[Period, ...]:
    """The base year, then every later period that has an observation (up to the as-of)."""
    periods = {o.period for a in assessments for o in a.observations if o.year > plan.base_year}
    return (Period(plan.base_year), *sorted(periods, key=lambda p: p.sort_key))


def _cell(observation: Observation, alternatives: list[AlternativeReading]) -> ValueCell:
    return ValueCell(
        period=observation.period,
        value=None if observation.no_data else observation.value,
        decimals=observation.decimals,
        source=observation.source,
        note=observation.note,
        alternatives=tuple(
            OtherReading(printed(a.value, a.decimals), a.value, a.decimals, a.source, a.note, a.pk)
            for a in alternatives
        ),
        pending=observation.status != "approved",
    )


def decisive_readings(
    assessment: IndicatorAssessment,
    alternatives: dict[int, list[AlternativeReading]],
    as_of: Period,
    settings: Settings,
) -> tuple[str, ...]:
    """The other readings (其他口径) that would change this indicator's verdict, each as a sentence:
    "按正文一（一）口径，2022年为1.7%，则为低于预期". Pure re-evaluation; no query."""
    inputs = assessment.inputs
    verdict = assessment.verdict
    if inputs is None or verdict.manual:
        return ()
    unit = shown_unit(assessment.indicator.unit)
    notes = []
    for observation in assessment.observations:
        for alt in alternatives.get(observation.pk, []):
            shown = printed(alt.value, alt.decimals)
            points = tuple(
                Point(p.period, alt.value, shown) if p.period == observation.period else p for p in inputs.points
            )
            other = evaluate(replace(inputs, points=points), as_of, settings)
            if other.status != verdict.status:
                label = settings.stage(other.final).label(other.status)
                notes.append(f"按{alt.source}口径，{observation.period.label}为{shown}{unit}，则为{label}")
    return tuple(notes)


def _row(
    assessment: IndicatorAssessment,
    columns: tuple[Period, ...],
    alternatives: dict[int, list[AlternativeReading]],
    parent: IndicatorAssessment | None,
    decisive: tuple[str, ...] = (),
) -> AppendixRow:
    indicator = assessment.indicator
    verdict = assessment.verdict
    by_period = {o.period: o for o in assessment.observations}
    cells = tuple(
        _cell(by_period[p], alternatives.get(by_period[p].pk, [])) if p in by_period else None for p in columns
    )
    return AppendixRow(
        indicator_id=indicator.pk,
        seq=parent.indicator.seq if parent else indicator.seq,
        category=indicator.category.name,
        name=indicator.name,
        unit=indicator.unit,
        attribute=indicator.get_attribute_display(),
        target_text=indicator.target_text,
        cells=cells,
        status=str(verdict.status),
        label=assessment.label,
        group=parent.indicator.name if parent else "",
        group_id=parent.indicator.pk if parent else None,
        manual=verdict.manual,
        manual_reason=verdict.manual_reason,
        computed_label=assessment.computed_label,
        explanation=verdict.explanation,
        required_text=verdict.required_text,
        outlook=verdict.outlook_label,
        completion=verdict.completion,
        time_progress=verdict.time_progress,
        average_so_far=verdict.average_so_far,
        required_rate=verdict.required_rate,
        kind=verdict.kind,
        pending=assessment.pending,
        data_period=verdict.data_period,
        stale=verdict.stale,
        data_label=assessment.data_label,
        decisive=decisive,
        target_reading=target_reading(indicator),
        frequency_text=verdict.frequency_text,
    )


def make_appendix(
    plan: Plan,
    as_of: Period,
    assessments: Sequence[IndicatorAssessment],
    alternatives: dict[int, list[AlternativeReading]],
    notes: dict[int, ReasonNote],
) -> Appendix:
    columns = value_columns(plan, assessments)
    settings = plan_settings(plan)
    own_region = narrative.region_word(plan.region.name)

    def row_of(a: IndicatorAssessment, parent: IndicatorAssessment | None) -> AppendixRow:
        return _row(a, columns, alternatives, parent, decisive_readings(a, alternatives, as_of, settings))

    rows: list[AppendixRow] = []
    top: list[TopIndicator] = []
    reasons: list[ReasonEntry] = []
    for assessment in assessments:
        indicator = assessment.indicator
        if indicator.parent_id is not None:
            continue  # listed through its parent, right below it
        if assessment.children:
            own = [row_of(child, assessment) for child in assessment.children]
        else:
            own = [row_of(assessment, None)]
        rows.extend(own)
        verdict = assessment.verdict
        sentence = narrative.indicator_sentence(
            indicator.name,
            own,
            status=str(verdict.status),
            label=assessment.label,
            outlook=verdict.outlook_label,
            base_year=plan.base_year,
            final=verdict.final,
            data_note=narrative.stale_clause(verdict.data_period, verdict.expected_period, assessment.data_label)
            if verdict.stale
            else "",
            decisive=tuple(note for row in own for note in row.decisive),
            region_word=own_region,
        )
        item = TopIndicator(
            indicator_id=indicator.pk,
            seq=indicator.seq,
            category=indicator.category.name,
            name=indicator.name,
            attribute=indicator.get_attribute_display(),
            status=str(verdict.status),
            label=assessment.label,
            outlook=verdict.outlook_label,
            required_text=verdict.required_text,
            explanation=verdict.explanation,
            manual=verdict.manual,
            rows=tuple(own),
            sentence=sentence,
            stale=verdict.stale,
            data_period=verdict.data_period,
            data_label=assessment.data_label,
        )
        top.append(item)
        if verdict.status in BEHIND_STATUSES:
            reasons.append(_reason(item, notes.get(indicator.pk)))
    return Appendix(
        plan_name=plan.name,
        title=appendix_title(plan.short_name),
        base_year=plan.base_year,
        end_year=plan.end_year,
        as_of=as_of,
        columns=columns,
        rows=tuple(rows),
        reasons=tuple(reasons),
        top=tuple(top),
        time_progress=time_progress(plan.base_year, plan.end_year, as_of),
        categories=tuple(dict.fromkeys(t.category for t in top)),
        final=is_final(plan.base_year, plan.end_year, as_of),
    )


def _reason(item: TopIndicator, note: ReasonNote | None) -> ReasonEntry:
    """附件2's generated facts: the values sentence and the engine's explanation of each verdict."""
    explanations = [row.explanation for row in item.rows if row.explanation]
    facts = "".join(explanations) + (f"{item.outlook}。" if item.outlook else "")
    first = item.rows[0] if len(item.rows) == 1 else None
    updated_at = ""
    if note and note.updated_at:
        updated_at = timezone.localtime(note.updated_at).strftime("%Y-%m-%d %H:%M")
    return ReasonEntry(
        indicator_id=item.indicator_id,
        name=item.name,
        facts=facts,
        text=note.text if note else "",
        updated_by=(note.updated_by.get_full_name() or note.updated_by.username) if note and note.updated_by else "",
        updated_at=updated_at,
        label=item.label,
        seq=item.seq,
        completion=first.completion if first else None,
        time_progress=first.time_progress if first else None,
        average_so_far=first.average_so_far if first else None,
        required_text=item.required_text,
        outlook=item.outlook,
        unit=first.unit if first else "",
    )
