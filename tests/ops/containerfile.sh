#!/usr/bin/env bash
# deploy/Containerfile builds, checked without Docker: copy exactly what its
# build stage COPYs into an empty folder, run its own `RUN cargo build` line
# there (reusing this repository's target folder, so dependencies are built
# once), then start the binary it built and run the HEALTHCHECK's own command
# against it, which must ask /healthz.
#
# WAYMARK_CONTAINERFILE_PROFILE=dev drops `--release` from the build, for a
# quick run on a machine that has only debug builds; CI runs the line as is.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FILE="$ROOT/deploy/Containerfile"
WORK="$(mktemp -d)"
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The build stage's COPY sources and destinations, its WORKDIR and its RUN
# line; the run stage's HEALTHCHECK command and the path the binary is
# copied to. Printed as shell-quoted assignments.
eval "$(python3 - "$FILE" <<'PY'
import json, shlex, sys
lines, stage = [], 0
for raw in open(sys.argv[1], encoding="utf-8"):
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    lines.append(line)
copies, run, workdir, health, installed = [], None, "/", None, None
for line in lines:
    word, _, rest = line.partition(" ")
    word = word.upper()
    if word == "FROM":
        stage += 1
    elif stage == 1 and word == "WORKDIR":
        workdir = rest.strip()
    elif stage == 1 and word == "COPY":
        parts = shlex.split(rest)
        if any(p.startswith("--") for p in parts):
            sys.exit(f"a COPY flag this check does not understand: {line}")
        *sources, dest = parts
        copies.append((sources, dest))
    elif stage == 1 and word == "RUN":
        if run is not None:
            sys.exit("more than one RUN in the build stage")
        run = rest.strip()
    elif stage == 2 and word == "COPY" and "--from=build" in rest:
        installed = shlex.split(rest)[-1]
    elif stage == 2 and word == "HEALTHCHECK":
        cmd = rest[rest.index("CMD") + 3:].strip()
        health = json.loads(cmd) if cmd.startswith("[") else shlex.split(cmd)
if run is None or not copies or health is None or installed is None:
    sys.exit("the Containerfile lacks a build-stage COPY or RUN, a HEALTHCHECK, or the binary's COPY --from=build")
out = [f"WORKDIR_IN_IMAGE={shlex.quote(workdir)}", f"RUN_LINE={shlex.quote(run)}",
       f"INSTALLED={shlex.quote(installed)}",
       "HEALTH=(" + " ".join(shlex.quote(w) for w in health) + ")",
       "COPIES=("]
for sources, dest in copies:
    for source in sources:
        out.append(f"  {shlex.quote(source)} {shlex.quote(dest)}")
out.append(")")
print("\n".join(out))
PY
)"

echo "== the build stage's COPY lines, into an empty folder"
for ((i = 0; i < ${#COPIES[@]}; i += 2)); do
  source="${COPIES[i]}"; dest="${COPIES[i + 1]}"
  [ -e "$ROOT/$source" ] || fail "COPY $source: no such file in the repository"
  case "$dest" in
    /*) target="$WORK/${dest#"$WORKDIR_IN_IMAGE"}" ;;
    *) target="$WORK/$dest" ;;
  esac
  if [ -d "$ROOT/$source" ]; then
    # COPY of a folder copies what is in it.
    mkdir -p "$target"
    cp -a "$ROOT/$source/." "$target/"
  elif [[ "$dest" == */ || "$dest" == . ]]; then
    mkdir -p "$target"
    cp -a "$ROOT/$source" "$target/"
  else
    mkdir -p "$(dirname "$target")"
    cp -a "$ROOT/$source" "$target"
  fi
  echo "COPY $source -> $dest"
done

echo "== RUN $RUN_LINE"
read -r -a command <<<"$RUN_LINE"
[ "${command[0]}" = cargo ] && [ "${command[1]}" = build ] || fail "the build stage's RUN is not a cargo build: $RUN_LINE"
profile=release
if [ "${WAYMARK_CONTAINERFILE_PROFILE:-}" = dev ]; then
  kept=()
  for word in "${command[@]}"; do [ "$word" = --release ] || kept+=("$word"); done
  command=("${kept[@]}")
  profile=debug
  echo "(WAYMARK_CONTAINERFILE_PROFILE=dev: built without --release)"
fi
(cd "$WORK" && CARGO_TARGET_DIR="$ROOT/target" "${command[@]}") || fail "the Containerfile's build fails"

echo "== HEALTHCHECK ${HEALTH[*]}"
[[ "${HEALTH[0]}" == "$INSTALLED" || "${HEALTH[0]}" == "$INSTALLED/waymark" ]] || fail "the health check does not run the installed binary: ${HEALTH[*]}"
[ "${HEALTH[1]:-}" = healthz ] || fail "the health check does not ask /healthz: ${HEALTH[*]}"
BUILT="$ROOT/target/$profile/waymark"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
WAYMARK_ADDR="127.0.0.1:$PORT" "$BUILT" serve --content "$WORK/content" --no-watch 2>"$WORK/server.log" &
SERVER_PID=$!
healthy=""
for _ in $(seq 1 100); do
  if WAYMARK_ADDR="127.0.0.1:$PORT" "$BUILT" "${HEALTH[@]:1}" 2>/dev/null; then
    healthy=yes
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the built binary did not start: $(tail -3 "$WORK/server.log")"
  sleep 0.1
done
[ -n "$healthy" ] || fail "the health check never passed against the built binary"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
if WAYMARK_ADDR="127.0.0.1:$PORT" "$BUILT" "${HEALTH[@]:1}" 2>/dev/null; then
  fail "the health check passes with nothing listening"
fi
echo "containerfile: passed"
