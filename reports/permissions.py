"""Who may edit the 主要原因 of 附件2: the one place that decides it.

审核员, 管理员 and superusers, through the shared role check of ``indicators.roles`` (issue 5);
switch the rule here and every view and template follows.
"""

from __future__ import annotations

from indicators.roles import AnyUser, is_reviewer

FORBIDDEN_EDIT_REASON = "只有审核员和管理员可以修改未达进度的主要原因。"


def can_edit_reasons(user: AnyUser) -> bool:
    return is_reviewer(user)
