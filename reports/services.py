"""The one write reports/ makes: the 主要原因 of 附件2 (see reports/models.py for why it lives here)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from indicators.models import Indicator, Plan
from indicators.periods import Period
from reports.models import ReasonNote

REASON_TOO_LONG = "主要原因不能超过 {limit} 个字。"
REASON_MAX_CHARS = 4000


@transaction.atomic
def reason_note_save(*, plan: Plan, indicator: Indicator, as_of: Period, text: str, user: Any) -> ReasonNote:
    """Create or change the note, saved once so that each edit is one history entry (simple_history
    takes the user from HistoryRequestMiddleware)."""
    note = ReasonNote.objects.select_for_update(of=("self",)).order_by().filter(
        plan=plan, indicator=indicator, year=as_of.year, part=as_of.part
    ).first() or ReasonNote(plan=plan, indicator=indicator, year=as_of.year, part=as_of.part)
    note.text = text.strip()
    note.updated_by = user
    note.full_clean()
    note.save()
    return note
