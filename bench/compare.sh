#!/usr/bin/env bash
# Same-run comparison of two builds of waymark-bench (BENCHMARKS.md,
# "Before and after issue #15"): the build and in-process search figures
# of BEFORE and AFTER, measured round by round on the same corpora so the
# machine's noise falls on both alike. Prints medians and AFTER/BEFORE.
#
#   bench/compare.sh BEFORE_BIN AFTER_BIN QUERIES CORPUS_DIR[=NAME]...
#
# BEFORE_BIN and AFTER_BIN are waymark-bench binaries (build each revision
# with `cargo build --release --workspace --bins` and copy the binary out);
# QUERIES is the query mix both read. Settings: WAYMARK_COMPARE_ROUNDS (7),
# WAYMARK_COMPARE_SEARCH_PASSES (5), WAYMARK_COMPARE_OUT (a temporary file
# that keeps every figure as JSON lines).
set -euo pipefail

if [ "$#" -lt 4 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
before=$1 after=$2 queries=$3
shift 3
rounds=${WAYMARK_COMPARE_ROUNDS:-7}
passes=${WAYMARK_COMPARE_SEARCH_PASSES:-5}
out=${WAYMARK_COMPARE_OUT:-$(mktemp -t waymark-compare.XXXXXX)}
: >"$out"

for bin in "$before" "$after"; do
  [ -x "$bin" ] || { echo "compare.sh: $bin is not an executable" >&2; exit 2; }
done
[ -f "$queries" ] || { echo "compare.sh: no query file $queries" >&2; exit 2; }

# One figure line from waymark-bench, tagged with which build made it.
tag() { sed "s/^{/{\"build\":\"$1\",/"; }

for corpus in "$@"; do
  dir=${corpus%%=*}
  name=${corpus#*=}
  [ "$name" = "$corpus" ] && name=$(basename "$dir")
  for round in $(seq 1 "$rounds"); do
    # Alternate which build goes first, so neither always meets a warmer cache.
    if [ $((round % 2)) -eq 1 ]; then order="before after"; else order="after before"; fi
    for which in $order; do
      bin=$before
      [ "$which" = after ] && bin=$after
      timeout 600 "$bin" build --content "$dir" --corpus "$name" --round "$round" 2>/dev/null \
        | grep '"figure":"build_ms"' | tag "$which" >>"$out"
      timeout 600 "$bin" search --content "$dir" --corpus "$name" \
        --queries "$queries" --iterations "$passes" 2>/dev/null \
        | grep -E '"figure":"search_all_p(50|99)_us"' | sed "s/\"round\":0/\"round\":$round/" \
        | tag "$which" >>"$out"
    done
  done
done

# Medians per figure, corpus and build, then the ratio after / before.
awk '
  function field(line, key,    m) {
    if (match(line, "\"" key "\":\"[^\"]*\"")) { m = substr(line, RSTART, RLENGTH); sub("^\"" key "\":\"", "", m); sub("\"$", "", m); return m }
    if (match(line, "\"" key "\":[-0-9.eE+]+")) { m = substr(line, RSTART, RLENGTH); sub("^\"" key "\":", "", m); return m }
    return ""
  }
  {
    k = field($0, "figure") SUBSEP field($0, "corpus")
    b = field($0, "build")
    n[k, b]++; v[k, b, n[k, b]] = field($0, "value") + 0
    if (!(k in seen)) { seen[k] = 1; order[++count] = k }
  }
  function median(k, b,    i, j, t, c, a) {
    c = n[k, b]
    for (i = 1; i <= c; i++) a[i] = v[k, b, i]
    for (i = 2; i <= c; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
  }
  END {
    print "| figure | corpus | rounds | before (median) | after (median) | after / before |"
    print "|---|---|---|---|---|---|"
    for (i = 1; i <= count; i++) {
      k = order[i]; split(k, p, SUBSEP)
      mb = median(k, "before"); ma = median(k, "after")
      printf "| %s | %s | %d | %.3f | %.3f | %.3f |\n", p[1], p[2], n[k, "after"], mb, ma, (mb > 0 ? ma / mb : 0)
    }
  }
' "$out"
echo
echo "every figure: $out"
