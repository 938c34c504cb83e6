"""The documented backup (pg_dump -Fc) restores into a fresh database with identical verdicts and an identical
附件1 workbook. PostgreSQL only; skipped on SQLite or without pg_dump/pg_restore."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2023H1"

pytestmark = [
    pytest.mark.skipif(
        shutil.which("pg_dump") is None or shutil.which("pg_restore") is None, reason="pg_dump/pg_restore missing"
    ),
]


def _url(settings: dict, name: str) -> str:
    user, host, port = settings.get("USER") or "postgres", settings.get("HOST") or "127.0.0.1", settings.get("PORT")
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port or 5432}/{name}"


def _pg_env(settings: dict) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=settings.get("HOST") or "127.0.0.1", PGPORT=str(settings.get("PORT") or 5432))
    env["PGUSER"] = settings.get("USER") or "postgres"
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def _manage(database_url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DB_CONN_MAX_AGE": "0"}
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _workbook_parts(path: Path) -> dict[str, bytes]:
    """Every part of the .xlsx except the document properties, which carry the time of writing."""
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.django_db(transaction=True)
def test_dump_and_restore_give_identical_verdicts_and_workbook(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are PostgreSQL's (pg_dump/pg_restore)")
    call_command("seed_demo", stdout=io.StringIO())
    settings = connection.settings_dict
    source, restored = settings["NAME"], f"{settings['NAME']}_restore"
    env = _pg_env(settings)
    dump = tmp_path / "wolong.dump"

    # the procedure of README (备份与恢复), step by step
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), source], env=env, check=True, timeout=120)
    subprocess.run(["dropdb", "--if-exists", "--force", restored], env=env, check=True, timeout=60)
    subprocess.run(["createdb", restored], env=env, check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump)],
            env=env,
            check=True,
            timeout=120,
        )
        results = {}
        for name in (source, restored):
            url = _url(settings, name)
            verdicts = json.loads(_manage(url, "evaluate", "--plan", "十四五", "--as-of", AS_OF, "--json"))
            workbook = tmp_path / f"{name}.xlsx"
            _manage(url, "export_appendix", "--plan", "十四五", "--as-of", AS_OF, "-o", str(workbook))
            results[name] = (verdicts, _workbook_parts(workbook))
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", restored], env=env, check=False, timeout=60)

    (source_verdicts, source_parts), (restored_verdicts, restored_parts) = results[source], results[restored]
    assert source_verdicts and restored_verdicts == source_verdicts
    assert restored_parts == source_parts
