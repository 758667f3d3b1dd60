#!/usr/bin/env bash
# Set up (first run only, or after pyproject.toml changes) and start Beacon.
#
#   bash scripts/start.sh
#
# Reads HOST (default 127.0.0.1), PORT (8050), DATABASE_URL (default: SQLite under
# instance/) and SECRET_KEY (default: generated once under instance/) from the environment.
set -euo pipefail

# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
beacon_setup

cd "$BEACON_ROOT"
[[ -f app.py ]] || die "app.py not found in $BEACON_ROOT"

host=${HOST:-127.0.0.1}
port=${PORT:-8050}
case $host in
    0.0.0.0 | "::" | "") url_host=127.0.0.1 ;;
    *:*) url_host="[$host]" ;;
    *) url_host=$host ;;
esac
if port_open 127.0.0.1 "$port" && [[ $url_host == 127.0.0.1 || $url_host == localhost ]]; then
    warn "something already listens on port $port; set PORT=... to use another port"
fi

say "starting Beacon on http://$url_host:$port/  (the first start generates the demo force)"
say "demo logins are in README.md; stop with Ctrl+C"
exec "$BEACON_VENV_PY" app.py
