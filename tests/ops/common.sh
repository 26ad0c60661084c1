# Shared by the operations tests: start a waymark instance on a free port of
# 127.0.0.1 and learn its address from its log. Source this file.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${WAYMARK_BIN:-$ROOT/target/debug/waymark}"
if [ ! -x "$BIN" ]; then
  echo "no waymark binary at $BIN: run cargo build first, or set WAYMARK_BIN" >&2
  exit 1
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# start_waymark LOGFILE ARGS... : starts an instance, sets ADDR (public),
# ADMIN_ADDR (the staff listener, for /status and /metrics) and PID. Both
# listeners take a free port, so instances never collide on 3001. With
# NOFILE set, the instance runs under `ulimit -n $NOFILE`.
start_waymark() {
  local log="$1"
  shift
  if [ -n "${NOFILE:-}" ]; then
    (ulimit -n "$NOFILE" && exec "$BIN" serve --addr 127.0.0.1:0 --admin-addr 127.0.0.1:0 "$@") 2>"$log" &
  else
    "$BIN" serve --addr 127.0.0.1:0 --admin-addr 127.0.0.1:0 "$@" 2>"$log" &
  fi
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 300); do
    ADDR="$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | sed 's|listening on http://||' || true)"
    ADMIN_ADDR="$(grep -o 'staff pages (/status, /metrics) on http://[0-9.:]*' "$log" | head -1 | sed 's|.*on http://||' || true)"
    if [ -n "$ADDR" ] && [ -n "$ADMIN_ADDR" ]; then
      return 0
    fi
    if ! kill -0 "$PID" 2>/dev/null; then
      echo "waymark exited at start:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "waymark did not start in 30 s" >&2
  cat "$log" >&2
  exit 1
}

# The proxy_next_upstream directive of deploy/nginx.conf, so the operations
# tests run nginx as deployed.
deploy_next_upstream() {
  grep -E '^[[:space:]]*proxy_next_upstream[[:space:]]' "$ROOT/deploy/nginx.conf" | head -1 | sed 's/^[[:space:]]*//'
}

# start_nginx LB SERVER_OPTIONS UPSTREAM_EXTRA ADDR... : runs nginx (as a
# daemon, its files under $WORK) on LB, proxying /send to the instances at
# ADDR... with deploy/nginx.conf's own proxy_next_upstream line, and waits
# until /send/healthz answers through it. The caller's trap stops it through
# $WORK/nginx.pid.
start_nginx() {
  local lb="$1" options="$2" extra="$3"
  shift 3
  local next servers=""
  next="$(deploy_next_upstream)"
  [ -n "$next" ] || fail "deploy/nginx.conf sets no proxy_next_upstream"
  for addr in "$@"; do
    servers+="    server $addr $options;"$'\n'
  done
  mkdir -p "$WORK/tmp"
  cat >"$WORK/nginx.conf" <<CONF
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp/body;
  proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fastcgi;
  uwsgi_temp_path $WORK/tmp/uwsgi;
  scgi_temp_path $WORK/tmp/scgi;
  upstream waymark {
$servers    $extra
  }
  server {
    listen $lb;
    location /send {
      proxy_pass http://waymark;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host portal.example;
      $next
    }
  }
}
CONF
  nginx -c "$WORK/nginx.conf" -p "$WORK" || fail "nginx did not start"
  for _ in $(seq 1 50); do curl -fs "http://$lb/send/healthz" >/dev/null && break; sleep 0.1; done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
