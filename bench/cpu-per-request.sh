#!/usr/bin/env bash
# CPU time of `waymark serve` per uncached /api/search request, for two or
# more builds side by side: each round starts each build's server in turn
# (the order reversed every other round), runs wrk for 8 seconds on a query
# list with no query asked twice, and divides the server's user and system
# time (from /proc/PID/stat) by the requests answered. On a shared machine
# requests a second swing with the load; CPU time a request swings far less.
#
# Usage: bench/cpu-per-request.sh BEFORE_DIR AFTER_DIR CONTENT QUERIES ROUNDS
#   each DIR holds a release `waymark`; QUERIES is from
#   `waymark-bench queries --count 100000 --seed 9 --out QUERIES`.
set -euo pipefail
[ $# -eq 5 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONTENT=$3 QUERIES=$4 ROUNDS=$5
PORT=${WAYMARK_BENCH_PORT:-18441}
TICK=$(getconf CLK_TCK)
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order=("$1" "$2"); else order=("$2" "$1"); fi
  for d in "${order[@]}"; do
    RUST_LOG=warn "$d/waymark" serve --no-watch --content "$CONTENT" --addr "127.0.0.1:$PORT" \
      --admin-addr off > /dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
    t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$(WB_RESULTS=/dev/null WB_FIGURE=cpu WB_CORPUS=x WB_ROUND="$r" WB_ROUNDS="$ROUNDS" WB_THREADS=2 \
      WB_QUERIES="$QUERIES" timeout 60 wrk -t2 -c64 -d8s --timeout 10s -s "$ROOT/bench/wrk.lua" \
      "http://127.0.0.1:$PORT/" 2>&1)
    t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    echo "$d round $r requests $n rps $rps cpu_ms_per_request $(awk -v a="$t0" -v b="$t1" -v n="$n" -v t="$TICK" 'BEGIN {printf "%.3f", (b - a) * 1000 / t / n}')"
  done
done
