#!/usr/bin/env bash
# A CPU profile of a running JVM (a Liaison node under a benchmark's load) with async-profiler,
# attached through jcmd: no restart, no safepoint bias, and the native and kernel frames included
# (JFR's sampler sees only Java frames, and few of them: 69 samples in 40 s of the call load, where
# this takes ~6,000).
#
#   bench/profile.sh PID [SECONDS] [OUT]   # OUT.collapsed (folded stacks, one per line) and OUT.html (flame graph)
#   bench/profile.sh --top OUT.collapsed [N] [FRAME]
#                                          # where the samples are: by thread, by top frame, by frame anywhere
#                                          # on the stack, by innermost org/liaison frame; with FRAME, only the
#                                          # stacks through that frame, and what FRAME calls
#
# SECONDS [30], OUT [profile-PID]. EVENT [cpu] (perf events; itimer where the kernel has none),
# INTERVAL [1000000] ns between samples. Start it once the load is warm (after the warm-up runs).
# async-profiler comes from Maven Central (tools.profiler:async-profiler, whose jar holds the native
# library for linux-x64 and linux-arm64), fetched once into ~/.m2 and unpacked next to it.
# Needs: a JDK 17 (jcmd, jar), Maven, awk.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/common.sh"
VERSION=3.0

if [ "${1:-}" = --top ]; then
  FILE=${2:?usage: bench/profile.sh --top FILE.collapsed [N] [FRAME]} N=${3:-25} FRAME=${4:-}
  # one line per table and key: TABLE<tab>COUNT<tab>KEY, then the first N of each table by count
  awk -v frame="$FRAME" '
    {
      count = $NF; sub(/ [0-9]+$/, "")
      depth = split($0, f, ";")
      at = 0
      if (frame != "") { for (i = 2; i <= depth; i++) if (f[i] == frame) { at = i; break } if (!at) next }
      total += count
      thread = f[1]; gsub(/[0-9]+/, "N", thread)
      sums["1 by thread (digits as N)\t" thread] += count
      sums["2 by top frame (where the CPU was)\t" f[depth]] += count
      own = "(no org/liaison frame)"
      split("", seen)
      for (i = 2; i <= depth; i++) {
        if (!(f[i] in seen)) { seen[f[i]] = 1; sums["3 by frame anywhere on the stack (inclusive)\t" f[i]] += count }
        if (f[i] ~ /^org\/liaison\//) own = f[i]
      }
      sums["4 by innermost org/liaison frame (whose work it was)\t" own] += count
      if (at) sums["5 what " frame " calls\t" (at < depth ? f[at + 1] : "(self)")] += count
    }
    END {
      if (!total) { print "no samples" (frame != "" ? " through " frame : "") > "/dev/stderr"; exit 1 }
      print "0 total\t" total "\t" (frame != "" ? "through " frame : "all stacks")
      for (k in sums) { split(k, p, "\t"); print p[1] "\t" sums[k] "\t" p[2] }
    }' "$FILE" | sort -t "$(printf '\t')" -k1,1 -k2,2nr | awk -F '\t' -v n="$N" '
    $1 == "0 total" { total = $2; printf "%d samples, %s\n", total, $3; next }
    $1 != table { table = $1; shown = 0; printf "\n%s\n", substr(table, 3) }
    ++shown <= n { printf "  %5.1f%% %7d  %s\n", 100 * $2 / total, $2, $3 }'
  exit
fi

PID=${1:?usage: bench/profile.sh PID [SECONDS] [OUT] | --top FILE.collapsed [N] [FRAME]}
SECONDS_TO_RUN=${2:-30} OUT=${3:-profile-$PID}
kill -0 "$PID" 2>/dev/null || die "no process $PID"
case "$(uname -m)" in
  x86_64) PLATFORM=linux-x64 ;;
  aarch64) PLATFORM=linux-arm64 ;;
  *) die "async-profiler has no library for $(uname -m)" ;;
esac
JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$VERSION/async-profiler-$VERSION.jar"
[ -f "$JAR" ] || mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$VERSION" >&2 ||
  die "cannot fetch tools.profiler:async-profiler:$VERSION from Maven Central"
LIB="$(dirname "$JAR")/$PLATFORM/libasyncProfiler.so"
[ -f "$LIB" ] || (cd "$(dirname "$JAR")" && jar xf "$JAR" "$PLATFORM/libasyncProfiler.so")

# agent COMMAND: jcmd's argument parser would split the agent's options at '=', so they go in quotes
agent() { jcmd "$PID" JVMTI.agent_load "$LIB" "\"$1\"" | grep -q "return code: 0" || die "async-profiler: $1 failed (see the process's output)"; }
log "profiling $PID for ${SECONDS_TO_RUN}s (${EVENT:-cpu}, every ${INTERVAL:-1000000} ns)"
agent "start,event=${EVENT:-cpu},interval=${INTERVAL:-1000000},threads"
sleep "$SECONDS_TO_RUN"
agent "stop,file=$(realpath -m "$OUT.collapsed"),collapsed,threads"
agent "dump,file=$(realpath -m "$OUT.html"),flamegraph,threads"
log "wrote $OUT.collapsed and $OUT.html; read it with: bench/profile.sh --top $OUT.collapsed"
