#!/usr/bin/env bash
# Measures every figure of BENCHMARKS.md (issues #8 and #23) in one run, on
# this machine, with everything on 127.0.0.1:
#
#   build time and peak memory    bundled, 10k and 100k pages
#   search latency in process     bundled, 10k and 100k pages
#   HTTP with wrk                 /api/search and /search beside nginx serving
#                                 the same bytes; a mix of 1,000 queries asked
#                                 over and over; 100,000 queries, none twice
#   serving memory                resident size of `waymark serve` at 10k
#   exports                       a Word plan of ten strategies, a session
#                                 deck of ten pages (over HTTP)
#   import                        `waymark import` of the 20-section fixture
#                                 (when the subcommand exists)
#   cold start                    spawn to the first 200 on /healthz
#   warm start                    the same with the index kept in --cache-dir
#                                 (when `waymark-bench coldstart` has it)
#   live reload                   save to visible in /api/search
#   Pagefind                      indexing the same pages rendered to HTML,
#                                 paired round by round with Waymark's full
#                                 build, into a fresh output folder each round
#
# Usage: bench/run.sh            (about 20 to 30 minutes on 2 cores)
#
# Settings, by environment variable:
#   WAYMARK_BENCH_WORK=DIR        where corpora and results go
#                                 (default /tmp/waymark-bench; generated
#                                 corpora there are reused when the seed and
#                                 the bundled content are the same)
#   WAYMARK_BENCH_SEED=N          the generator's seed (default 8)
#   WAYMARK_BENCH_SKIP_100K=1     leave out the 100k corpus
#   WAYMARK_BENCH_PAGEFIND_100K=1 also run Pagefind on 100k pages (minutes,
#                                 and about 20 GiB of memory)
#   WAYMARK_BENCH_WRK_SECONDS=N   length of each wrk run (default 10)
#   WAYMARK_BENCH_WRK_ROUNDS=N    rounds of the side-by-side wrk runs (default 3)
#   WAYMARK_BENCH_REV=TEXT        what is measured, for machine.txt (default:
#                                 the checkout's git commit)
#
# Disk: about 1 GB in WORK (the 100k corpus is 570 MB; rendered HTML is
# removed after Pagefind has indexed it).
#
# Results: WORK/results.jsonl (one JSON object a line: figure, corpus, round,
# value, unit) and WORK/report.md (the tables, from `waymark-bench report`).
# Missing tools (wrk, nginx, GNU time, curl) are installed with apt-get;
# Pagefind comes from the npm registry into WORK/pagefind.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${WAYMARK_BENCH_WORK:-/tmp/waymark-bench}"
SEED="${WAYMARK_BENCH_SEED:-8}"
SKIP_100K="${WAYMARK_BENCH_SKIP_100K:-0}"
PAGEFIND_100K="${WAYMARK_BENCH_PAGEFIND_100K:-0}"
WRK_SECONDS="${WAYMARK_BENCH_WRK_SECONDS:-10}"
WRK_ROUNDS="${WAYMARK_BENCH_WRK_ROUNDS:-3}"
RESULTS="$WORK/results.jsonl"
# Copies of the binaries, so a rebuild in the checkout during the run
# cannot change what is measured.
BIN="$WORK/bin/waymark"
BENCH="$WORK/bin/waymark-bench"
QUERIES="$ROOT/bench/queries.txt"

mkdir -p "$WORK"
: > "$RESULTS"
STARTED=$(date +%s)

log() { printf '[%s +%4ss] %s\n' "$(date +%H:%M:%S)" "$(($(date +%s) - STARTED))" "$*" >&2; }

# figure corpus round value unit
emit() {
  printf '{"figure":"%s","corpus":"%s","round":%s,"value":%s,"unit":"%s"}\n' "$@" >> "$RESULTS"
}

# Processes this script started, stopped (by their ids) when it ends.
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# ------------------------------------------------------------------ tools

need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -x /usr/bin/time ] || need_apt+=(time)
command -v curl >/dev/null || need_apt+=(curl)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
command -v npm >/dev/null || { echo "npm is needed for Pagefind (apt-get install npm)" >&2; exit 2; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "rustc: $(rustc --version)"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "nginx: $("$NGINX" -v 2>&1)"
  echo "node: $(node --version)"
  echo "waymark: ${WAYMARK_BENCH_REV:-$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)}$(cd "$ROOT" && [ -n "$(git status --porcelain -- src 2>/dev/null)" ] && echo ' with uncommitted changes under src/')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$WORK/machine.txt"
cat "$WORK/machine.txt" >&2

# ------------------------------------------------------------------ build

log "building release binaries"
(cd "$ROOT" && timeout 1800 cargo build --release -p waymark -p waymark-bench --bins --quiet)
mkdir -p "$WORK/bin"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cp "$TARGET/release/waymark" "$TARGET/release/waymark-bench" "$WORK/bin/"

# ---------------------------------------------------------------- corpora

declare -A CONTENT=([bundled]="$ROOT/content" [10k]="$WORK/corpus-10k" [100k]="$WORK/corpus-100k")
CORPORA=(bundled 10k)
[ "$SKIP_100K" = 1 ] || CORPORA+=(100k)

log "generating corpora (seed $SEED; reused when unchanged)"
(cd "$ROOT" && timeout 600 "$BENCH" gen --pages 10000 --seed "$SEED" --out "$WORK/corpus-10k" --reuse)
if [ "$SKIP_100K" != 1 ]; then
  (cd "$ROOT" && timeout 1200 "$BENCH" gen --pages 100000 --seed "$SEED" --out "$WORK/corpus-100k" --reuse)
fi

log "checking the 10k corpus with waymark check"
if timeout 300 "$BIN" check --content "$WORK/corpus-10k" > "$WORK/check-10k.txt" 2>&1; then
  emit check_exit 10k 1 0 code
else
  emit check_exit 10k 1 $? code
  log "waymark check found problems in the 10k corpus: see $WORK/check-10k.txt"
fi

for c in "${CORPORA[@]}"; do
  bytes=$(find "${CONTENT[$c]}" -name '*.md' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
  emit corpus_md_mib "$c" 1 "$(awk -v b="$bytes" 'BEGIN {printf "%.3f", b/1048576}')" MiB
done

# ------------------------------------------------------ build and memory

for c in "${CORPORA[@]}"; do
  runs=5
  [ "$c" = 100k ] && runs=3
  log "build x$runs at $c"
  for r in $(seq 1 "$runs"); do
    /usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
      timeout 600 "$BENCH" build --content "${CONTENT[$c]}" --corpus "$c" --round "$r" >> "$RESULTS"
    read -r wall maxrss < "$WORK/time.txt"
    emit build_wall_ms "$c" "$r" "$(awk -v s="$wall" 'BEGIN {printf "%.1f", s*1000}')" ms
    emit build_maxrss_mib "$c" "$r" "$(awk -v k="$maxrss" 'BEGIN {printf "%.3f", k/1024}')" MiB
  done
  # Where the memory goes: live heap bytes counted by the allocator, in a
  # run of its own (counting slows the build, so its time is not kept).
  timeout 600 "$BENCH" build --heap --content "${CONTENT[$c]}" --corpus "$c" --round 1 |
    grep '"heap_' >> "$RESULTS"
done

# ------------------------------------------------------ search in process

for c in "${CORPORA[@]}"; do
  case "$c" in bundled) it=20 ;; 10k) it=10 ;; *) it=3 ;; esac
  log "search in process at $c ($it passes over $(grep -cv -e '^#' -e '^$' "$QUERIES") queries)"
  timeout 900 "$BENCH" search --content "${CONTENT[$c]}" --queries "$QUERIES" \
    --iterations "$it" --corpus "$c" >> "$RESULTS" 2>> "$WORK/search-slowest.txt"
done

# ------------------------------------------------------------------- HTTP

wait_healthy() { # port pid
  for _ in $(seq 1 3000); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/healthz" 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "server $2 exited" >&2; return 1; }
    sleep 0.05
  done
  echo "server on port $1 never became healthy" >&2
  return 1
}

NGX="$WORK/nginx"
rm -rf "$NGX"
mkdir -p "$NGX/www" "$NGX/tmp"
NGINX_PORT=$("$BENCH" port)
cat > "$NGX/nginx.conf" <<EOF
# nginx for bench/run.sh: the same bytes as Waymark's answers, as static files.
daemon off;
worker_processes $(nproc);
user root;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $NGX/tmp/body;
  proxy_temp_path $NGX/tmp/proxy;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  scgi_temp_path $NGX/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $NGX/www;
  }
}
EOF
"$NGINX" -c "$NGX/nginx.conf" -p "$NGX" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break
  sleep 0.05
done

rss_mib() { # pid
  awk '/^VmRSS:/ {printf "%.3f", $2/1024}' "/proc/$1/status"
}

first_urls() { # n: the first n result addresses of an /api/search answer, comma-separated
  grep -o '"url":"[^"]*"' | head -"$1" | cut -d'"' -f4 | paste -sd, -
}

time_get() { # figure corpus runs url: each answer's time, in ms; a failed one stops the run
  for r in $(seq 1 "$3"); do
    t=$(curl -fsS -o /dev/null -w '%{time_total}' "$4")
    emit "$1" "$2" "$r" "$(awk -v s="$t" 'BEGIN {printf "%.3f", s*1000}')" ms
  done
}

run_wrk() { # figure corpus round url [queries-file]
  WB_RESULTS="$RESULTS" WB_FIGURE="$1" WB_CORPUS="$2" WB_ROUND="$3" WB_QUERIES="${5:-}" \
    WB_ROUNDS="$WRK_ROUNDS" WB_THREADS=2 \
    timeout $((WRK_SECONDS + 30)) wrk -t2 -c64 -d"${WRK_SECONDS}s" --timeout 10s \
    -s "$ROOT/bench/wrk.lua" "$4" >> "$WORK/wrk.log" 2>&1
}

# The mix of the issue: 1,000 distinct queries, asked over and over (so,
# after the first time round, from the server's answer cache); and a long
# tail of 100,000 distinct queries, none asked twice in a run while the
# server answers fewer than about 3,300 a second: the search itself.
(cd "$ROOT" && "$BENCH" queries --count 1000 --seed "$SEED" --queries "$QUERIES" --out "$WORK/mix-queries.txt")
(cd "$ROOT" && "$BENCH" queries --count 100000 --seed "$((SEED + 1))" --queries "$QUERIES" --out "$WORK/mix-long-queries.txt")

for c in bundled 10k; do
  port=$("$BENCH" port)
  RUST_LOG=warn "$BIN" serve --no-watch --content "${CONTENT[$c]}" --addr "127.0.0.1:$port" \
    --admin-addr off > "$WORK/serve-$c.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_healthy "$port" "$pid"
  mkdir -p "$NGX/www/$c"
  curl -fsS -o "$NGX/www/$c/api.json" "http://127.0.0.1:$port/api/search?q=ear+defenders"
  curl -fsS -o "$NGX/www/$c/search.html" "http://127.0.0.1:$port/search?q=ear+defenders"
  emit api_body_bytes "$c" 1 "$(stat -c %s "$NGX/www/$c/api.json")" bytes
  emit html_body_bytes "$c" 1 "$(stat -c %s "$NGX/www/$c/search.html")" bytes
  # The same bytes back from nginx, or the comparison means nothing.
  curl -fsS "http://127.0.0.1:$NGINX_PORT/$c/api.json" | cmp -s - "$NGX/www/$c/api.json"
  # Resident size of the serving process, before any request and after all.
  emit serve_rss_start_mib "$c" 1 "$(rss_mib "$pid")" MiB
  for r in $(seq 1 "$WRK_ROUNDS"); do
    log "wrk round $r/$WRK_ROUNDS at $c"
    run_wrk http_api "$c" "$r" "http://127.0.0.1:$port/api/search?q=ear+defenders"
    run_wrk nginx_api "$c" "$r" "http://127.0.0.1:$NGINX_PORT/$c/api.json"
    run_wrk http_html "$c" "$r" "http://127.0.0.1:$port/search?q=ear+defenders"
    run_wrk nginx_html "$c" "$r" "http://127.0.0.1:$NGINX_PORT/$c/search.html"
    if [ "$c" = 10k ]; then
      run_wrk http_mix "$c" "$r" "http://127.0.0.1:$port/" "$WORK/mix-queries.txt"
      run_wrk http_longmix "$c" "$r" "http://127.0.0.1:$port/" "$WORK/mix-long-queries.txt"
    fi
  done
  emit serve_rss_after_mib "$c" 1 "$(rss_mib "$pid")" MiB
  # The features of round two must not slow the core: a Word plan of ten
  # strategies and a session deck of ten pages, each asked 11 times (plans
  # are never kept, so every answer is made afresh).
  strategies=$(curl -fsS "http://127.0.0.1:$port/api/search?kind=strategy" | first_urls 10)
  pages=$(curl -fsS "http://127.0.0.1:$port/api/search?q=" | first_urls 10)
  log "exports at $c: a Word plan and a session deck, x11 each"
  time_get plan_docx_ms "$c" 11 "http://127.0.0.1:$port/plan.docx?items=$strategies"
  time_get session_pptx_ms "$c" 11 "http://127.0.0.1:$port/plan.pptx?items=$pages&view=session"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true

# --------------------------------------------------- cold and warm start

# --- warm start (issue #23, the index cache) ------------------------------
# Each round times a cold start (cache off: a full build) and then a warm one
# (the index cache in WORK/warm-cache-$c, nothing changed), so the two are
# paired; the first start with the cache, which builds and writes it, is
# reported as coldstart_writing_cache_ms.
for c in bundled 10k; do
  log "cold and warm start x5 at $c (watching, as \`waymark serve\` does), x3 with --no-watch"
  timeout 900 "$BENCH" coldstart --bin "$BIN" --content "${CONTENT[$c]}" --runs 5 --corpus "$c" \
    --cache-dir "$WORK/warm-cache-$c" >> "$RESULTS"
  timeout 900 "$BENCH" coldstart --bin "$BIN" --content "${CONTENT[$c]}" --runs 3 --corpus "$c" --no-watch \
    --cache-dir "$WORK/warm-cache-$c" >> "$RESULTS"
  rm -rf "$WORK/warm-cache-$c"
done
# --- end of warm start -----------------------------------------------------

# ----------------------------------------------------------------- import

# `waymark import` of the 20-section fixture, into a fresh folder each time.
FIXTURE="$ROOT/tests/fixtures/import/council-guidance.html"
if "$BIN" import --help > /dev/null 2>&1 && [ -f "$FIXTURE" ]; then
  log "import x5 of $(basename "$FIXTURE")"
  for r in $(seq 1 5); do
    rm -rf "$WORK/import-out"
    /usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
      timeout 300 "$BIN" import "$FIXTURE" --out "$WORK/import-out" > "$WORK/import.log" 2>&1
    read -r wall maxrss < "$WORK/time.txt"
    emit import_ms fixture "$r" "$(awk -v s="$wall" 'BEGIN {printf "%.1f", s*1000}')" ms
    emit import_pages fixture "$r" "$(find "$WORK/import-out" -name '*.md' | wc -l)" pages
  done
  rm -rf "$WORK/import-out"
else
  log "skipping the import: no \`waymark import\` or no $FIXTURE"
fi

# ------------------------------------------------------------ live reload

for c in bundled 10k; do
  log "live reload x11 at $c (on a copy)"
  rm -rf "$WORK/reload-$c"
  cp -a "${CONTENT[$c]}" "$WORK/reload-$c"
  timeout 900 "$BENCH" reload --bin "$BIN" --content "$WORK/reload-$c" --runs 11 --corpus "$c" >> "$RESULTS"
  # The same work in process, without the watcher's debounce.
  timeout 900 "$BENCH" update --content "$WORK/reload-$c" --runs 11 --corpus "$c" >> "$RESULTS"
  rm -rf "$WORK/reload-$c"
done

# --------------------------------------------------------------- Pagefind

PF="$WORK/pagefind"
if ! ls "$PF"/node_modules/@pagefind/*/bin/pagefind* >/dev/null 2>&1; then
  log "installing Pagefind from the npm registry"
  mkdir -p "$PF"
  (cd "$PF" && [ -f package.json ] || echo '{"private": true}' > package.json)
  (cd "$PF" && timeout 600 npm install --no-audit --no-fund --silent pagefind@1)
fi
PAGEFIND=$(find "$PF"/node_modules/@pagefind/*/bin -maxdepth 1 -type f -perm -u+x -name 'pagefind*' | sort | head -1)
echo "pagefind: $("$PAGEFIND" --version 2>&1)" >> "$WORK/machine.txt"

PF_CORPORA=(bundled 10k)
[ "$PAGEFIND_100K" = 1 ] && [ "$SKIP_100K" != 1 ] && PF_CORPORA+=(100k)
for c in "${PF_CORPORA[@]}"; do
  site="$WORK/html-$c"
  rm -rf "$site"
  log "rendering $c to HTML for Pagefind"
  (cd "$ROOT" && timeout 1800 "$BENCH" render --content "${CONTENT[$c]}" --out "$site")
  emit html_mib "$c" 1 "$(du -sb "$site" | awk '{printf "%.3f", $1/1048576}')" MiB
  case "$c" in bundled) runs=5 ;; 10k) runs=3 ;; *) runs=1 ;; esac
  # Round by round beside Waymark's full build of the same pages, the two
  # taking turns to go first; Pagefind writes into a folder that does not
  # exist yet every round (into a folder holding its earlier output it runs
  # about twice as fast, which is not the comparison).
  for r in $(seq 1 "$runs"); do
    out="$WORK/pagefind-out-$c-$r"
    rm -rf "$out"
    pagefind_round() {
      log "Pagefind $r/$runs at $c"
      /usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
        timeout 3600 "$PAGEFIND" --site "$site" --output-path "$out" > "$WORK/pagefind-$c.log" 2>&1
      read -r wall maxrss < "$WORK/time.txt"
      emit pagefind_ms "$c" "$r" "$(awk -v s="$wall" 'BEGIN {printf "%.1f", s*1000}')" ms
      emit pagefind_peak_rss_mib "$c" "$r" "$(awk -v k="$maxrss" 'BEGIN {printf "%.3f", k/1024}')" MiB
    }
    waymark_round() {
      /usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
        timeout 600 "$BENCH" build --content "${CONTENT[$c]}" --corpus "$c" --round "$r" |
        grep '"figure":"build_ms"' | sed 's/"figure":"build_ms"/"figure":"pair_build_ms"/' >> "$RESULTS"
      read -r wall maxrss < "$WORK/time.txt"
      emit pair_build_wall_ms "$c" "$r" "$(awk -v s="$wall" 'BEGIN {printf "%.1f", s*1000}')" ms
    }
    if [ $((r % 2)) = 1 ]; then waymark_round; pagefind_round; else pagefind_round; waymark_round; fi
    [ -d "$out" ] || { echo "Pagefind wrote nothing to $out: see $WORK/pagefind-$c.log" >&2; exit 1; }
    rm -rf "$out"
  done
  rm -rf "$site"
done

# ----------------------------------------------------------------- report

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/machine.txt"
log "done in $(($(date +%s) - STARTED)) s"
"$BENCH" report --results "$RESULTS" | tee "$WORK/report.md"
echo
echo "results: $RESULTS; tables: $WORK/report.md; machine: $WORK/machine.txt" >&2
