"""Demo data owned by reports/: context statistics (表1–表4) and the 主要原因 texts of 附件2.

Idempotent like ``indicators.seed``: rows are created only when missing, never overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from indicators.models import Indicator, Plan
from indicators.periods import Period
from indicators.seed import LoadResult
from reports.context import CONTEXT_FIXTURE_NAME, load_context_fixture
from reports.models import ReasonNote

REASONS_FIXTURE_NAME = "appendix2_reasons.json"


@transaction.atomic
def load_reason_fixture(path: Path) -> LoadResult:
    """附件2's 主要原因 for the plan named in the file; skipped when that plan is not loaded."""
    data = json.loads(path.read_text(encoding="utf-8"))
    result = LoadResult()
    plan = Plan.objects.filter(name=data["plan"]).first()
    if plan is None:
        return result
    period = Period.parse(data["as_of"])
    for item in data["reasons"]:
        indicator = Indicator.objects.get(plan=plan, parent=None, name=item["indicator"])
        _, created = ReasonNote.objects.get_or_create(
            plan=plan,
            indicator=indicator,
            year=period.year,
            part=period.part,
            defaults={"text": item["text"]},
        )
        result.count("reason_note", created)
    return result


def load_reports_fixtures(fixtures_dir: Path) -> LoadResult:
    """Everything reports/ seeds, for ``seed_demo`` (after the plan fixture)."""
    result = load_context_fixture(fixtures_dir / CONTEXT_FIXTURE_NAME)
    result.created.update(load_reason_fixture(fixtures_dir / REASONS_FIXTURE_NAME).created)
    return result
