#!/usr/bin/env bash
# Load test on loopback: a fresh PostgreSQL database with the demo data, gunicorn (2 workers, DEBUG off) and
# locust headless (20 users: leaders reading, clerks writing), bounded by LOADTEST_TIME and
# LOADTEST_MAX_REQUESTS. Prints the per-request table (p50/p95/p99) for bench/RESULTS.md.
#   LOADTEST_DB=wolong_load LOADTEST_PORT=8014 bench/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${LOADTEST_DB:-wolong_load}
PORT=${LOADTEST_PORT:-8014}
USERS=${LOADTEST_USERS:-20}
TIME=${LOADTEST_TIME:-120s}
export LOADTEST_MAX_REQUESTS=${LOADTEST_MAX_REQUESTS:-6000}
OUT=${LOADTEST_OUT:-artifacts/loadtest}
mkdir -p "$OUT"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export DEBUG=0 HTTPS=0 ALLOWED_HOSTS=127.0.0.1 SECURE_COOKIES=0
export SECRET_KEY="loadtest-only-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')"
export GUNICORN_BIND="127.0.0.1:${PORT}" GUNICORN_WORKERS=2 LOGIN_FAILURE_LIMIT=1000

psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS ${DB} WITH (FORCE);" \
  -c "CREATE DATABASE ${DB};"
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py seed_demo --demo-accounts > /dev/null
.venv/bin/python manage.py collectstatic --no-input -v 0

.venv/bin/gunicorn --config gunicorn.conf.py --access-logfile /dev/null > "$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fs -o /dev/null "http://127.0.0.1:${PORT}/accounts/login/" && break; sleep 1; done

.venv/bin/locust -f bench/locustfile.py --headless --host "http://127.0.0.1:${PORT}" \
  --users "$USERS" --spawn-rate 5 --run-time "$TIME" --stop-timeout 10 \
  --csv "$OUT/locust" --only-summary > "$OUT/locust.log" 2>&1 || true

.venv/bin/python - "$OUT/locust_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
print("| request | count | failures | p50 ms | p95 ms | p99 ms | max ms |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in rows:
    name = "**all**" if r["Name"] == "Aggregated" else f"{r['Type']} {r['Name']}"
    print(f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} |")
PY
grep -c " 500 \|Traceback" "$OUT/gunicorn.log" | sed 's/^/server errors in the gunicorn log: /' || true
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS ${DB} WITH (FORCE);"
