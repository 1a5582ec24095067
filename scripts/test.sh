#!/usr/bin/env bash
# Runs the whole test suite: go vet and go test on SQLite, PostgreSQL, the PDF checks (poppler)
# and the browser checks (Chromium with axe-core). As root it first installs what is missing with
# apt; it starts a throwaway PostgreSQL and stops it on exit. Prints the elapsed time; exits with
# go test's code (or 1 when the tests pass but go vet or the OpenAPI lint failed).
#   bash scripts/test.sh                 the whole suite
#   bash scripts/test.sh -run X ./store  go test with these arguments instead of ./... (no vet)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

started=$(date +%s)
need_go

missing=()
[ -f "$DEFAULT_FONT" ] || missing+=(fonts-lxgw-wenkai)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ -n "$(pg_bin)" ] || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
pkg_installed fonts-noto-cjk || missing+=(fonts-noto-cjk)
# Node.js >= 20.19 with npm/npx: axe-core and the OpenAPI lint (Redocly CLI).
node_ok() { command -v npx >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; }
node_ok || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
	install_packages "${missing[@]}" || warn "tests needing ${missing[*]} will be skipped (or fail when CI is set)"
fi

# axe-core for the accessibility checks, pinned, in a git-ignored cache outside the module.
axe=$PWD/.cache/npm/node_modules/axe-core/axe.min.js
if [ ! -f "$axe" ] || ! grep -q "axe v$AXE_VERSION" "$axe" 2>/dev/null; then
	if command -v npm >/dev/null; then
		log "installing axe-core@$AXE_VERSION into .cache/npm"
		npm install --no-save --no-audit --no-fund --loglevel=error --prefix .cache/npm "axe-core@$AXE_VERSION" >/dev/null ||
			warn "npm could not install axe-core: the accessibility checks will be skipped"
	else
		warn "npm is missing: the accessibility checks will be skipped"
	fi
fi
[ -f "$axe" ] && export FOIDESK_AXE=$axe
[ -x /usr/bin/chromium ] && export FOIDESK_CHROMIUM=/usr/bin/chromium

trap stop_pg EXIT
trap 'exit 130' INT TERM
start_pg

vet_rc=0
lint_rc=0
if [ $# -eq 0 ]; then
	log "go vet ./..."
	go vet ./... || vet_rc=$?
	# The API description must lint clean (errors fail the run; settings in redocly.yaml).
	if node_ok; then
		log "npx @redocly/cli@$REDOCLY_VERSION lint web/openapi.yaml"
		npx --yes "@redocly/cli@$REDOCLY_VERSION" lint web/openapi.yaml || lint_rc=$?
	else
		warn "Node.js >= 20.19 with npx is missing: cannot lint web/openapi.yaml"
		lint_rc=1
	fi
	set -- ./...
fi
log "go test -count=1 -timeout 15m $*"
tests_started=$(date +%s)
test_rc=0
go test -count=1 -timeout 15m "$@" || test_rc=$?
now=$(date +%s)
log "tests: $((now - tests_started)) s; total with set-up: $((now - started)) s (go vet exit $vet_rc, openapi lint exit $lint_rc, go test exit $test_rc)"
if [ "$test_rc" -ne 0 ]; then
	exit "$test_rc"
fi
[ "$vet_rc" -eq 0 ] || exit 1
[ "$lint_rc" -eq 0 ] || exit 1
exit 0
