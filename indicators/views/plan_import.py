"""The Excel import of a plan: upload → preview (nothing written) → confirm, the file kept in between."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from indicators import roles
from indicators.column_mapping import Choice, choice_from_form
from indicators.forms import ImportUploadForm
from indicators.import_reading import FILE_TOO_LARGE, MAX_UPLOAD_BYTES, ImportFileError, ImportReport, check_upload
from indicators.importer import run_import
from indicators.models import Plan
from indicators.periods import Period, plan_periods
from indicators.roles import Need

IMPORT_EXPIRED = "导入已过期或已完成，请重新上传文件。"
_STASH_KEY = "indicator_imports"
_STASH_MAX_AGE = 24 * 3600  # seconds


def _stash(request: HttpRequest, plan: Plan, filename: str, data: bytes, as_of: Period | None) -> str:
    """Keep the previewed file until it is confirmed: in the database (cache "imports"), its token in the session.

    Never on the local disk: with several app servers the confirm may reach another one.
    """
    token = secrets.token_urlsafe(16)
    caches["imports"].set(f"preview:{token}", data, timeout=_STASH_MAX_AGE)
    stash = request.session.get(_STASH_KEY, {})
    stash[token] = {"plan": plan.pk, "filename": filename, "as_of": as_of.code if as_of else ""}
    request.session[_STASH_KEY] = stash
    return token


def _unstash(request: HttpRequest, plan: Plan, token: str) -> tuple[bytes, str, Period | None] | None:
    stash = request.session.get(_STASH_KEY, {})
    entry = stash.pop(token, None) if token.replace("-", "").replace("_", "").isalnum() else None
    request.session[_STASH_KEY] = stash
    if entry is None or entry["plan"] != plan.pk:
        return None
    data = caches["imports"].get(f"preview:{token}")
    caches["imports"].delete(f"preview:{token}")
    if data is None:
        return None
    return data, entry["filename"], Period.parse(entry["as_of"]) if entry["as_of"] else None


UPLOAD_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other form fields


def _body_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    if request.method == "POST" and _body_size(request) > MAX_UPLOAD_BYTES + UPLOAD_FORM_OVERHEAD:
        # Refused before Django parses the body, so an oversized file is never written to disk.
        context = {
            "plan": plan,
            "form": ImportUploadForm(),
            "report": None,
            "token": "",
            "empty_plan": not plan.indicators.exists(),
            "upload_error": FILE_TOO_LARGE,
        }
        return render(request, "indicators/plan_import.html", context)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload.name or "", upload.size or 0)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            data = upload.read()
            as_of = form.cleaned_data["as_of"]
            report = run_import(
                data, user=request.user, filename=upload.name or "", commit=False, plan=plan, as_of=as_of
            )
            if report.ok or report.reading is not None:  # another layout: kept for the user's corrections
                token = _stash(request, plan, upload.name or "", data, as_of)
    return render(request, "indicators/plan_import.html", _import_context(plan, report, token, form))


def _import_context(plan: Plan, report: ImportReport | None, token: str, form: ImportUploadForm) -> dict[str, Any]:
    context = {"plan": plan, "form": form, "report": report, "token": token, "empty_plan": not plan.indicators.exists()}
    reading = report.reading if report is not None else None
    if reading is not None:
        periods = [Period(plan.base_year), *plan_periods(plan.base_year, plan.end_year)]
        context["mapping_options"] = reading.options(periods, plan.end_year)
        context["choice_json"] = reading.choice.to_json()
        context["verdict_differences"] = [v for v in report.verdicts if v.differs] if report else []
    return context


@require_POST
def plan_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    plan = roles.get_plan_for_user(request.user, pk, need=Need.ADMIN)
    stashed = _unstash(request, plan, request.POST.get("token", ""))
    if stashed is None:
        messages.error(request, IMPORT_EXPIRED)
        return redirect("indicators:import", pk=plan.pk)
    data, filename, as_of = stashed
    if request.POST.get("remap"):
        # The user corrected the table or a column's meaning: preview again from the same file.
        corrected = choice_from_form(request.POST)
        report = run_import(
            data, user=request.user, filename=filename, commit=False, plan=plan, as_of=as_of, choice=corrected
        )
        token = _stash(request, plan, filename, data, as_of)
        return render(
            request,
            "indicators/plan_import.html",
            _import_context(plan, report, token, ImportUploadForm()),
        )
    choice = Choice.from_json(request.POST.get("choice", ""))
    report = run_import(data, user=request.user, filename=filename, commit=True, plan=plan, as_of=as_of, choice=choice)
    if not report.committed:
        return render(
            request,
            "indicators/plan_import.html",
            {"plan": plan, "form": ImportUploadForm(), "report": report, "token": "", "empty_plan": False},
        )
    messages.success(request, f"导入完成（{filename}）：{report.summary}。")
    return redirect("indicators:plan", pk=plan.pk)
