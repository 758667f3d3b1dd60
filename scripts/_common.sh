# shellcheck shell=bash
# Shared helpers for scripts/setup.sh, scripts/start.sh, scripts/test.sh and .ci/run.
# Source it; it defines functions and BEACON_ROOT and changes no shell options.

BEACON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BEACON_VENV="$BEACON_ROOT/.venv"
BEACON_VENV_PY="$BEACON_VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1

say()  { printf '[beacon] %s\n' "$*"; }
warn() { printf '[beacon] WARNING: %s\n' "$*" >&2; }
die()  { printf '[beacon] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when root, through sudo when it exists.
# Otherwise print the exact command for the user and return 1.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        say "running with sudo: $*"
        sudo "$@"
    else
        warn "this step needs root and sudo is not installed; as root, run:  $*"
        return 1
    fi
}

_BEACON_APT_UPDATED=0
# apt_install PKG...: apt-get update (once per run) then install, non-interactively.
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        warn "apt-get not found (not Debian/Ubuntu?): install these packages yourself: $*"
        return 1
    fi
    if [[ $_BEACON_APT_UPDATED -eq 0 ]]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
        _BEACON_APT_UPDATED=1
    fi
    say "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# ensure_pdf_libraries: the Pango libraries WeasyPrint draws the monthly pack's PDF with.
ensure_pdf_libraries() {
    command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: the pip install says what is missing
    local pkg missing=()
    for pkg in libpango-1.0-0 libpangoft2-1.0-0; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    say "the monthly pack's PDF needs ${missing[*]}: installing"
    apt_install "${missing[@]}" || warn "could not install ${missing[*]}; the PDF pack will fail until they are installed"
}

# ---------------------------------------------------------------- PostgreSQL server

# Is something accepting TCP connections on HOST PORT?
port_open() {
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

# wait_for_port PORT SECONDS: 0 as soon as something listens on 127.0.0.1:PORT, 1 after SECONDS without.
wait_for_port() {
    local i
    for i in $(seq 1 "$2"); do
        port_open 127.0.0.1 "$1" && return 0
        sleep 1
    done
    return 1
}

pg_server_installed() {
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# Print "VERSION CLUSTER" of the Debian cluster configured for PORT (empty if none).
pg_cluster_for_port() {
    local port=$1 found=""
    if command -v pg_lsclusters >/dev/null 2>&1; then
        found=$(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p { print $1, $2; exit }')
    fi
    if [[ -z $found && $port == 5432 && -d /etc/postgresql ]]; then
        local ver
        ver=$(ls /etc/postgresql 2>/dev/null | head -1)
        [[ -n $ver && -d /etc/postgresql/$ver/main ]] && found="$ver main"
    fi
    printf '%s' "$found"
}

# Start the local cluster that serves PORT; create one if the server has no cluster at all.
pg_start_local() {
    local port=${1:-5432} ver cluster vc
    vc=$(pg_cluster_for_port "$port")
    if [[ -z $vc ]]; then
        if [[ -n $(ls /etc/postgresql 2>/dev/null) ]]; then
            warn "PostgreSQL clusters exist but none is configured for port $port; not creating another"
            return 1
        fi
        ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
        [[ -n $ver ]] || return 1
        say "no PostgreSQL cluster yet: pg_createcluster -p $port $ver main"
        as_root pg_createcluster -p "$port" "$ver" main || return 1
        vc="$ver main"
    fi
    read -r ver cluster <<<"$vc"
    say "starting PostgreSQL cluster $ver/$cluster (port $port)"
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1 \
        && as_root systemctl start "postgresql@$ver-$cluster" 2>/dev/null; then
        :
    elif as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start; then
        :
    else
        as_root service postgresql start || return 1
    fi
    wait_for_port "$port" 30 && return 0
    warn "PostgreSQL was started but nothing listens on 127.0.0.1:$port after 30 s"
    return 1
}

# Make sure a PostgreSQL server is installed and listening on 127.0.0.1:PORT.
# Returns 1 (after printing why) when that could not be done.
pg_ensure_local_server() {
    local port=${1:-5432}
    port_open 127.0.0.1 "$port" && return 0
    if ! pg_server_installed; then
        say "PostgreSQL is not installed: installing it"
        apt_install postgresql || return 1
        # On a machine with systemd the package starts the server itself.
        wait_for_port "$port" 5 && return 0
    fi
    pg_start_local "$port"
}

# ---------------------------------------------------------------- Redis server

# Make sure a Redis server answers on 127.0.0.1:PORT: install Debian's redis-server if needed and
# start one without persistence (the tests' cache needs nothing kept). Returns 1 when that failed.
redis_ensure_local_server() {
    local port=${1:-6379}
    port_open 127.0.0.1 "$port" && return 0
    if ! command -v redis-server >/dev/null 2>&1; then
        say "Redis is not installed: installing redis-server"
        apt_install redis-server || return 1
        # On a machine with systemd the package starts the server itself.
        wait_for_port "$port" 5 && return 0
    fi
    say "starting redis-server on 127.0.0.1:$port (no persistence)"
    redis-server --daemonize yes --save '' --appendonly no --bind 127.0.0.1 --port "$port" >/dev/null \
        || return 1
    wait_for_port "$port" 30 && return 0
    warn "redis-server was started but nothing listens on 127.0.0.1:$port after 30 s"
    return 1
}
