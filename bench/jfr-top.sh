#!/usr/bin/env bash
# Where a JFR recording's CPU samples are: the top frames of jdk.ExecutionSample, aggregated.
#
#   bench/jfr-top.sh RECORDING.jfr [N]
#
# Prints three lists of the N [25] most frequent entries, as a share of all samples:
#   self      the method on top of the stack (where the CPU was)
#   package   the same, by package (gov.nist.javax.sip.parser, java.util, ...)
#   liaison   the innermost org.liaison frame of each sample (whose request the CPU was spent for)
# Needs: the JDK's jfr tool.
set -euo pipefail
REC=$1 N=${2:-25}
jfr print --events jdk.ExecutionSample --stack-depth 64 "$REC" | awk -v n="$N" '
  function flush() {
    if (!inside) return
    total++
    if (top != "") { self[top]++; pkg = top; sub(/\.[^.]*\.[^.(]*$/, "", pkg); bypkg[pkg]++ }
    ours[own == "" ? "(no org.liaison frame)" : own]++
    inside = 0
  }
  function report(title, a,   k, m, i, best, bk) {
    printf "\n%s (of %d samples)\n", title, total
    for (i = 1; i <= n; i++) {
      best = 0
      for (k in a) if (a[k] > best) { best = a[k]; bk = k }
      if (!best) break
      printf "%6.1f%% %7d  %s\n", 100 * best / total, best, bk
      delete a[bk]
    }
  }
  /jdk.ExecutionSample/ { flush(); inside = 1; depth = 0; top = ""; own = ""; next }
  inside && /line:/ {
    f = $1; sub(/\(.*/, "", f)
    if (depth++ == 0) top = f
    if (own == "" && f ~ /^org\.liaison\./) own = f
  }
  END { flush(); report("self: top frame", self); report("package of the top frame", bypkg);
        report("innermost org.liaison frame", ours) }'
