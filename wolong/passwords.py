"""Password rules with Chinese messages (Django's own Chinese catalogue lacks the minimum-length text)."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator

MIN_LENGTH = 12
TOO_SHORT = "密码太短：至少需要 {n} 个字符。"
HELP = "密码至少 {n} 个字符，不能全是数字，不能是常见密码，也不能与用户名等个人信息过于相似。"


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    def __init__(self, min_length: int = MIN_LENGTH) -> None:
        super().__init__(min_length)

    def get_error_message(self) -> str:
        return TOO_SHORT.format(n=self.min_length)

    def get_help_text(self) -> str:
        return HELP.format(n=self.min_length)
