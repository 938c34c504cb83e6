"""Finding a region and its plans by name, for commands (issue 12): an ambiguous name is refused with the
candidates listed, never silently resolved to the first match."""

from __future__ import annotations

from collections.abc import Sequence

from indicators.models import Plan, Region

REGION_NOT_FOUND = "找不到行政区划“{ref}”。"
REGION_AMBIGUOUS = "行政区划“{ref}”有多个，请写全称或编号：{candidates}。"
PLAN_NOT_FOUND = "找不到规划“{ref}”{where}。"
PLAN_AMBIGUOUS = "规划“{ref}”有多个，请用 --region 指明行政区划，或写规划编号：{candidates}。"


class LookupFailed(ValueError):
    """A name that matches nothing, or more than one thing; the message lists the candidates."""


def regions_by_pk() -> dict[int, Region]:
    """Every region with its parent set from the same query (``str(region)`` then needs none)."""
    regions = {r.pk: r for r in Region.objects.all()}
    for region in regions.values():
        if region.parent_id is not None:
            region.parent = regions[region.parent_id]
    return regions


def find_region(ref: str, regions: dict[int, Region]) -> Region:
    """By id, by full name (河南省南阳市卧龙区) or by its own name (卧龙区) when that is unique."""
    ref = ref.strip()
    if ref.isdigit() and int(ref) in regions:
        return regions[int(ref)]
    matches = [r for r in regions.values() if str(r) == ref] or [r for r in regions.values() if r.name == ref]
    if not matches:
        raise LookupFailed(REGION_NOT_FOUND.format(ref=ref))
    if len(matches) > 1:
        candidates = "、".join(f"{r.pk}={r}" for r in sorted(matches, key=lambda r: r.pk))
        raise LookupFailed(REGION_AMBIGUOUS.format(ref=ref, candidates=candidates))
    return matches[0]


def subtree(region: Region, regions: dict[int, Region]) -> set[int]:
    """The region's id and every id below it."""
    children: dict[int, list[int]] = {}
    for r in regions.values():
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r.pk)
    found, todo = set(), [region.pk]
    while todo:
        pk = todo.pop()
        found.add(pk)
        todo.extend(children.get(pk, ()))
    return found


def find_plan(ref: str, plans: Sequence[Plan], regions: dict[int, Region], region: Region | None = None) -> Plan:
    """A plan by id, name or short name among ``plans`` (of ``region`` only, when given); refuse ambiguity."""
    ref = ref.strip()
    if region is not None:
        plans = [p for p in plans if p.region_id == region.pk]
    matches = [p for p in plans if str(p.pk) == ref] or [p for p in plans if ref in (p.name, p.short_name)]
    if not matches:
        where = f"（{region}）" if region is not None else ""
        raise LookupFailed(PLAN_NOT_FOUND.format(ref=ref, where=where))
    if len(matches) > 1:
        candidates = "、".join(f"{p.pk}={regions[p.region_id]} · {p.name}" for p in matches)
        raise LookupFailed(PLAN_AMBIGUOUS.format(ref=ref, candidates=candidates))
    return matches[0]
