#!/usr/bin/env bash
# Load with changing content: wrk with 64 connections for LOAD_SECONDS
# (default 60) on /search, /api/search and pages, with distinct queries that
# find nothing mixed in, while a page is rewritten every 100 ms (one save in
# ten broken). Passes when there is no failed request, no 5xx or other
# unexpected status, no socket error or timeout, and memory stays bounded.
set -euo pipefail
source "$(dirname "$0")/common.sh"
command -v wrk >/dev/null || fail "wrk is not installed (apt-get install wrk)"
SECONDS_TO_RUN="${LOAD_SECONDS:-60}"

WORK="$(mktemp -d)"
trap 'cleanup; rm -rf "$WORK"' EXIT
cp -r "$ROOT/content" "$WORK/content"
start_waymark "$WORK/server.log" --content "$WORK/content"
echo "waymark on $ADDR, pid $PID"
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
RSS_BEFORE="$(rss)"

cat >"$WORK/mix.lua" <<'LUA'
-- A mix of real searches, filters, pages and queries that find nothing.
local paths = {
  "/search?q=ear+defenders", "/api/search?q=ear+defenders",
  "/search?q=reading&need=cognition-learning&tier=universal",
  "/api/search?q=can%27t+sit+still&phase=primary&facets=1",
  "/api/search?q=&kind=strategy&sort=updated&page=3",
  "/strategies/movement-breaks-for-attention", "/needs/autism",
  "/tiers/targeted?phase=secondary", "/api/pages/strategies/movement-breaks-for-attention",
  "/plan?items=strategies/movement-breaks-for-attention,resources/one-page-profile",
  "/", "/search?q=dyslexa", "/static/style.css", "/healthz",
}
local counter = 0
local unexpected = 0
request = function()
  counter = counter + 1
  if counter % 5 == 0 then
    -- A distinct query every time: fills the "not found" store, which must stay capped.
    return wrk.format("GET", "/api/search?q=zq" .. math.random(1, 1000000000) .. "xv")
  end
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
response = function(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
    if unexpected <= 5 then io.stderr:write("unexpected status " .. status .. "\n") end
  end
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors connect %d read %d write %d status %d timeout %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

# The editor: rewrites one page every 100 ms; every tenth save is broken.
PAGE="$WORK/content/strategies/movement-breaks-for-attention.md"
cp "$PAGE" "$WORK/original.md"
(
  i=0
  end=$((SECONDS + SECONDS_TO_RUN))
  while [ "$SECONDS" -lt "$end" ]; do
    i=$((i + 1))
    if [ $((i % 10)) -eq 0 ]; then
      printf -- '---\ntitle: broken save %s\n' "$i" >"$PAGE.tmp"
    else
      { cat "$WORK/original.md"; printf '\nSaved %s times under load.\n' "$i"; } >"$PAGE.tmp"
    fi
    mv "$PAGE.tmp" "$PAGE"
    sleep 0.1
  done
  echo "$i saves" >"$WORK/saves"
) &
EDITOR_PID=$!

wrk -t 2 -c 64 -d "${SECONDS_TO_RUN}s" --timeout 10s -s "$WORK/mix.lua" "http://$ADDR" 2>&1 | tee "$WORK/wrk.out"
wait "$EDITOR_PID"
sleep 0.5
RSS_AFTER="$(rss)"
echo "$(cat "$WORK/saves"), memory ${RSS_BEFORE} KiB before, ${RSS_AFTER} KiB after"

summary="$(grep '^requests ' "$WORK/wrk.out")"
read -r _ total _ _ connect _ read _ write _ status _ timeout <<<"${summary//,/}"
[ "$total" -gt 1000 ] || fail "only $total requests were made"
[ "$connect$read$write$timeout" = "0000" ] || fail "socket errors: $summary"
[ "$status" = 0 ] || fail "answers with an error status: $summary"
grep -q "Non-2xx" "$WORK/wrk.out" && fail "some answers were not 2xx or 3xx"
grep -q "unexpected status" "$WORK/wrk.out" && fail "some answers were not 200"
grep -qi "panicked" "$WORK/server.log" && fail "the server panicked"
# Memory: bounded, whatever the number of distinct queries (under 256 MiB more).
[ $((RSS_AFTER - RSS_BEFORE)) -lt 262144 ] || fail "memory grew by $((RSS_AFTER - RSS_BEFORE)) KiB"
# The last good page stayed live through the broken saves, and is live now.
curl -fsS "http://$ADDR/strategies/movement-breaks-for-attention" >/dev/null || fail "the edited page is gone"
echo "load: passed"
