#!/usr/bin/env bash
# Starts foidesk on the embedded SQLite with demo data and prints the URL and the demo logins.
# As root it first installs what is missing (the CJK font fonts-lxgw-wenkai, gcc for cgo).
#   sudo bash scripts/run.sh          (FOIDESK_DB, FOIDESK_ADDR and FOIDESK_FONT are honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

need_go
font=${FOIDESK_FONT:-$DEFAULT_FONT}
if [ ! -f "$font" ]; then
	if [ "$font" = "$DEFAULT_FONT" ]; then
		install_packages fonts-lxgw-wenkai || die "the CJK font $font is missing: run as root (sudo bash scripts/run.sh) or apt-get install fonts-lxgw-wenkai"
	else
		die "the font $font (FOIDESK_FONT) does not exist"
	fi
fi
log "building ./foidesk"
go build -o ./foidesk ./cmd/foidesk
db=${FOIDESK_DB:-foidesk-demo.db}
log "starting foidesk on $db (the first start fills it with demo data: about half a minute)"
exec ./foidesk serve --demo --db "$db" --font "$font"
