"""An annual plan's results in its own wording (完成 / 基本完成 / 未完成 / 暂无数据), from the engine's verdicts.

The vocabulary choice lives here and in ``Plan.annual_labels``, not in the engine: ``assess_plan`` judges an
annual plan like any other, this module words each verdict as an execution report's table does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from indicators.annual import AnnualLabelsError, Completion, annual_labels, completion
from indicators.assessment import IndicatorAssessment, plan_settings, target_of
from indicators.models import Observation, Plan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnnualResult:
    completion: Completion
    label: str
    figure: Observation | None  # the latest counted figure of the plan year (上半年, 前三季度 or the full year)


def plan_annual_labels(plan: Plan) -> dict[Completion, str]:
    try:
        return annual_labels(plan.annual_labels)
    except AnnualLabelsError:
        logger.exception("Invalid annual labels on plan %s; using the defaults", plan.pk)
        return annual_labels(None)


def annual_result(plan: Plan, assessment: IndicatorAssessment) -> AnnualResult:
    indicator = assessment.indicator
    target = target_of(indicator)
    in_year = [o for o in assessment.observations if o.year > plan.base_year]
    figure = in_year[-1] if in_year else None
    # A year-to-date figure of a flow quantity (粮食 in 上半年) is not the year's level: nothing to hold yet.
    comparable = figure is not None and not figure.no_data and (indicator.partial_periods_comparable or not figure.part)
    result = completion(
        assessment.verdict.status,
        kind=target.kind,
        approximate=target.approximate,
        direction=target.direction,
        target=target.value,
        latest=figure.value if comparable and figure is not None else None,
        inclusive=target.inclusive,
        tolerance=plan_settings(plan).approx_tolerance,
        manual=assessment.verdict.manual,
    )
    return AnnualResult(result, plan_annual_labels(plan)[result], figure)
