"""django-axes (login lockout) under Chinese names in the admin: it ships no zh-hans translation."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig

# model name → (verbose_name, verbose_name_plural)
AXES_NAMES = {
    "accessattempt": ("登录失败计数", "登录失败计数"),
    "accessfailurelog": ("登录失败记录", "登录失败记录"),
    "accesslog": ("登录记录", "登录记录"),
    "accessattemptexpiration": ("锁定到期时间", "锁定到期时间"),
}


class AxesConfig(AxesAppConfig):
    verbose_name = "登录锁定"

    def ready(self) -> None:
        super().ready()
        for model in self.get_models():
            names = AXES_NAMES.get(model._meta.model_name or "")
            if names:  # display names only: the migration state reads ``original_attrs``, which stay as shipped
                model._meta.verbose_name, model._meta.verbose_name_plural = names
