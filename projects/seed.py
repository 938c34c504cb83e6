"""Load the major-project fixture (``fixtures/wolong_projects.json``), idempotently.

Rows are matched on natural keys (region + project name; project + year; project + date + text;
region + year + part + label + source) and only created when missing, so a second run changes
nothing and never overwrites a correction made later in the browser or the admin.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from indicators.models import Plan
from indicators.seed import LoadResult, region_path
from projects.models import (
    Domain,
    InvestmentSummary,
    ProgressNote,
    Project,
    ProjectInvestment,
    Stage,
)

PROJECTS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "wolong_projects.json"
APPROXIMATE_DATE_NOTE = "（日期为来源发布时间的约数）"

_DOMAINS = {label: value for value, label in Domain.choices}
_STAGES = {label: value for value, label in Stage.choices}


def _amount(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


@transaction.atomic
def load_projects_fixture(path: Path = PROJECTS_FIXTURE) -> LoadResult:
    data = json.loads(path.read_text(encoding="utf-8"))
    sources: dict[str, dict[str, Any]] = data["sources"]
    result = LoadResult()
    region = region_path(data["region"])
    plan = Plan.objects.filter(region=region, name=data.get("plan", "")).first()

    for row in data["projects"]:
        titles = _project_sources(row, sources)
        project, created = Project.objects.get_or_create(
            region=region,
            name=row["name"],
            defaults={
                "plan": plan,
                "domain": _DOMAINS[row["domain"]],
                "stage": _STAGES[row["stage"]] if row.get("stage") else "",
                "total_investment": _amount(row.get("total")),
                "start_year": row.get("start_year"),
                "end_year": row.get("end_year"),
                "responsible_unit": row.get("responsible_unit", ""),
                "location": row.get("location", ""),
                "scale": row.get("scale", ""),
                "source": "；".join(titles),
                "note": row.get("note", ""),
            },
        )
        result.count("project", created)
        for inv in row.get("investments", []):
            _, created = ProjectInvestment.objects.get_or_create(
                project=project,
                year=inv["year"],
                defaults={
                    "planned": _amount(inv.get("planned")),
                    "completed": _amount(inv.get("completed")),
                    "source": sources[inv["source"]]["title"],
                },
            )
            result.count("investment", created)
        for note in row.get("notes", []):
            source = sources[note["source"]]
            title = source["title"] + (APPROXIMATE_DATE_NOTE if source.get("approximate") else "")
            _, created = ProgressNote.objects.get_or_create(
                project=project,
                date=datetime.date.fromisoformat(note.get("date", source["date"])),
                text=note["text"],
                defaults={"source": title},
            )
            result.count("progress_note", created)

    for order, row in enumerate(data["summaries"], start=1):
        _, created = InvestmentSummary.objects.get_or_create(
            region=region,
            year=row["year"],
            part=row.get("part", ""),
            label=row["label"],
            source=sources[row["source"]]["title"],
            defaults={
                "plan": plan,
                "scope": row["scope"],
                "project_count": row.get("count"),
                "total_investment": _amount(row.get("total")),
                "planned": _amount(row.get("planned")),
                "completed": _amount(row.get("completed")),
                "note": row.get("note", ""),
                "order": order,
            },
        )
        result.count("investment_summary", created)
    return result


def _project_sources(row: dict[str, Any], sources: dict[str, dict[str, Any]]) -> list[str]:
    keys = list(dict.fromkeys(note["source"] for note in row.get("notes", [])))
    return [sources[key]["title"] for key in keys]
