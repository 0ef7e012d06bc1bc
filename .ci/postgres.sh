#!/usr/bin/env bash
# Start a PostgreSQL server on loopback for the storage tests, installing it from Debian's
# packages when it is missing. Prints the database URL on success; prints nothing and
# exits non-zero when no server can be started (the tests then skip, saying why).
set -u
log=$(mktemp)
{
  if [ ! -d /usr/lib/postgresql ] || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main
  pg_ctlcluster "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || exit 1
  su postgres -c "psql -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'triage') THEN CREATE ROLE triage LOGIN SUPERUSER PASSWORD 'triage'; END IF; END \\\$\\\$;\""
  su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname = 'triage_test'\"" | grep -q 1 \
    || su postgres -c "createdb -O triage triage_test"
} >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"
echo "postgresql+psycopg://triage:triage@127.0.0.1:5432/triage_test"
