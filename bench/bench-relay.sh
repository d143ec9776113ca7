#!/usr/bin/env bash
# Media relay benchmark: Liaison's relay against a minimal C forwarder (and rtpengine, and no relay
# at all), same load, same machine, same run, on 127.0.0.1 only.
#
#   bench/bench-relay.sh                                     # defaults below; prints markdown tables
#   STREAMS="100" DURATION=3 REPEAT=1 STEP_UP=0 bench/bench-relay.sh     # a short smoke run
#   TARGETS="liaison udprelay rtpengine direct" RTPENGINE_RUN=<script> bench/bench-relay.sh
#
# Load (bench/relay/rtpload.c): N streams = N calls, each sending 172-byte packets (RTP header +
# 160 bytes, G.711 at 20 ms) 50 times a second each way: N streams put 100*N packets/s into the
# relay and 100*N out. Endpoints are 127.0.0.1:39000 (every caller) and :39002 (every callee); every
# stream has its own relay ports. Per run: WARMUP_S seconds unmeasured, DURATION seconds measured,
# one second of draining. It reports loss (measured packets that never came back), misrouted
# packets, one-way latency through the relay (send to kernel receive timestamp, same clock, µs).
#
# Targets, each started once by this script and kept for all its runs (each has its own ports):
#   liaison   bin/liaison relay (ng on a free port); calls set up over ng per run
#   liaison@N the same with N event loops (-Dio.netty.availableProcessors=N) instead of one per core;
#             each liaison target is its own JVM with its own 8,000 ports (2,000 calls) from 40000
#   udprelay  bench/relay/udprelay.c: one thread, epoll, recvmmsg/sendmmsg: the physical baseline;
#             started per run with N port pairs from 20000 (2,500 streams at most)
#   rtpengine started by RTPENGINE_RUN (a script that starts rtpengine with ng on RTPENGINE_NG,
#             media ports outside 39000-39003 and 40000-65535, and prints RTPENGINE_PID=<pid> on
#             its last line, like /work/shared/bench/relay/run-rtpengine.sh); calls set up over ng.
#             A count the relay has no ports for fails that run (loss 100 %).
#   direct    no relay: the endpoints send to each other (the generator's own floor)
# For each stream count in STREAMS, each target in turn (interleaved, so drifting background load
# hits all alike) runs REPEAT times; then, if STEP_UP=1, for each target but direct, the count steps
# up by STEP_FACTOR from the highest that passed until a run fails, then bisects (STEP_MAX runs).
# A run passes with loss < LOSS_MAX %, no misrouted packet, the generator roughly on schedule (fewer
# than LATE_MAX % of its packets sent over 2 ms late: beyond, the box was saturated and the load
# burstier than specified) and, if LAT_P99_MAX_US is set, p99 below it.
#
# Per run: relay CPU-seconds (utime+stime of the relay process and its children, from /proc before
# and after the run) per million packets it forwarded, relay cores, generator cores, and "other
# load": cores busy on the host (from /proc/stat) beyond the relay and the generator. Before each
# run the script waits up to QUIET_WAIT seconds for the other load to fall below QUIET_MAX cores,
# then runs anyway: the tables show each run's other load, judge its figures with it. Also the host's
# UDP receive-buffer drops during the run (/proc/net/snmp RcvbufErrors; any socket on the host).
#
# Environment (defaults in brackets):
#   TARGETS ["$TARGET udprelay direct"]  TARGET [liaison]: TARGET=rtpengine RTPENGINE_RUN=... measures
#                rtpengine alone against the same references, as bench-sip.sh does for Kamailio
#   STREAMS ["100 250 500 1000"]  DURATION [15] (<= 60)
#   WARMUP_S [2]  REPEAT [3]  WARMUP [2] unmeasured runs of liaison and rtpengine at the first count
#                (the JVM compiles the packet path during the first half-minute)
#   STEP_UP [1]  STEP_FACTOR [1.5]  STEP_MAX [4]  LOSS_MAX [0.1]  LATE_MAX [10]  LAT_P99_MAX_US []
#   QUIET_MAX [0.3]  QUIET_WAIT [60]  OUT [a new temporary directory]
#   REPORT=DIR  only print the tables of an earlier run's OUT (with the same TARGETS and STREAMS)
#   RTPENGINE_RUN, RTPENGINE_NG [127.0.0.1:2223]
#   LIAISON_JAVA_OPTS  passed to the JVM by bin/liaison
#   EXTRA_PROPERTIES   lines appended to the generated liaison.properties
#
# Needs: a C compiler (cc), a JDK 17 and Maven (bin/liaison builds on first use), ss. Every run is
# bounded (rtpload stops itself; timeout(1) around it); every process started is stopped on exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGETS="${TARGETS:-${TARGET:-liaison} udprelay direct}"
TARGETS=$(printf '%s\n' $TARGETS | awk '!seen[$0]++' | xargs)   # each once, in order
STREAMS="${STREAMS:-100 250 500 1000}"
DURATION="${DURATION:-15}"
WARMUP_S="${WARMUP_S:-2}"
REPEAT="${REPEAT:-3}"
WARMUP="${WARMUP:-2}"
STEP_UP="${STEP_UP:-1}"
STEP_FACTOR="${STEP_FACTOR:-1.5}"
STEP_MAX="${STEP_MAX:-4}"
LOSS_MAX="${LOSS_MAX:-0.1}"
LATE_MAX="${LATE_MAX:-10}"
LAT_P99_MAX_US="${LAT_P99_MAX_US:-}"
QUIET_MAX="${QUIET_MAX:-0.3}"
QUIET_WAIT="${QUIET_WAIT:-60}"
RTPENGINE_NG="${RTPENGINE_NG:-127.0.0.1:2223}"
OUT="${REPORT:-${OUT:-$(mktemp -d -t liaison-relay-bench.XXXXXX)}}"
# ports: rtpengine's own range must stay within 30000-38999 (as RTPENGINE_RUN's example does)
A_PORT=39000 B_PORT=39002 LIAISON_PORT_MIN=40000 LIAISON_PORTS_EACH=8000 UDPRELAY_BASE=20000 UDPRELAY_MAX=2500
CLK_TCK=$(getconf CLK_TCK)
. "$HERE/common.sh"

command -v cc >/dev/null || die "no C compiler (Debian: apt-get install gcc)"
command -v ss >/dev/null || die "ss is not installed (Debian: iproute2)"
[ "$DURATION" -le 60 ] || { log "DURATION capped at 60 s"; DURATION=60; }
RTPLOAD="$OUT/bin/rtpload"
udp_port_free() { [ -z "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]; }

# ---------------------------------------------------------------- processes we started
declare -A RELAY_PID=()
UDPRELAY_PID=""
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in $UDPRELAY_PID "${RELAY_PID[@]}"; do stop_pid "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the relays
declare -A NG=([rtpengine]=$RTPENGINE_NG)
LIAISONS=0
start_liaison() {   # start_liaison TARGET : liaison or liaison@LOOPS
  local target=$1 dir="$OUT/$1" ng_port java_opts="${LIAISON_JAVA_OPTS:-}"
  local pmin=$((LIAISON_PORT_MIN + LIAISONS * LIAISON_PORTS_EACH))
  LIAISONS=$((LIAISONS + 1))
  [ "$target" = liaison ] || java_opts="$java_opts -Dio.netty.availableProcessors=${target#liaison@}"
  for _ in $(seq 100); do ng_port=$(( (RANDOM % 5000) + 10000 )); udp_port_free "$ng_port" && break; done
  mkdir -p "$dir"
  cat >"$dir/liaison.properties" <<PROPS
data.dir = $dir/data
relay.address = 127.0.0.1
relay.port-min = $pmin
relay.port-max = $((pmin + LIAISON_PORTS_EACH - 1))
relay.control-address = 127.0.0.1
relay.control-port = $ng_port
# the load generator's phones are sockets on loopback, which media may not reach by default
media.allowed-destinations = 127.0.0.0/8
${EXTRA_PROPERTIES:-}
PROPS
  if [ ! -f "$ROOT/sip-server/target/sip-server.jar" ] || [ ! -d "$ROOT/sip-server/target/lib" ]; then
    log "building (mvn package -DskipTests)"
    (cd "$ROOT" && timeout 600 mvn -q -B -DskipTests package >"$OUT/build.log" 2>&1) || die "build failed: $OUT/build.log"
  fi
  LIAISON_JAVA_OPTS="$java_opts" "$ROOT/bin/liaison" relay --config "$dir" >"$dir/relay.log" 2>&1 &
  RELAY_PID[$target]=$!   # bin/liaison execs java: this is the JVM
  for _ in $(seq 300); do
    grep -q 'ng control listening' "$dir/relay.log" 2>/dev/null && { NG[$target]="127.0.0.1:$ng_port"; return 0; }
    kill -0 "${RELAY_PID[$target]}" 2>/dev/null || break
    sleep 0.1
  done
  cat "$dir/relay.log" >&2
  die "the relay did not start within 30 s"
}

start_rtpengine() {
  local run="${RTPENGINE_RUN:?TARGET rtpengine needs RTPENGINE_RUN (see the header)}" line
  line=$("$run" | tail -1)
  RELAY_PID[rtpengine]=$(echo "$line" | sed -n 's/.*RTPENGINE_PID=\([0-9]*\).*/\1/p')
  [ -n "${RELAY_PID[rtpengine]}" ] || die "rtpengine did not start: $line"
}

# prepare TARGET N MAP RUNID : sessions for N streams, the map written; sets RUN_PID (whose CPU
# counts). Fails when the relay cannot take N streams.
prepare() {
  local target=$1 n=$2 map=$3 id=$4
  case "$target" in
    liaison* | rtpengine)
      "$RTPLOAD" setup --ng "${NG[$target]}" --streams "$n" --map "$map" --prefix "$id" \
          --a-port $A_PORT --b-port $B_PORT || return 1
      RUN_PID=${RELAY_PID[$target]} ;;
    udprelay)
      [ "$n" -le "$UDPRELAY_MAX" ] || return 1
      "$OUT/bin/udprelay" $UDPRELAY_BASE "$n" 2>>"$OUT/udprelay.log" &
      UDPRELAY_PID=$! RUN_PID=$!
      for i in $(seq 0 $((n - 1))); do echo "127.0.0.1 $((UDPRELAY_BASE + 4 * i)) $((UDPRELAY_BASE + 4 * i + 2))"; done >"$map"
      for _ in $(seq 50); do udp_port_free $((UDPRELAY_BASE + 4 * n - 2)) || return 0; sleep 0.1; done
      die "udprelay did not bind its ports" ;;
    direct)
      for _ in $(seq "$n"); do echo "127.0.0.1 $B_PORT $A_PORT"; done >"$map"
      RUN_PID="" ;;
  esac
}

finish() {   # finish TARGET N RUNID
  case "$1" in
    liaison* | rtpengine) "$RTPLOAD" teardown --ng "${NG[$1]}" --streams "$2" --prefix "$3" || log "$1: teardown incomplete" ;;
    udprelay) stop_pid "$UDPRELAY_PID"; wait "$UDPRELAY_PID" 2>/dev/null || true; UDPRELAY_PID="" ;;
  esac
}

# ---------------------------------------------------------------- CPU accounting
proc_cpu_ticks() {   # utime+stime of PID and its children (waited-for and live)
  local total=0 pid
  [ -n "$1" ] || { echo 0; return; }
  for pid in $1 $(pgrep -P "$1" 2>/dev/null || true); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  echo "$total"
}
# UDP datagrams the host dropped for a full socket receive buffer (all sockets, other tenants' too)
udp_rcvbuf_errors() { awk '$1 == "Udp:" && $2 ~ /^[0-9]/ {print $6}' /proc/net/snmp; }
host_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
other_cores() {   # cores busy over one second, beyond PIDs given
  local h0 h1 p0=0 p1=0 pid
  h0=$(host_busy_ticks); for pid in "$@"; do p0=$((p0 + $(proc_cpu_ticks "$pid"))); done
  sleep 1
  h1=$(host_busy_ticks); for pid in "$@"; do p1=$((p1 + $(proc_cpu_ticks "$pid"))); done
  awk -v h=$((h1 - h0)) -v p=$((p1 - p0)) -v t="$CLK_TCK" 'BEGIN {printf "%.2f", (h - p) / t}'
}
wait_quiet() {
  local other waited=0
  while :; do
    other=$(other_cores "${RELAY_PID[@]}")
    awk -v o="$other" -v m="$QUIET_MAX" 'BEGIN {exit !(o < m)}' && return 0
    [ "$waited" -ge "$QUIET_WAIT" ] && { log "other load still $other cores after ${waited}s: running anyway"; return 0; }
    waited=$((waited + 1))
  done
}

# ---------------------------------------------------------------- runs
RESULTS="$OUT/results.tsv"
results_header() {
  printf 'target\tstreams\trun\tloss_pct\tmisrouted\tp50_us\tp99_us\tp999_us\tmax_us\tforwarded\trelay_cpu_s\tcpu_per_mpkt\trelay_cores\tgen_cores\tother_cores\tlate_pct\tverdict\thost_rcvbuf_drops\n' >"$RESULTS"
}

# run_once TARGET N RUN : one run; prints PASS or FAIL
run_once() {
  local target=$1 n=$2 run=$3 d="$OUT/$1-n$2-$3" id="$1-n$2-$3"
  mkdir -p "$d"; : >"$d/rtpload.out"
  wait_quiet
  local c0 c1 h0 h1 t0 t1 e0 e1 rc=0
  RUN_PID=""
  c0=0 h0=$(host_busy_ticks); t0=$(date +%s.%N) e0=$(udp_rcvbuf_errors)
  if prepare "$target" "$n" "$d/map" "$id" 2>"$d/rtpload.err"; then
    c0=$(proc_cpu_ticks "$RUN_PID"); h0=$(host_busy_ticks); t0=$(date +%s.%N)
    timeout $((WARMUP_S + DURATION + 30)) "$RTPLOAD" run --map "$d/map" --streams "$n" --duration "$DURATION" \
        --warmup "$WARMUP_S" --a-port $A_PORT --b-port $B_PORT >"$d/rtpload.out" 2>"$d/rtpload.err" || rc=$?
  else
    rc="setup failed"
  fi
  c1=$(proc_cpu_ticks "$RUN_PID"); h1=$(host_busy_ticks); t1=$(date +%s.%N) e1=$(udp_rcvbuf_errors)
  finish "$target" "$n" "$id"
  val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" "$d/rtpload.out" | head -1; }
  local loss mis p50 p99 p999 max fwd late gen
  loss=$(val loss_pct) mis=$(val misrouted) p50=$(val p50_us) p99=$(val p99_us) p999=$(val p999_us)
  max=$(val max_us) fwd=$(val forwarded) late=$(val late_pct) gen=$(val gen_cpu_s)
  [ "$rc" = 0 ] && [ -n "$loss" ] || { log "$target n=$n: $rc: $(head -c 300 "$d/rtpload.err")"; loss=100 mis=0 p50=nan p99=nan p999=nan max=nan fwd=0 late=0 gen=0; }
  local cpu per_m relay_cores gen_cores other
  cpu=$(awk -v a="$c0" -v b="$c1" -v t="$CLK_TCK" 'BEGIN {printf "%.2f", (b - a) / t}')
  [ -n "$RUN_PID" ] || cpu=0
  per_m=$(awk -v c="$cpu" -v f="$fwd" -v p="$RUN_PID" 'BEGIN { if (p != "" && f > 0) printf "%.1f", c * 1e6 / f; else print "-" }')
  read -r relay_cores gen_cores other < <(awk -v c="$cpu" -v g="$gen" -v h=$((h1 - h0)) -v t="$CLK_TCK" \
      -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
      'BEGIN {printf "%.2f %.2f %.2f\n", c / s, g / s, h / t / s - c / s - g / s}')
  local verdict=PASS
  awk -v l="$loss" -v m="$LOSS_MAX" -v late="$late" -v lm="$LATE_MAX" -v p="$p99" -v pm="$LAT_P99_MAX_US" -v mis="$mis" \
      'BEGIN {exit !(l < m && mis == 0 && late < lm && (pm == "" || p < pm))}' || verdict=FAIL
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$n" "$run" "$loss" "$mis" \
      "$p50" "$p99" "$p999" "$max" "$fwd" "$cpu" "$per_m" "$relay_cores" "$gen_cores" "$other" "$late" "$verdict" \
      "$((e1 - e0))" >>"$RESULTS"
  log "$target n=$n run=$run loss=${loss}% misrouted=$mis p50=${p50}us p99=${p99}us fwd=$fwd relayCPU=${cpu}s (${per_m}/Mpkt, ${relay_cores} cores) gen=${gen_cores} other=${other} late=${late}% hostRcvbufDrops=$((e1 - e0)) -> $verdict"
  echo "$verdict"
}

# search TARGET BEST FIRST_FAIL : the step-up search from the highest count that passed; appends to max.tsv
search() {
  local target=$1 best=$2 first_fail=$3 found
  if [ "$STEP_UP" = 1 ] && [ "$best" != none ]; then
    { [ "$first_fail" = none ] || [ "$first_fail" -le "$best" ]; } && first_fail=""
    found=$(step_search run_once "$target" "$best" "$first_fail")
    best=${found% *} first_fail=${found#* }
  fi
  printf '%s\t%s\t%s\n' "$target" "$best" "$first_fail" >>"$OUT/max.tsv"
}

# report : the tables, from $OUT/results.tsv and $OUT/max.tsv
report() {
  echo "## Media relay benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, ${DURATION}s per run (+${WARMUP_S}s warm-up)"
  echo
  echo "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), $(java -version 2>&1 | head -1)$(
    case " $TARGETS " in *" rtpengine "*) echo ", $(rtpengine --version 2>&1 | head -1)" ;; esac)"
  echo
  echo "| target | streams | run | loss % | misrouted | p50 µs | p99 µs | p99.9 µs | max µs | forwarded | relay CPU-s | CPU-s per Mpkt | relay cores | generator cores | other load | late % | verdict | host rcvbuf drops |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
  tail -n +2 "$RESULTS" | awk -F'\t' '{s = "|"; for (i = 1; i <= NF; i++) s = s " " $i " |"; print s}'
  echo
  echo "Medians of the fixed-count runs (warm-up and step-up runs left out); ratio = CPU per packet"
  echo "against udprelay at the same count; added latency = the target's median minus direct's:"
  echo
  echo "| target | streams | runs | passed | loss % (max) | CPU-s per Mpkt (median [min..max]) | ratio | p50 µs | p99 µs | added p50 / p99 µs | relay cores | generator cores | other load (max) |"
  echo "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  fixed() { tail -n +2 "$RESULTS" | awk -F'\t' -v t="$1" -v n="$2" '$1 == t && $2 == n && $3 ~ /^[0-9]+$/'; }
  med() { cut -f"$1" | awk '$1 != "-"' | sort -g | awk '{v[NR] = $1} END {if (!NR) {print "-"; exit} m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m}'; }
  for n in $STREAMS; do
    for t in $TARGETS; do
      rows=$(fixed "$t" "$n"); [ -n "$rows" ] || continue
      runs=$(echo "$rows" | wc -l); passed=$(echo "$rows" | awk -F'\t' '$17 == "PASS"' | wc -l)
      cpu=$(echo "$rows" | med 12)
      range=$(echo "$rows" | cut -f12 | awk '$1 != "-"' | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {if (NR) printf " [%s..%s]", lo, hi}')
      ref=$(fixed udprelay "$n" | med 12)
      ratio=$(awk -v c="$cpu" -v r="$ref" 'BEGIN { if (c != "-" && r != "-" && r > 0) printf "%.2f", c / r; else print "-" }')
      p50=$(echo "$rows" | med 6); p99=$(echo "$rows" | med 7)
      d50=$(fixed direct "$n" | med 6); d99=$(fixed direct "$n" | med 7)
      added=$(awk -v a="$p50" -v b="$p99" -v c="$d50" -v d="$d99" 'BEGIN { if (c != "-" && d != "-") printf "%d / %d", a - c, b - d; else print "-" }')
      [ "$t" = direct ] && added="-"
      loss=$(echo "$rows" | cut -f4 | sort -g | tail -1); other=$(echo "$rows" | cut -f15 | sort -g | tail -1)
      echo "| $t | $n | $runs | $passed | $loss | $cpu$range | $ratio | $p50 | $p99 | $added | $(echo "$rows" | med 13) | $(echo "$rows" | med 14) | $other |"
    done
  done
  echo
  echo "| target | most streams passing (loss < ${LOSS_MAX} %${LAT_P99_MAX_US:+, p99 < ${LAT_P99_MAX_US} µs}) | lowest failing count seen |"
  echo "|---|---:|---:|"
  awk -F'\t' '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$OUT/max.tsv"
  echo
  echo "raw files and relay logs: $OUT"
}

# ---------------------------------------------------------------- main
if [ -n "${REPORT:-}" ]; then report; exit 0; fi
mkdir -p "$OUT/bin"
for tool in rtpload udprelay; do
  cc -O2 -Wall -o "$OUT/bin/$tool" "$HERE/relay/$tool.c" || die "cannot build $tool"
done
for p in $A_PORT $B_PORT; do udp_port_free "$p" || die "UDP port $p (a generator endpoint) is taken"; done
results_header
for t in $TARGETS; do
  case "$t" in
    liaison | liaison@[1-9]*) start_liaison "$t" ;;
    rtpengine) start_rtpengine ;;
    udprelay | direct) ;;
    *) die "unknown target $t (liaison, liaison@N, udprelay, rtpengine, direct)" ;;
  esac
done
log "targets [$TARGETS], streams [$STREAMS], ${DURATION}s per run (+${WARMUP_S}s warm-up), out $OUT"
first=${STREAMS%% *}
for t in $TARGETS; do
  # udprelay and direct have no JIT to warm and start afresh each run
  case "$t" in udprelay | direct) continue ;; esac
  for w in $(seq 1 "$WARMUP"); do run_once "$t" "$first" "warmup$w" >/dev/null; done
done
declare -A BEST=() FIRST_FAIL=()
for n in $STREAMS; do
  for t in $TARGETS; do
    all=PASS
    for i in $(seq "$REPEAT"); do v=$(run_once "$t" "$n" "$i"); [ "$v" = PASS ] || all=FAIL; done
    if [ "$all" = PASS ]; then BEST[$t]=$n; elif [ -z "${FIRST_FAIL[$t]:-}" ]; then FIRST_FAIL[$t]=$n; fi
  done
done
: >"$OUT/max.tsv"
for t in $TARGETS; do
  [ "$t" = direct ] || search "$t" "${BEST[$t]:-none}" "${FIRST_FAIL[$t]:-none}"
done

report
