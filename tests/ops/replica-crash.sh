#!/usr/bin/env bash
# A request that once crashed its instance, sent through nginx in front of two
# instances with deploy/nginx.conf's proxy_next_upstream: whatever it does to
# the instance it reaches, nginx must not send it on to the other, and once
# the page bound is in place neither instance falls over. Both must answer
# /healthz afterwards.
set -euo pipefail
source "$(dirname "$0")/common.sh"
command -v nginx >/dev/null || fail "nginx is not installed (apt-get install nginx)"
command -v curl >/dev/null || fail "curl is not installed"

WORK="$(mktemp -d)"
trap 'cleanup; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT

NEXT_UPSTREAM="$(deploy_next_upstream)"
[ -n "$NEXT_UPSTREAM" ] || fail "deploy/nginx.conf sets no proxy_next_upstream"
echo "as deployed: $NEXT_UPSTREAM"

start_waymark "$WORK/a.log" --content "$ROOT/content" --no-watch --base-path /send
A="$ADDR"; A_PID="$PID"
start_waymark "$WORK/b.log" --content "$ROOT/content" --no-watch --base-path /send
B="$ADDR"; B_PID="$PID"
LB="127.0.0.1:$(free_port)"

start_nginx "$LB" "max_fails=3 fail_timeout=5s" "keepalive 32;" "$A" "$B"

for url in "/send/api/search?page=1000000000000" "/send/search?page=100000000000&q=x"; do
  code="$(curl -s -o /dev/null -m 30 -w '%{http_code}' "http://$LB$url" || true)"
  echo "through nginx: $url answered $code"
done
sleep 0.5

for name in A B; do
  if [ "$name" = A ]; then addr="$A"; pid="$A_PID"; else addr="$B"; pid="$B_PID"; fi
  kill -0 "$pid" 2>/dev/null || fail "instance $name ($addr) died: $(tail -3 "$WORK/$(echo "$name" | tr AB ab).log")"
  curl -fsS -m 2 "http://$addr/send/healthz" >/dev/null || fail "instance $name ($addr) does not answer /healthz"
  echo "instance $name is up"
done
echo "replica-crash: passed"
