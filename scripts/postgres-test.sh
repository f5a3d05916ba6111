#!/usr/bin/env bash
# A throw-away PostgreSQL server for the credential store's PostgreSQL tests (issue #4).
#   scripts/postgres-test.sh start   # install if missing, init once, start, create db/user (idempotent)
#   scripts/postgres-test.sh stop    # stop it (idempotent)
#   scripts/postgres-test.sh status
# Listens on 127.0.0.1:${OPENMCIM_PG_PORT:-55432} only (no other interface, not the default port).
# Tests connect to jdbc:postgresql://127.0.0.1:55432/openmcim_test as openmcim_test/openmcim_test
# and are skipped when nothing answers there.
set -euo pipefail

port="${OPENMCIM_PG_PORT:-55432}"
data="${OPENMCIM_PG_DIR:-/tmp/openmcim-pg-$port}"
db=openmcim_test
user=openmcim_test
password=openmcim_test

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [[ -n "$d" && -x "$d/pg_ctl" ]] && echo "$d"
}

# initdb and the server refuse to run as root: use the package's postgres account then.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_if_missing() {
  if [[ -z "$(pg_bin)" ]]; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "postgres-test: PostgreSQL is not installed; run as root or: apt-get install postgresql" >&2
      exit 1
    fi
    echo "postgres-test: installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
}

running() {
  local bin; bin=$(pg_bin) || return 1
  [[ -f "$data/PG_VERSION" ]] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

psql_admin() {
  as_pg "$(pg_bin)/psql" -h "$data" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
}

start() {
  install_if_missing
  local bin; bin=$(pg_bin)
  if [[ ! -f "$data/PG_VERSION" ]]; then
    mkdir -p "$data"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$data"
    chmod 700 "$data"
    # Unix socket: trust (only this machine's accounts); TCP: password (SCRAM).
    as_pg "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
  fi
  if ! running; then
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data -c fsync=off" start >/dev/null
  fi
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" ]]; then
    psql_admin -c "CREATE ROLE $user LOGIN PASSWORD '$password'"
  fi
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
    psql_admin -c "CREATE DATABASE $db OWNER $user"
  fi
  echo "postgres-test: running on 127.0.0.1:$port (data $data), database $db, user $user"
}

stop() {
  if running; then
    as_pg "$(pg_bin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    echo "postgres-test: stopped"
  else
    echo "postgres-test: not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "postgres-test: running on 127.0.0.1:$port"; else echo "postgres-test: not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
