#!/usr/bin/env bash
# Measures the peak memory (VmHWM, peak resident set) of `foidesk serve` under N concurrent failed
# logins for unknown users (issue 11: argon2id once took a fresh server to 2.65 GB with 40).
# Loopback only: it starts its own server on 127.0.0.1 with a throwaway database.
#   bash scripts/attack-login.sh [N]            N concurrent logins (default 200), one address
#   SPREAD=1 bash scripts/attack-login.sh [N]   each from its own address (X-Forwarded-For through
#                                               a trusted proxy 127.0.0.1), so that no throttle
#                                               refuses them before the password hash: the worst case
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
port=${PORT:-18431}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/foidesk" ./cmd/foidesk
args=(serve --addr "127.0.0.1:$port" --db "$dir/attack.db" --no-scheduler)
[ "${SPREAD:-}" = 1 ] && args+=(--trusted-proxies 127.0.0.1/32)
"$dir/foidesk" "${args[@]}" 2>"$dir/log" &
pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
rss() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$pid/status"; }
echo "before: RSS $(rss VmRSS) MB"
start=$(date +%s.%N)
seq "$n" | xargs -P "$n" -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	-H "X-Forwarded-For: 10.$(( RANDOM % 250 )).$(( RANDOM % 250 )).{}" \
	--data-urlencode "username=nobody{}" --data-urlencode "password=wrong password {}" \
	"http://127.0.0.1:$port/login" >"$dir/codes" || true
end=$(date +%s.%N)
echo "answers: $(sort "$dir/codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
echo "time: $(echo "$end - $start" | bc) s"
echo "peak RSS (VmHWM): $(rss VmHWM) MB; now $(rss VmRSS) MB"
