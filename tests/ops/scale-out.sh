#!/usr/bin/env bash
# Scale-out: two Waymark instances behind nginx as a load balancer, on
# 127.0.0.1, serving the same content under the base path /send. Every answer
# through nginx must be the same bytes as each instance gives directly, both
# instances must take traffic, and with one stopped the other carries on.
# nginx runs with deploy/nginx.conf's proxy_next_upstream, which retries
# nothing (see there), so the one request that finds the stopped instance
# gone is a 502 and the instance is then taken out.
set -euo pipefail
source "$(dirname "$0")/common.sh"
command -v nginx >/dev/null || fail "nginx is not installed (apt-get install nginx)"

WORK="$(mktemp -d)"
trap 'cleanup; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

# Behind a load balancer every instance must give the same absolute links
# (the feed, the sitemap, a plan's share link), so the deployment sets
# base_url: without it each instance uses its own listening address.
mkdir -p "$WORK/site"
cp "$ROOT/content/site.yaml" "$ROOT/content/logo.svg" "$WORK/site/"
printf '\nbase_url: https://send.example.invalid/send\n' >>"$WORK/site/site.yaml"
start_waymark "$WORK/a.log" --content "$ROOT/content" --site "$WORK/site/site.yaml" --no-watch --base-path /send
A="$ADDR"; A_PID="$PID"; A_ADMIN="$ADMIN_ADDR"
start_waymark "$WORK/b.log" --content "$ROOT/content" --site "$WORK/site/site.yaml" --no-watch --base-path /send
B="$ADDR"; B_ADMIN="$ADMIN_ADDR"
PORT="$(free_port)"
LB="127.0.0.1:$PORT"

start_nginx "$LB" "max_fails=1 fail_timeout=10s" "" "$A" "$B"

URLS=(
  "/send/api/search?q=ear+defenders"
  "/send/api/search?q=reading&need=cognition-learning&tier=universal&phase=primary"
  "/send/api/search?q=&kind=resource&sort=title&page=2"
  "/send/api/pages/strategies/movement-breaks-for-attention"
  "/send/api/taxonomy"
  "/send/search?q=can%27t+sit+still&need=sensory-physical"
  "/send/strategies/movement-breaks-for-attention"
  "/send/needs/autism?phase=secondary"
  "/send/plan?items=strategies/movement-breaks-for-attention,resources/one-page-profile"
  "/send/sitemap.xml"
)
checked=0
for url in "${URLS[@]}"; do
  curl -fsS -H "Host: portal.example" "http://$A$url" -o "$WORK/a.out" || fail "instance A: $url"
  curl -fsS -H "Host: portal.example" "http://$B$url" -o "$WORK/b.out" || fail "instance B: $url"
  cmp -s "$WORK/a.out" "$WORK/b.out" || fail "the two instances differ on $url"
  for i in 1 2 3 4; do
    curl -fsS "http://$LB$url" -o "$WORK/lb.out" || fail "through nginx: $url"
    cmp -s "$WORK/a.out" "$WORK/lb.out" || fail "nginx's answer $i differs from the instances' on $url"
    checked=$((checked + 1))
  done
done
echo "identical answers: ${#URLS[@]} addresses, $checked answers through nginx"

# Both instances took traffic (as their staff listeners' /metrics say; the
# public listeners answer 404 there).
for addr in "$A_ADMIN" "$B_ADMIN"; do
  n="$(curl -fsS "http://$addr/send/metrics" | awk '/^waymark_requests_total\{route="[^"]*\/api\/search",status="2xx"\}/ {print $2}')"
  [ "${n:-0}" -gt 4 ] || fail "instance $addr answered only ${n:-0} searches: nginx did not balance"
  echo "instance $addr answered $n searches"
done

# One instance stops (a deploy, a crash): after the one request that finds
# it gone (max_fails=1), nginx sends everything to the other.
kill -TERM "$A_PID"
wait "$A_PID" 2>/dev/null || true
failed=0
for i in $(seq 1 20); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://$LB/send/api/search?q=noise+$i")"
  if [ "$code" != 200 ]; then
    [ "$code" = 502 ] || fail "with one instance stopped, answer $i was $code"
    failed=$((failed + 1))
  fi
done
[ "$failed" -le 1 ] || fail "with one instance stopped, $failed of 20 answers were 502: nginx did not take it out"
echo "with one instance stopped, $((20 - failed)) of 20 answers were 200"
echo "scale-out: passed"
