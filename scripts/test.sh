#!/usr/bin/env bash
# Run the test suite on SQLite and PostgreSQL.
# PostgreSQL: use PAAS_TEST_DATABASE_URL if set; else the server on 127.0.0.1:5432 (database
# `test`, trust auth); else try to start the machine's cluster; else start a throwaway cluster
# if the PostgreSQL binaries exist. Under CI=true a missing PostgreSQL fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
throwaway=""

cleanup() {
  if [[ -n "$throwaway" ]]; then
    run_pg pg_ctl -D "$throwaway" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$throwaway"
  fi
}
trap cleanup EXIT

run_pg() {  # initdb and postgres refuse to run as root
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local found
  found=$(command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | tail -n 1 || true)
  echo "$found"
}

ready() { "$BIN/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://")
psycopg.connect(url, connect_timeout=3).close()
PY
}

if [[ -z "${PAAS_TEST_DATABASE_URL:-}" ]]; then
  url="postgresql+psycopg://postgres@127.0.0.1:5432/test"
  if ! ready "$url" && [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is down; starting the machine's cluster" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    sleep 2
  fi
  if ! ready "$url"; then
    initdb=$(pg_bin initdb)
    if [[ -n "$initdb" ]]; then
      echo "starting a throwaway PostgreSQL cluster for the tests" >&2
      throwaway=$(mktemp -d /tmp/paas-pg.XXXXXX)
      chmod 777 "$throwaway"
      run_pg "$initdb" -D "$throwaway" -A trust -U postgres >/dev/null
      run_pg "$(pg_bin pg_ctl)" -D "$throwaway" -o "-p 54329 -k $throwaway -c listen_addresses=127.0.0.1" -w start >/dev/null
      run_pg "$(pg_bin createdb)" -h 127.0.0.1 -p 54329 -U postgres test
      url="postgresql+psycopg://postgres@127.0.0.1:54329/test"
    fi
  fi
  if ready "$url"; then
    export PAAS_TEST_DATABASE_URL="$url"
  elif [[ "${CI:-}" == "true" ]]; then
    echo "CI=true and no PostgreSQL could be reached or started: failing" >&2
    exit 1
  else
    echo "WARNING: no PostgreSQL available; running the suite on SQLite only" >&2
  fi
fi

# The dashboard's browser tests drive Debian's Chromium (Playwright cannot download a browser here).
if [[ ! -x /usr/bin/chromium ]]; then
  echo "installing Debian's chromium for the browser tests" >&2
  if [[ $(id -u) -eq 0 ]]; then sudo_cmd=(); else sudo_cmd=(sudo -n); fi
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null \
    || { echo "could not install chromium (apt-get install chromium): the browser tests will fail" >&2; }
fi

echo "PostgreSQL for tests: ${PAAS_TEST_DATABASE_URL:-none}" >&2
"$BIN/python" -m pytest "$@"
