#!/usr/bin/env bash
# Create .venv and install Beacon with its test extras, skipping the install when
# pyproject.toml has not changed since the last one (stamp: .venv/.beacon-installed).
#
#   bash scripts/setup.sh          # on its own
#   source scripts/setup.sh; beacon_setup   # from start.sh / test.sh
#
# BEACON_PYTHON=/path/to/python3.x picks the interpreter used to create .venv.

# shellcheck source=scripts/_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

BEACON_STAMP="$BEACON_VENV/.beacon-installed"

# Is "$1" a Python >= 3.11?
_py_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

# Print the first Python >= 3.11 found.
find_python() {
    local cand
    for cand in ${BEACON_PYTHON:-} python3.11 python3 python3.13 python3.12; do
        if command -v "$cand" >/dev/null 2>&1 && _py_ok "$cand"; then
            command -v "$cand"
            return 0
        fi
    done
    local seen
    seen=$(python3 -V 2>&1 || echo "no python3 on PATH")
    die "Beacon needs Python 3.11 or newer (found: $seen). On Debian: apt-get install python3 (bookworm ships 3.11); or set BEACON_PYTHON=/path/to/python3.11"
}

_create_venv() {
    local py=$1
    say "creating .venv with $("$py" -V 2>&1) ($py)"
    if "$py" -m venv "$BEACON_VENV"; then
        return 0
    fi
    rm -rf "$BEACON_VENV"   # a failed venv is left half-made (no pip)
    # Debian/Ubuntu split venv/ensurepip out of the interpreter package.
    local real minor pkg
    real=$("$py" -c 'import sys; print(sys.executable)')
    minor=$("$py" -c 'import sys; print(sys.version_info[1])')
    if [[ $real != /usr/bin/* ]] || ! command -v apt-get >/dev/null 2>&1; then
        die "'$py -m venv' failed; install the venv module for $real and re-run"
    fi
    pkg=python3-venv
    if apt-cache show "python3.$minor-venv" >/dev/null 2>&1; then
        pkg="python3.$minor-venv"
    fi
    say "'python3 -m venv' failed: the venv module is missing; installing $pkg"
    if [[ $EUID -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
        die "run as root:  apt-get install -y $pkg   then re-run this command"
    fi
    apt_install "$pkg" || die "could not install $pkg; run:  sudo apt-get install -y $pkg   then re-run"
    "$py" -m venv "$BEACON_VENV" || { rm -rf "$BEACON_VENV"; die "'$py -m venv' still fails after installing $pkg"; }
}

# Everything that should trigger a reinstall when it changes.
_install_key() {
    local h
    if command -v sha256sum >/dev/null 2>&1; then
        h=$(sha256sum "$BEACON_ROOT/pyproject.toml" | cut -d' ' -f1)
    else
        h=$("$BEACON_VENV_PY" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$BEACON_ROOT/pyproject.toml")
    fi
    printf '%s %s %s\n' "$h" "$BEACON_ROOT" "$("$BEACON_VENV_PY" -V 2>&1)"
}

beacon_setup() {
    [[ -f $BEACON_ROOT/pyproject.toml ]] || die "no pyproject.toml in $BEACON_ROOT"

    if [[ -e $BEACON_VENV ]] && ! _py_ok "$BEACON_VENV_PY"; then
        warn ".venv exists but its python is broken or older than 3.11: recreating it"
        rm -rf "$BEACON_VENV"
    fi
    if [[ ! -e $BEACON_VENV ]]; then
        local py
        py=$(find_python) || exit 1
        _create_venv "$py"
    fi

    ensure_pdf_libraries
    local key
    key=$(_install_key)
    if [[ -f $BEACON_STAMP && $(cat "$BEACON_STAMP") == "$key" ]] \
        && "$BEACON_VENV_PY" -c 'import importlib.metadata as m; m.version("beacon")' >/dev/null 2>&1; then
        say "dependencies up to date (.venv, $("$BEACON_VENV_PY" -V 2>&1))"
        return 0
    fi

    if [[ -f $BEACON_STAMP ]]; then
        say "pyproject.toml changed: reinstalling Beacon's dependencies into .venv"
    else
        say "installing Beacon and its dependencies into .venv (30-60 s on a new .venv)"
    fi
    rm -f "$BEACON_STAMP"
    local t0=$SECONDS
    (cd "$BEACON_ROOT" && "$BEACON_VENV_PY" -m pip install -q --progress-bar off -e '.[test]') \
        || die "pip install failed (see above); fix it and re-run"
    printf '%s\n' "$key" >"$BEACON_STAMP"
    say "installed in $((SECONDS - t0)) s"
}

# Run directly (not sourced): do the setup.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    beacon_setup
fi
