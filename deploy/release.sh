#!/usr/bin/env bash
# The deploy steps of a release, run once before the processes (re)start (docs/deploy.md):
# migrations as the database's owner (DATABASE_OWNER_URL), the cache table, the static files
# for WhiteNoise, and Django's deployment checks. The processes themselves never migrate.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python}
: "${DATABASE_OWNER_URL:?set DATABASE_OWNER_URL (the owner role) for the migrations}"
$PY manage.py migrate --noinput
$PY manage.py createcachetable
DATABASE_OWNER_URL= $PY manage.py collectstatic --noinput --verbosity 0
DATABASE_OWNER_URL= $PY manage.py check --deploy --fail-level WARNING
