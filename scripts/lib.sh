# shellcheck shell=bash
# Helpers shared by scripts/run.sh, scripts/test.sh and scripts/with-pg.sh: installing missing
# Debian packages (as root) and a throwaway PostgreSQL server for the tests.

DEFAULT_FONT=/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf
AXE_VERSION=4.10.2
REDOCLY_VERSION=2.77.0 # scripts/test.sh lints web/openapi.yaml with it

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# install_packages PKG... installs Debian packages with apt (apt-get update first). Without root
# it says what is missing and returns 1.
install_packages() {
	[ $# -eq 0 ] && return 0
	if ! is_root; then
		warn "missing: $* — run this script as root (sudo) to install them with apt"
		return 1
	fi
	if ! command -v apt-get >/dev/null; then
		warn "missing: $* — no apt-get on this machine: install them yourself"
		return 1
	fi
	log "installing with apt: $*"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# need_go checks the Go toolchain (the go line of go.mod) and a C compiler (mattn/go-sqlite3 is
# cgo), installing gcc when missing.
need_go() {
	command -v go >/dev/null || die "Go is not installed: install Go $(awk '/^go /{print $2}' go.mod) or newer from https://go.dev/dl/ and put it on PATH"
	if ! command -v gcc >/dev/null; then
		install_packages gcc libc6-dev || die "a C compiler is needed to build SQLite (cgo)"
	fi
}

# pg_bin is the bin directory of the newest installed PostgreSQL, or empty.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PG_DIR=""

# start_pg starts a throwaway PostgreSQL on a free port (from FOIDESK_PG_PORT, default 55432) and
# exports FOIDESK_TEST_PG; a FOIDESK_TEST_PG given by the caller is kept as it is. Without
# PostgreSQL it warns and exports nothing (the tests then run on SQLite only, unless CI is set).
start_pg() {
	if [ -n "${FOIDESK_TEST_PG:-}" ]; then
		log "PostgreSQL given: FOIDESK_TEST_PG is set"
		return 0
	fi
	local bin port run
	bin=$(pg_bin)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
		warn "PostgreSQL is not installed: the PostgreSQL tests are skipped"
		return 0
	fi
	port=${FOIDESK_PG_PORT:-55432}
	while port_in_use "$port"; do port=$((port + 1)); done
	PG_DIR=$(mktemp -d /tmp/foidesk-pg.XXXXXX)
	run=()
	if is_root; then
		chown postgres "$PG_DIR"
		run=(runuser -u postgres --)
	fi
	"${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	"${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
		-o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
	export FOIDESK_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	log "throwaway PostgreSQL on port $port ($PG_DIR)"
}

# stop_pg stops and removes the server start_pg started.
stop_pg() {
	[ -n "$PG_DIR" ] || return 0
	local run=()
	is_root && run=(runuser -u postgres --)
	"${run[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
	PG_DIR=""
}
