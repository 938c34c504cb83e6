"""The one write reports/ makes: the 主要原因 of 附件2 (see reports/models.py for why it lives here)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from indicators.assessment import assess_indicator
from indicators.models import Indicator, Plan
from indicators.periods import Period
from indicators.roles import AnyUser, check_region, signed_in
from reports.appendix import BEHIND_STATUSES
from reports.models import ReasonNote
from reports.permissions import FORBIDDEN_EDIT_REASON, can_edit_reasons
from reports.selection import in_plan

REASON_TOO_LONG = "主要原因不能超过 {limit} 个字。"
REASON_MAX_CHARS = 4000
REASON_NOT_BEHIND = "该指标在此评估期不属于低于预期的指标，不能填写主要原因。"
REASON_OUTSIDE_PLAN = "评估期不在规划期内。"


@transaction.atomic
def reason_note_save(*, indicator: Indicator, as_of: Period, text: str, user: AnyUser | None) -> ReasonNote:
    """Write the 主要原因 of a lagging indicator for one as-of: reviewers and admins only (403), inside their
    region (404), within the plan period, for an indicator behind at that as-of. Saved once so that each edit is
    one history entry (simple_history takes the user from HistoryRequestMiddleware). ``user=None``: the shell."""
    plan: Plan = indicator.plan
    if user is not None:
        if not can_edit_reasons(user):
            raise PermissionDenied(FORBIDDEN_EDIT_REASON)
        check_region(user, plan.region_id)
    if not in_plan(plan, as_of):
        raise ValidationError(REASON_OUTSIDE_PLAN, code="as_of")
    if len(text.strip()) > REASON_MAX_CHARS:
        raise ValidationError(REASON_TOO_LONG.format(limit=REASON_MAX_CHARS), code="too_long")
    if assess_indicator(indicator, as_of).verdict.status not in BEHIND_STATUSES:
        raise ValidationError(REASON_NOT_BEHIND, code="not_behind")
    note = ReasonNote.objects.select_for_update(of=("self",)).order_by().filter(
        plan=plan, indicator=indicator, year=as_of.year, part=as_of.part
    ).first() or ReasonNote(plan=plan, indicator=indicator, year=as_of.year, part=as_of.part)
    note.text = text.strip()
    note.updated_by = signed_in(user)
    note.full_clean()
    note.save()
    return note
