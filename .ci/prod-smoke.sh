#!/usr/bin/env bash
# CI's production job (docs/deploy.md, "From an empty machine to a running service"): the
# production path started as a force would run it, then driven by .ci/prod_smoke.py.
#
#   PostgreSQL: a fresh database with the owner and application roles (create_db_roles);
#   Redis: the cache (and, with SMOKE_TASKS_BACKEND=rq, the task queue);
#   S3: moto's server mode on a free port, with a bucket made here;
#   deploy/release.sh: migrations as the owner, the cache table, collectstatic, check --deploy;
#   a member of staff and a piece of footage (manage.py shell, production settings);
#   the Procfile's web (gunicorn), worker and scheduler under honcho, production settings.
#
# Everything it starts and makes (processes, database, roles, Redis keys, files) is removed
# on exit, failed or not.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
PY=${PY:-.venv/bin/python}
BIN=$(cd "$(dirname "$PY")" && pwd)
export PATH="$BIN:$PATH"
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_DB=${SMOKE_REDIS_DB:-13}
DB="drachma_smoke_$$"
OWNER="drachma_smoke_owner_$$"
APP="drachma_smoke_app_$$"
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  status=$?
  for pid in "${PIDS[@]}"; do
    # Each was started in its own process group (setsid): the group goes with it.
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/*.log; do
      [ -f "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 40 "$log"; }
    done
  fi
  psql -h "$PGHOST" -p "$PGPORT" -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
    -c "DROP ROLE IF EXISTS $APP" -c "DROP ROLE IF EXISTS $OWNER" >/dev/null 2>&1 || true
  redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT INT TERM

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
S3_PORT=$(free_port)
WEB_PORT=$(free_port)

# --- the S3-compatible store -------------------------------------------------------------------
setsid "$BIN/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$WORK/s3.log" 2>&1 &
PIDS+=($!)

# --- production's environment -----------------------------------------------------------------
mkdir -p "$WORK/var" "$WORK/keys" "$WORK/anchors"
"$PY" -c 'import secrets; print(secrets.token_hex(32))' >"$WORK/keys/audit.key"
export DRACHMA_ENV=production
export DRACHMA_VAR_DIR="$WORK/var"
export DRACHMA_SECRET_KEY; DRACHMA_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DRACHMA_ADDRESS_KEY; DRACHMA_ADDRESS_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DRACHMA_AUDIT_KEY_FILE="$WORK/keys/audit.key"
export DRACHMA_AUDIT_ANCHOR_PATH="$WORK/anchors/drachma-anchors.log"
export DRACHMA_ALLOWED_HOSTS=127.0.0.1,localhost
export DRACHMA_CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$WEB_PORT"
export DRACHMA_PROXY_SSL_HEADER=X-Forwarded-Proto
export DRACHMA_CLIENT_IP_HEADER=X-Forwarded-For
export DRACHMA_REQUEST_ID_HEADER=X-Request-ID
export DATABASE_URL="postgres://$APP@$PGHOST:$PGPORT/$DB"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export DRACHMA_TASKS_BACKEND=${SMOKE_TASKS_BACKEND:-database}
export DRACHMA_EVIDENCE_STORAGE=s3
export DRACHMA_S3_BUCKET=drachma-smoke-evidence
export DRACHMA_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export DRACHMA_S3_REGION=eu-west-2
export DRACHMA_S3_ACCESS_KEY_ID=smoke-access-key
export DRACHMA_S3_SECRET_ACCESS_KEY=smoke-secret-key
export DRACHMA_S3_ADDRESSING_STYLE=path
export DRACHMA_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export DRACHMA_METRICS_TOKEN; DRACHMA_METRICS_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
export DRACHMA_STATIC_ROOT="$WORK/static"
export GUNICORN_BIND="127.0.0.1:$WEB_PORT"
export GUNICORN_WORKERS=2
export PROMETHEUS_MULTIPROC_DIR="$WORK/metrics"
redis-cli -n "$REDIS_DB" flushdb >/dev/null

# The bucket (versioned, as docs/deploy.md asks), once moto answers.
"$PY" - <<'PYTHON'
import os, time
import boto3
s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["DRACHMA_S3_ENDPOINT_URL"],
    region_name=os.environ["DRACHMA_S3_REGION"],
    aws_access_key_id=os.environ["DRACHMA_S3_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["DRACHMA_S3_SECRET_ACCESS_KEY"],
)
for _ in range(100):
    try:
        s3.list_buckets()
        break
    except Exception:
        time.sleep(0.2)
bucket = os.environ["DRACHMA_S3_BUCKET"]
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": os.environ["DRACHMA_S3_REGION"]})
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
print(f"S3: bucket {bucket} at {os.environ['DRACHMA_S3_ENDPOINT_URL']}")
PYTHON

# --- the database, its roles, the release steps -------------------------------------------------
psql -h "$PGHOST" -p "$PGPORT" -U postgres -qc "CREATE DATABASE $DB"
DATABASE_URL="postgres://postgres@$PGHOST:$PGPORT/$DB" "$PY" manage.py create_db_roles \
  --owner "$OWNER" --app "$APP" >"$WORK/release.log"
DATABASE_OWNER_URL="postgres://$OWNER@$PGHOST:$PGPORT/$DB" PY="$PY" deploy/release.sh >>"$WORK/release.log" 2>&1
echo "Release steps: $(( $(date +%s) - started )) s"
# A member of staff and a piece of footage, made as an administrator would (docs/deploy.md,
# step 8), on production settings. (The whole demo data set takes minutes to load; .ci/run
# loads it on the roles database with the development settings, which seed_demo requires.)
export SMOKE_PASSWORD; SMOKE_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
# Every role passes a second factor: the smoke user's authenticator key.
export SMOKE_TOTP_KEY; SMOKE_TOTP_KEY=$("$PY" -c 'import secrets; print(secrets.token_hex(20))')
"$PY" manage.py shell -c "
import os
from django.utils import timezone
from drachma.audit.context import acting_as
from django_otp.plugins.otp_totp.models import TOTPDevice
from drachma.accounts.services import create_user
from drachma.takedown.services import create_content_item
with acting_as(label='prod-smoke setup'):
    user = create_user(username='smoke_investigator', password=os.environ['SMOKE_PASSWORD'],
                       roles=['investigator'], first_name='Smoke', last_name='Test')
    TOTPDevice.objects.create(user=user, name='smoke', key=os.environ['SMOKE_TOTP_KEY'],
                              confirmed=True)
    item = create_content_item(user=user, url='https://video.example/watch/smoke',
                               platform='youtube', first_seen_at=timezone.now())
print('Staff user and footage', item.reference)
" >"$WORK/setup.log" 2>&1
echo "Setup: $(( $(date +%s) - started )) s"

# --- the processes (the Procfile, under honcho) ------------------------------------------------
setsid "$BIN/honcho" start -f Procfile >"$WORK/processes.log" 2>&1 &
PIDS+=($!)

"$PY" .ci/prod_smoke.py "http://127.0.0.1:$WEB_PORT"
# The processes wrote JSON lines with the request ids.
grep -q '"logger": "gunicorn.access"' "$WORK/processes.log"
echo "Production smoke test: $(( $(date +%s) - started )) s in all"
