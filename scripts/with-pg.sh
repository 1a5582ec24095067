#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL: FOIDESK_TEST_PG is exported for it and the server
# is stopped afterwards. Example: bash scripts/with-pg.sh go test ./store/...
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

[ $# -gt 0 ] || die "usage: bash scripts/with-pg.sh COMMAND [ARGS...]"
trap stop_pg EXIT
trap 'exit 130' INT TERM
start_pg
[ -n "${FOIDESK_TEST_PG:-}" ] || die "no PostgreSQL: install the postgresql package (as root: apt-get install postgresql)"
rc=0
"$@" || rc=$?
exit "$rc"
