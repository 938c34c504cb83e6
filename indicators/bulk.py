"""Many figures written at once (Excel imports): the rules of ``services.observation_record``, in a fixed
number of queries per batch instead of about twenty per figure.

The figures are applied one after another in memory, in the given order, exactly as calls of
``observation_record`` one by one would apply them (each inside its own savepoint): a later figure sees an
earlier one of the same series (its outlier check counts it, a second write of the same period changes it),
and a refused figure changes nothing. Only then is everything written: new rows with ``bulk_create``,
changed rows with ``bulk_update`` and one history row per write with simple-history's
``bulk_history_create``, each with the user and the reason the single call would have recorded.

What one figure reads, a batch reads once: the series and plans of the indicators, which indicators group
sub-indicators, the period locks of the series, and every stored figure of the series (locked with
``select_for_update``, as ``_locked_row`` locks one).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from indicators import services, values
from indicators.assessment import refresh_parsed_target
from indicators.models import Indicator, Observation, PeriodLock, Plan, ReviewStatus, Series
from indicators.periods import Period
from indicators.roles import AnyUser, Need, signed_in

BATCH = 500  # series per read (SQLite's parameter limit) and rows per write

# The columns a write changes (created_at stays; updated_at is set here, since bulk_update skips auto_now).
WRITTEN_FIELDS = [
    "value",
    "no_data",
    "decimals",
    "note",
    "source",
    "entered_by",
    "warning",
    "status",
    "review_note",
    "approved_value",
    "approved_decimals",
    "approved_no_data",
    "version",
    "updated_at",
]


@dataclass(frozen=True)
class Figure:
    """One ``observation_record(indicator=…, period=…, …)`` call's figure."""

    indicator: Indicator
    period: Period
    value: Decimal | None
    decimals: int | None = None
    no_data: bool = False
    note: str = ""
    source: str = ""


Key = tuple[int, int, str]  # series, year, part


@dataclass
class _Write:
    snapshot: Observation  # the row as this write left it (the history row's content)
    created: bool


def observations_record(
    figures: Sequence[Figure], *, user: AnyUser | None, reason: str = "", approve: bool = False, submit: bool = False
) -> list[services.RecordResult | ValidationError]:
    """``services.observation_record`` for each figure in order, as if each ran in its own savepoint: the
    result of each, or the ``ValidationError`` that refused it (nothing written for that figure).

    Role and scope failures (403/404) stop everything, as they stop the single call. There is no
    ``expected_version`` (an import was not shown a form), but every write bumps the version."""
    results: list[services.RecordResult | ValidationError] = []
    if not figures:  # an import that changes nothing opens no savepoint
        return results
    with transaction.atomic():
        for start in range(0, len(figures), BATCH):
            results.extend(_record_batch(figures[start : start + BATCH], user, reason, approve, submit))
    return results


def _record_batch(
    figures: Sequence[Figure], user: AnyUser | None, reason: str, approve: bool, submit: bool
) -> list[services.RecordResult | ValidationError]:
    indicators = [figure.indicator for figure in figures]
    _load_series_and_plans(indicators)
    grouping = set(Indicator.objects.filter(parent__in=[i.pk for i in indicators]).values_list("parent_id", flat=True))
    series_ids = sorted({i.series_id for i in indicators if i.series_id is not None})
    locked: dict[Key, set[str]] = defaultdict(set)  # (series, year, part) → the plans whose lock closes it
    for series_id, year, part, plan_name in PeriodLock.objects.filter(
        plan__indicators__series_id__in=series_ids
    ).values_list("plan__indicators__series_id", "year", "part", "plan__name"):
        locked[(series_id, year, part)].add(plan_name)
    stored: dict[Key, Observation] = {
        (o.series_id, o.year, o.part): o
        for o in Observation.objects.select_for_update(of=("self",)).filter(series_id__in=series_ids).order_by()
    }
    # (series, part) → year → figure: the approved figures the outlier check compares with (_history_of)
    by_kind: dict[tuple[int, str], dict[int, Observation]] = defaultdict(dict)
    for (series_id, year, part), observation in stored.items():
        by_kind[series_id, part][year] = observation

    results: list[services.RecordResult | ValidationError] = []
    writes: list[_Write] = []
    for figure in figures:
        try:
            result, write = _record_one(figure, user, reason, approve, submit, grouping, locked, stored, by_kind)
        except ValidationError as error:
            results.append(error)
            continue
        results.append(result)
        if write is not None:
            observation = result.observation
            stored[observation.series_id, observation.year, observation.part] = observation
            by_kind[observation.series_id, observation.part][observation.year] = observation
            writes.append(write)
    _save(writes, user)
    return results


def _load_series_and_plans(indicators: list[Indicator]) -> None:
    """Fill in each indicator's series and plan where the caller did not select them (one query each)."""
    missing_series = {i.series_id for i in indicators if i.series_id and not Indicator.series.is_cached(i)}
    series = Series.objects.in_bulk(missing_series) if missing_series else {}
    missing_plans = {i.plan_id for i in indicators if not Indicator.plan.is_cached(i)}
    plans = Plan.objects.in_bulk(missing_plans) if missing_plans else {}
    for indicator in indicators:
        if indicator.series_id in series:
            indicator.series = series[indicator.series_id]
        if indicator.plan_id in plans:
            indicator.plan = plans[indicator.plan_id]


def _record_one(
    figure: Figure,
    user: AnyUser | None,
    reason: str,
    approve: bool,
    submit: bool,
    grouping: set[int],
    locked: dict[Key, set[str]],
    stored: dict[Key, Observation],
    by_kind: dict[tuple[int, str], dict[int, Observation]],
) -> tuple[services.RecordResult, _Write | None]:
    """The body of ``services.observation_record`` (indicator given, no expected version) on the in-memory
    rows; keep the two in step."""
    indicator, period = figure.indicator, figure.period
    value, decimals, no_data = figure.value, figure.decimals, figure.no_data
    services._check(user, Need.ENTER, indicator)
    if approve:
        services._check(user, Need.REVIEW)
    if indicator.pk in grouping:
        raise ValidationError(services.PARENT_HAS_NO_FIGURES, code="parent")
    series = indicator.series
    if series is None:
        raise ValidationError(services.SERIES_REQUIRED, code="series")
    services.check_period_in_plan(indicator.plan, period)
    if (series.pk, period.year, period.part) in locked:
        plans = locked[(series.pk, period.year, period.part)]
        raise ValidationError(services.locked_message(period, plans), code="locked")
    reason = services.clean_reason(reason)
    value, decimals, note, source = services.clean_figure(
        series, value=value, decimals=decimals, no_data=no_data, note=figure.note, source=figure.source
    )

    existing = stored.get((series.pk, period.year, period.part))
    new = (value, no_data, decimals, note, source)
    # A copy: a figure refused below must leave the stored row as it was (the savepoint's rollback).
    observation = copy.copy(existing) if existing else Observation(series=series, year=period.year, part=period.part)
    changed = existing is None or _figure_of(existing) != new
    services.check_reason(existing, changed=changed, reason=reason)
    target = services.next_status(observation, changed=changed, approve=approve, submit=submit)
    if target is None:
        assert existing is not None
        return services.RecordResult(existing, created=False, changed=False, warning=existing.warning), None

    warning = observation.warning
    services.hold_approved(observation, existing, target=target, changed=changed)
    if changed:
        observation.value, observation.no_data, observation.decimals = value, no_data, decimals or 0
        observation.note, observation.source = note, source
        observation.entered_by = signed_in(user) or observation.entered_by
        same_kind = by_kind[series.pk, period.part]
        warning = "" if value is None else values.outlier_warning(value, _history_of(same_kind, period))
        observation.warning = warning
    observation.status = target
    if target == ReviewStatus.APPROVED:
        observation.review_note = ""
    observation.version = (existing.version + 1) if existing else 1
    # Field checks and clean() as full_clean() runs them; the foreign keys are rows just read, and the
    # unique and check constraints are one row per key here (and in the database) and clean()'s rule.
    observation.full_clean(exclude=["series", "entered_by"], validate_unique=False, validate_constraints=False)
    if existing is None:
        default = services.AUTO_CREATED
    elif changed:
        default = services.AUTO_CHANGED
    else:
        default = services.AUTO_APPROVED if approve else services.AUTO_SUBMITTED
    now = timezone.now()
    observation._history_user = user  # type: ignore[attr-defined]
    observation._change_reason = services.short_reason(reason or default)  # type: ignore[attr-defined]
    observation._history_date = now  # type: ignore[attr-defined]
    observation.updated_at = now
    if existing is None:
        observation.created_at = now
    result = services.RecordResult(observation, created=existing is None, changed=changed, warning=warning)
    return result, _Write(observation, created=existing is None)


def _figure_of(observation: Observation) -> tuple[Any, ...]:
    return (observation.value, observation.no_data, observation.decimals, observation.note, observation.source)


def _history_of(same_kind: dict[int, Observation], period: Period) -> list[Decimal]:
    """``services._history_of`` on the in-memory rows: the figures of the same kind of period that count."""
    return services.counted_values(o for year, o in same_kind.items() if year != period.year)


def _save(writes: list[_Write], user: AnyUser | None) -> None:
    """Rows once each in their final state, and one history row per write in write order."""
    if not writes:
        return
    final: dict[Key, Observation] = {}
    created_keys: set[Key] = set()
    for write in writes:
        key = (write.snapshot.series_id, write.snapshot.year, write.snapshot.part)
        final[key] = write.snapshot
        if write.created:
            created_keys.add(key)
    new = [final[key] for key in final if key in created_keys]
    changed = [final[key] for key in final if key not in created_keys]
    Observation.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Observation.objects.bulk_update(changed, WRITTEN_FIELDS, batch_size=BATCH)
    snapshots = []
    for write in writes:
        key = (write.snapshot.series_id, write.snapshot.year, write.snapshot.part)
        row = final[key]
        if write.snapshot is not row:  # an earlier write of a period written twice: the row's id and birth
            write.snapshot.pk, write.snapshot.created_at = row.pk, row.created_at
        snapshots.append(write)
    history = Observation.history
    history.bulk_history_create([w.snapshot for w in snapshots if w.created], batch_size=BATCH, default_user=user)
    history.bulk_history_create(
        [w.snapshot for w in snapshots if not w.created], batch_size=BATCH, update=True, default_user=user
    )


# --- indicators (an import into an empty plan) -----------------------------------------------------

INDICATOR_UNIQUE = ["plan", "parent", "name"]


def indicators_create(
    drafts: Sequence[tuple[Indicator, bool]], *, user: AnyUser | None, reason: str
) -> list[tuple[Indicator, bool] | ValidationError]:
    """``services.indicator_save`` of each new ``(indicator, grouping)`` in order, as if each ran in its own
    savepoint: ``(indicator, series_created)``, or the ``ValidationError`` that refused it.

    A group of sub-indicators comes before its sub-indicators (their ``parent``); when a group is refused the
    list stops there, as the single calls stop at the exception. Series are matched by region, name and unit
    and created when missing, with their history rows, as ``services.series_match`` does."""
    if not drafts:
        return []
    plans = {indicator.plan_id: indicator.plan for indicator, _ in drafts}
    plan_ids = set(plans)
    region_ids = {plan.region_id for plan in plans.values()}
    series_by_key = {(s.region_id, s.name, s.unit): s for s in Series.objects.filter(region_id__in=region_ids)}
    taken: set[tuple[int, int | None, str]] = {
        (plan_id, parent_id, name)
        for plan_id, parent_id, name in Indicator.objects.filter(plan_id__in=plan_ids).values_list(
            "plan_id", "parent_id", "name"
        )
    }
    last_order = dict.fromkeys(plan_ids, 0)
    for plan_id, order in Indicator.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "order"):
        last_order[plan_id] = max(last_order[plan_id], order)

    results: list[tuple[Indicator, bool] | ValidationError] = []
    new_series: list[Series] = []
    created: list[tuple[Indicator, bool]] = []
    for indicator, grouping in drafts:
        try:
            series, series_created = _create_one(indicator, grouping, user, reason, series_by_key, taken, last_order)
        except ValidationError as error:
            results.append(error)
            if grouping:
                break
            continue
        if series_created:
            assert series is not None
            series_by_key[series.region_id, series.name, series.unit] = series
            new_series.append(series)
        taken.add(_unique_key(indicator))
        last_order[indicator.plan_id] = indicator.order
        created.append((indicator, grouping))
        results.append((indicator, series_created))
    now = timezone.now()
    for row in (*new_series, *(indicator for indicator, _ in created)):
        row._history_user = user  # type: ignore[attr-defined]
        row._history_date = now  # type: ignore[attr-defined]
    with transaction.atomic():
        bulk_create_with_history(new_series, Series, batch_size=BATCH, default_user=user)
        # groups first: their sub-indicators need their ids
        groups = [indicator for indicator, grouping in created if grouping]
        bulk_create_with_history(groups, Indicator, batch_size=BATCH, default_user=user)
        rest = [indicator for indicator, grouping in created if not grouping]
        bulk_create_with_history(rest, Indicator, batch_size=BATCH, default_user=user)
    return results


def _is_child(indicator: Indicator) -> bool:
    return Indicator.parent.is_cached(indicator) and indicator.parent is not None


def _unique_key(indicator: Indicator) -> tuple[int, int | None, str]:
    """The unique (plan, parent, name), an unsaved parent counted by identity."""
    parent = indicator.parent if _is_child(indicator) else None
    if parent is None:
        return (indicator.plan_id, None, indicator.name)
    return (indicator.plan_id, parent.pk if parent.pk is not None else -id(parent), indicator.name)


def _create_one(
    indicator: Indicator,
    grouping: bool,
    user: AnyUser | None,
    reason: str,
    series_by_key: dict[tuple[int, str, str], Series],
    taken: set[tuple[int, int | None, str]],
    last_order: dict[int, int],
) -> tuple[Series | None, bool]:
    """The body of ``services.indicator_save`` for a new indicator (and ``series_match``) in memory."""
    services._check(user, Need.ADMIN)
    reason = services.clean_reason(reason)
    if indicator.pk is not None:
        raise ValueError("indicators_create only creates indicators")
    series, series_created = None, False
    if indicator.series_id is None and not grouping:
        services._check(user, Need.ADMIN)
        region_id, name, unit = indicator.plan.region_id, indicator.name.strip(), indicator.unit.strip()
        series = series_by_key.get((region_id, name, unit))
        if series is None:
            series = Series(region_id=region_id, name=name, unit=unit)
            series.full_clean(exclude=["region"], validate_unique=False, validate_constraints=False)
            series._change_reason = "新建统计指标"
            series_created = True
        indicator.series = series
    if not indicator.order:
        indicator.order = last_order[indicator.plan_id] + 1
    refresh_parsed_target(indicator)
    errors: dict[str, list[ValidationError]] = {}
    try:
        indicator.full_clean(
            exclude=["plan", "category", "parent", "series", "linked_indicator"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    twin = _unique_key(indicator) in taken
    if twin and _is_child(indicator) and "name" not in errors:
        # full_clean's unique-constraint message (a constraint with a NULL parent does not apply)
        errors.setdefault(NON_FIELD_ERRORS, []).append(indicator.unique_error_message(Indicator, INDICATOR_UNIQUE))
    if errors:
        raise ValidationError(errors)
    if twin:
        raise ValidationError(services.INDICATOR_DUPLICATE.format(name=indicator.name), code="duplicate")
    indicator._change_reason = services.short_reason(reason or "新建指标")
    return series, series_created
