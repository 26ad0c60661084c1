#!/usr/bin/env bash
# Slow clients: Waymark runs at `ulimit -n 1024` (systemd's default) while a
# client holds 1,500 connections that each sent half a request head and
# stopped, re-opening every one the server drops, for 30 s. Meanwhile
# /healthz on a new connection must answer within 2 s at least 9 times in
# 10 probes spread over the 30 s. A header timeout alone cannot do this (the
# client re-opens faster); the server must drop its oldest half-sent
# connections when it nears its descriptor limit.
set -euo pipefail
source "$(dirname "$0")/common.sh"
command -v curl >/dev/null || fail "curl is not installed"

WORK="$(mktemp -d)"
CLIENT_PID=""
trap 'cleanup; [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

HOLD=1500
SECONDS_HELD=30
NOFILE=1024 start_waymark "$WORK/server.log" --content "$ROOT/content" --no-watch --workers 2
SERVER_PID="$PID"
grep -o 'at most [0-9]* connections[^)]*)' "$WORK/server.log" || true

# The client: one process, poll-based (select() stops at 1,024 descriptors).
cat >"$WORK/client.py" <<'PY'
import errno, resource, selectors, socket, sys, time

host, port = sys.argv[1].rsplit(":", 1)
hold, seconds = int(sys.argv[2]), float(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = hold + 256
if soft < want:
    if hard != resource.RLIM_INFINITY and hard < want:
        sys.exit(f"client: the hard open-file limit {hard} is below {want}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

HALF = b"GET / HTTP/1.1\r\nHost: portal.example\r\nUser-Agent: slow"
sel = selectors.DefaultSelector()  # epoll on Linux
opened = dropped = failed = 0

def open_one():
    global opened, failed
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    err = s.connect_ex((host, int(port)))
    if err not in (0, errno.EINPROGRESS):
        s.close()
        failed += 1
        return
    sel.register(s, selectors.EVENT_WRITE, "connecting")
    opened += 1

for _ in range(hold):
    open_one()
end = time.monotonic() + seconds
while time.monotonic() < end:
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        if key.data == "connecting":
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                try:
                    s.send(HALF)
                    sel.modify(s, selectors.EVENT_READ, "held")
                    continue
                except OSError:
                    pass
            sel.unregister(s); s.close(); failed += 1; open_one()
        else:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                dropped += 1
                sel.unregister(s); s.close(); open_one()
held = sum(1 for k in sel.get_map().values() if k.data == "held")
print(f"client: opened {opened}, dropped by the server {dropped}, failed {failed}, held at the end {held}")
PY

python3 "$WORK/client.py" "$ADDR" "$HOLD" "$SECONDS_HELD" >"$WORK/client.out" 2>&1 &
CLIENT_PID=$!
sleep 1
passed=0
for i in $(seq 1 10); do
  started=$(date +%s.%N)
  out="$(curl -s -o /dev/null -m 2 -w '%{http_code} %{time_total}' "http://$ADDR/healthz" || true)"
  code="${out%% *}"
  echo "probe $i: ${out:-no answer}"
  [ "$code" = 200 ] && passed=$((passed + 1))
  # Ten probes over the client's 30 s: one every 3 s.
  sleep "$(python3 -c "print(max(0.0, 3 - ($(date +%s.%N) - $started)))")"
done
wait "$CLIENT_PID" || fail "the client failed: $(cat "$WORK/client.out")"
CLIENT_PID=""
cat "$WORK/client.out"
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server died: $(tail -5 "$WORK/server.log")"
[ "$passed" -ge 9 ] || fail "only $passed of 10 probes answered within 2 s"
dropped="$(sed -n 's/.*dropped by the server \([0-9]*\).*/\1/p' "$WORK/client.out")"
[ "${dropped:-0}" -gt 0 ] || fail "the server never dropped a slow connection: the test did not reach its limit"
curl -fsS -m 2 "http://$ADDR/healthz" >/dev/null || fail "no answer after the slow client left"
echo "slow-clients: passed ($passed of 10 probes within 2 s)"
