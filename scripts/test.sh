#!/usr/bin/env bash
# Set up everything the tests need and run the whole suite, browser tests included.
#
#   bash scripts/test.sh              # every test
#   bash scripts/test.sh -k login -x  # arguments go to pytest
#
# Installs (Debian, via apt-get) what is missing: chromium + chromium-driver for the
# browser tests, a PostgreSQL server for the PostgreSQL tests, poppler-utils (pdftotext) for the
# PDF pack's tests, and haproxy for the test of two hosts behind a load balancer.
#   BEACON_TEST_PG_URL   default postgresql://postgres@127.0.0.1:5432/test;
#                        set it to "" to skip the PostgreSQL tests (not allowed when CI=true)
#   BEACON_TEST_REDIS_URL default redis://127.0.0.1:6379/15 (a local redis-server is installed and
#                        started when none answers); "" skips the Redis tests (not allowed when CI=true)
#   BEACON_CHROMIUM      default /usr/bin/chromium
# Fetches a pinned axe-core from the npm registry once into .cache/axe/ (git-ignored) for the
# accessibility tests, installing Debian's nodejs and npm when npm is missing.
set -euo pipefail

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
beacon_setup
cd "$BEACON_ROOT"

is_ci() { [[ ${CI:-} == true || ${CI:-} == 1 ]]; }

# ---------------------------------------------------------------- Chromium

ensure_chromium() {
    if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
        say "chromium/chromedriver missing: installing Debian's chromium and chromium-driver"
        apt_install chromium chromium-driver \
            || die "could not install chromium; run:  sudo apt-get install -y chromium chromium-driver"
    fi
    export BEACON_CHROMIUM=${BEACON_CHROMIUM:-/usr/bin/chromium}
    [[ -x $BEACON_CHROMIUM ]] || die "BEACON_CHROMIUM=$BEACON_CHROMIUM is not an executable"

    # dash[testing]'s selenium takes the first chromedriver on PATH.
    local driver cv dv
    driver=$(command -v chromedriver || true)
    [[ -n $driver ]] || die "chromedriver is not on PATH (PATH=$PATH); /usr/bin must be on it"
    if [[ $driver != /usr/bin/chromedriver ]]; then
        warn "the chromedriver on PATH is $driver, not /usr/bin/chromedriver: it must match $BEACON_CHROMIUM"
    fi
    cv=$("$BEACON_CHROMIUM" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9.]+' | head -1 || true)
    dv=$("$driver" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9.]+' | head -1 || true)
    say "browser: chromium $cv, chromedriver $dv ($driver)"
    if [[ -n $cv && -n $dv && ${cv%%.*} != "${dv%%.*}" ]]; then
        warn "chromium ($cv) and chromedriver ($dv) major versions differ: browser tests will fail"
    fi
}

# ---------------------------------------------------------------- axe-core

# The accessibility tests read .cache/axe/package/axe.min.js; fetched once, so test runs need no internet.
AXE_VERSION=4.10.3
ensure_axe() {
    local dir=$BEACON_ROOT/.cache/axe
    if [[ -f $dir/package/axe.min.js && $(cat "$dir/.version" 2>/dev/null) == "$AXE_VERSION" ]]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        say "npm missing: installing Debian's nodejs and npm to fetch axe-core"
        apt_install nodejs npm || die "could not install npm; run:  sudo apt-get install -y nodejs npm"
    fi
    say "fetching axe-core $AXE_VERSION from the npm registry into .cache/axe/"
    rm -rf "$dir"
    mkdir -p "$dir"
    local tgz
    tgz=$(cd "$dir" && npm pack --silent "axe-core@$AXE_VERSION") \
        || die "npm pack axe-core@$AXE_VERSION failed (no network?); the accessibility tests need it once"
    tar -xzf "$dir/$tgz" -C "$dir" package/axe.min.js package/package.json package/LICENSE \
        || die "could not unpack $dir/$tgz"
    rm -f "$dir/$tgz"
    printf '%s\n' "$AXE_VERSION" >"$dir/.version"
}

# ---------------------------------------------------------------- PostgreSQL

# pg_probe URL check|createdb|parse
#   check:    prints ok | auth | nodb | down | error  (details on stderr)
#   createdb: creates the URL's database (connecting to the "postgres" database)
#   parse:    prints "host port dbname user"
pg_probe() {
    "$BEACON_VENV_PY" - "$@" <<'PY'
import sys

import psycopg
from psycopg import conninfo, sql

url, mode = sys.argv[1], sys.argv[2]
params = conninfo.conninfo_to_dict(url)
if mode == "parse":
    print(params.get("host") or "127.0.0.1", params.get("port") or "5432",
          params.get("dbname") or "test", params.get("user") or "postgres")
    sys.exit(0)
try:
    if mode == "check":
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("select 1")
        print("ok")
    elif mode == "createdb":
        db = params.get("dbname") or "test"
        admin = conninfo.make_conninfo(url, dbname="postgres", connect_timeout=5)
        with psycopg.connect(admin, autocommit=True) as conn:
            if conn.execute("select 1 from pg_database where datname = %s", (db,)).fetchone() is None:
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(db)))
        print("ok")
except psycopg.Error as exc:
    msg = str(exc).strip()
    low = msg.lower()
    if "does not exist" in low and "database" in low:
        kind = "nodb"
    elif "password" in low or "pg_hba.conf" in low or "authentication" in low:
        kind = "auth"
    elif "connection refused" in low or "timeout" in low or "could not connect" in low:
        kind = "down"
    else:
        kind = "error"
    print(kind)
    print(msg, file=sys.stderr)
    sys.exit(1)
PY
}

# Let every role connect without a password over TCP from the loopback addresses of
# the local cluster on PORT, by adding two trust lines at the top of its pg_hba.conf.
pg_trust_loopback() {
    local port=$1 vc ver cluster hba tmp
    vc=$(pg_cluster_for_port "$port")
    [[ -n $vc ]] || { warn "no local Debian cluster on port $port to configure"; return 1; }
    read -r ver cluster <<<"$vc"
    hba=/etc/postgresql/$ver/$cluster/pg_hba.conf
    as_root test -f "$hba" || { warn "$hba not found"; return 1; }
    tmp=$(mktemp)
    as_root cat "$hba" >"$tmp" || { rm -f "$tmp"; return 1; }
    if grep -qE '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$tmp" \
        && [[ $(grep -vE '^[[:space:]]*(#|$)' "$tmp" | head -1) =~ ^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust ]]; then
        rm -f "$tmp"
        warn "$hba already trusts 127.0.0.1; the connection fails for another reason"
        return 1
    fi
    {
        echo "# Added by Beacon's scripts/test.sh: passwordless TCP from loopback for the local test cluster"
        echo "host all all 127.0.0.1/32 trust"
        echo "host all all ::1/128 trust"
        cat "$tmp"
    } >"$tmp.new"
    as_root cp -n "$hba" "$hba.beacon-backup" 2>/dev/null || true
    as_root cp "$tmp.new" "$hba" || { rm -f "$tmp" "$tmp.new"; return 1; }
    rm -f "$tmp" "$tmp.new"
    say "CHANGED $hba: added at the top"
    say "    host all all 127.0.0.1/32 trust"
    say "    host all all ::1/128 trust"
    say "  (original kept as $hba.beacon-backup); reloading PostgreSQL $ver/$cluster"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" reload \
        || as_root runuser -u postgres -- psql -q -p "$port" -c 'select pg_reload_conf()' >/dev/null \
        || return 1
    sleep 1
}

pg_unavailable() {
    if is_ci; then
        die "PostgreSQL at ${BEACON_TEST_PG_URL:-<unset>} is unreachable ($*); CI must run the PostgreSQL tests"
    fi
    warn "PostgreSQL is not available ($*): the PostgreSQL tests will be SKIPPED."
    warn "To run them: install/start PostgreSQL or set BEACON_TEST_PG_URL=postgresql://user@host:port/db"
    unset BEACON_TEST_PG_URL
}

ensure_postgres() {
    if [[ -z ${BEACON_TEST_PG_URL+set} ]]; then
        export BEACON_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/test
    fi
    if [[ -z $BEACON_TEST_PG_URL ]]; then
        pg_unavailable "BEACON_TEST_PG_URL is set to an empty value"
        return 0
    fi
    local host port db user local_pg=0 status i
    read -r host port db user < <(pg_probe "$BEACON_TEST_PG_URL" parse) \
        || die "cannot parse BEACON_TEST_PG_URL=$BEACON_TEST_PG_URL"
    case $host in 127.0.0.1 | localhost | ::1) local_pg=1 ;; esac

    status=$(pg_probe "$BEACON_TEST_PG_URL" check 2>/dev/null || true)
    if [[ $status != ok && $local_pg == 1 ]]; then
        if ! pg_ensure_local_server "$port"; then
            pg_unavailable "could not install or start a local PostgreSQL server on port $port"
            return 0
        fi
        for i in 1 2 3; do
            status=$(pg_probe "$BEACON_TEST_PG_URL" check 2>/dev/null || true)
            case $status in
                auth) pg_trust_loopback "$port" || break ;;
                nodb)
                    say "creating database \"$db\""
                    pg_probe "$BEACON_TEST_PG_URL" createdb >/dev/null \
                        || as_root runuser -u postgres -- createdb -p "$port" "$db" \
                        || break
                    ;;
                *) break ;;
            esac
        done
        status=$(pg_probe "$BEACON_TEST_PG_URL" check 2>/dev/null || true)
    fi
    if [[ $status == ok ]]; then
        say "PostgreSQL tests use $BEACON_TEST_PG_URL"
    else
        local why
        why=$(pg_probe "$BEACON_TEST_PG_URL" check 2>&1 >/dev/null | head -3 | tr '\n' ' ' || true)
        pg_unavailable "${status:-error}: ${why:-no details}"
    fi
}

# ---------------------------------------------------------------- Redis

redis_unavailable() {
    if is_ci; then
        die "Redis for the tests is unavailable ($*); CI must run the Redis tests"
    fi
    warn "Redis is not available ($*): the Redis tests will be SKIPPED."
    warn "To run them: install/start redis-server or set BEACON_TEST_REDIS_URL=redis://host:port/db"
    unset BEACON_TEST_REDIS_URL
}

ensure_redis() {
    if [[ -z ${BEACON_TEST_REDIS_URL+set} ]]; then
        export BEACON_TEST_REDIS_URL=redis://127.0.0.1:6379/15
    fi
    if [[ -z $BEACON_TEST_REDIS_URL ]]; then
        redis_unavailable "BEACON_TEST_REDIS_URL is set to an empty value"
        return 0
    fi
    local status
    status=$("$BEACON_VENV_PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping(); print("ok")' \
        "$BEACON_TEST_REDIS_URL" 2>/dev/null || true)
    if [[ $status != ok && $BEACON_TEST_REDIS_URL =~ ^redis://(127\.0\.0\.1|localhost)(:([0-9]+))?(/|$) ]]; then
        redis_ensure_local_server "${BASH_REMATCH[3]:-6379}" \
            || { redis_unavailable "could not install or start a local redis-server"; return 0; }
        status=$("$BEACON_VENV_PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping(); print("ok")' \
            "$BEACON_TEST_REDIS_URL" 2>/dev/null || true)
    fi
    if [[ $status == ok ]]; then
        say "Redis tests use $BEACON_TEST_REDIS_URL"
    else
        redis_unavailable "no answer from $BEACON_TEST_REDIS_URL"
    fi
}

ensure_pdftotext() {
    command -v pdftotext >/dev/null 2>&1 && return 0
    say "pdftotext missing: installing Debian's poppler-utils (the PDF pack's tests read its text)"
    apt_install poppler-utils || die "could not install poppler-utils; run:  sudo apt-get install -y poppler-utils"
}

# tests/web/test_two_hosts.py runs two gunicorn hosts behind Debian's haproxy (docs/haproxy.cfg).
ensure_haproxy() {
    command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] && return 0
    say "haproxy missing: installing Debian's haproxy (the two-host test balances two hosts with it)"
    apt_install haproxy || die "could not install haproxy; run:  sudo apt-get install -y haproxy"
}

ensure_chromium
ensure_axe
ensure_postgres
ensure_redis
ensure_pdftotext
ensure_haproxy

say "running: python -m pytest $*"
set +e
"$BEACON_VENV_PY" -m pytest "$@"
rc=$?
set -e
if [[ $rc -eq 5 ]]; then
    echo "[beacon] ERROR: pytest collected no tests (exit 5): treated as a failure" >&2
fi
exit "$rc"
