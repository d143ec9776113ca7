#!/usr/bin/env bash
# SIP load benchmark of Liaison against Kamailio with SIPp, both in one invocation, on 127.0.0.1 only.
#
#   bench/bench-sip.sh                         # defaults below; prints markdown tables and the ratio
#   REG_RATES="100" CALL_RATES="10" DURATION=5 STEP_UP=0 bench/bench-sip.sh    # a short smoke run
#
# It starts the server itself (bin/liaison serve --config <generated dir>) with N_USERS users
# u0000.. of domain bench.local and UDP on 127.0.0.1, then runs, for each test in TESTS:
#   register  REGISTER -> 401 -> REGISTER (MD5 digest) -> 200, one user per sipp call: a new
#             registration each time (a new Call-ID, as a phone that restarted)
#   refresh   the same exchange as a running phone's refresh: its own Call-ID, a CSeq above the last
#             run's (sipp -base_cseq from the clock). The first warm-up run registers every user; later
#             runs only refresh, so every REGISTER of a run must be another user's: N_USERS must be at
#             least rate x DURATION + N_CALLEES (checked)
#   call      INVITE -> 407 -> ACK, INVITE (digest) -> 180/200 -> ACK, hold CALL_HOLD_MS, BYE -> 200,
#             to N_CALLEES users registered from one sipp UAS (the server sends to the flow a
#             binding came from, so they register from the UAS's own port)
# at each fixed rate (REPEAT runs of DURATION seconds), then, if STEP_UP=1, steps the rate up by
# STEP_FACTOR from the highest rate that passed until a run fails and bisects (STEP_MAX runs at
# most): the result is the highest rate with zero failed calls.
#
# Per run: target and achieved rate (successful transactions per second while they completed, from
# sipp's response-time samples), ok/failed calls, server CPU-seconds per 1000 transactions
# (utime+stime of the server process, all threads, from /proc/PID/stat before and after), and
# sipp's response time p50/p99 in ms (RTD 1: whole REGISTER exchange / INVITE -> 200 including the
# challenge; sipp measures in whole milliseconds and includes its own scheduling).
#
# Environment (defaults in brackets):
#   TESTS ["register call"], also "refresh", "message" and "message-offline"  REG_RATES ["200 500 1000"]
#                (refresh runs at REG_RATES too)
#   CALL_RATES ["20 50 100"]  MSG_RATES ["200 500 1000"]  OFFLINE_RATES ["50 100 200"]
#   DURATION [10] seconds per run, capped at 300    REPEAT [1] runs per fixed rate
#   STEP_UP [1]  STEP_FACTOR [1.5]  STEP_MAX [4]    CALL_HOLD_MS [1000]
#   WARMUP [1]   runs at the first rate of each test before measuring, listed as "warmupN" (the JVM compiles the
#                hot paths during the first seconds; that run is listed as "warmup", not judged)
#   N_USERS [2000]  N_CALLEES [50]  OUT [a new temporary directory]  SIPP_BUF [4194304]
#   TARGET [both when kamailio is installed and REDIS_URI is empty, else liaison] | liaison | kamailio
#          both: Liaison and Kamailio run side by side on their own ports; every run is made
#                against each in turn (warm-ups, then per rate and repeat: Liaison, Kamailio), so
#                both see the same machine at nearly the same moment, and the medians table gives
#                the ratio Liaison / Kamailio. The machine's load average is recorded with every run.
#          Kamailio is started from bench/kamailio/kamailio.cfg by bench/kamailio/start-kamailio.sh
#          (Debian: kamailio kamailio-sqlite-modules sqlite3) with KAM_CHILDREN [nproc] UDP workers,
#          or by KAMAILIO_RUN, a script that takes a users.csv of username,password,domain, reads
#          KAM_PORT and prints KAMAILIO_PID=. message-offline runs against Liaison only (Kamailio
#          has no store).
#   LIAISON_JAVA_OPTS  passed to the JVM by bin/liaison
#   EXTRA_PROPERTIES   lines appended to the generated liaison.properties (e.g. "sip.worker-threads = 2")
#   MEDIA_RELAY [never] media.relay of the server: "always" has every call take relay ports (no media flows)
#   REDIS_URI [empty]  cluster mode: every node keeps its state in this Redis (cluster.redis-uri); the
#                      Redis is the caller's (bench/bench-cluster.sh starts one), its CPU counted by COUNT_PIDS
#   NODES [1] | 2      with REDIS_URI, a second Liaison node on another port sharing the Redis: the register
#                      load is split between the nodes (each sipp half the rate, half the users) and the
#                      callees register on the second node, so every call and message crosses nodes
#   MESSAGE_SENDERS [first] | all   with NODES=2: all = the message load is split between the nodes as the
#                      register load is, so the half sent through the second node reaches its callees there
#                      (half the messages cross, as with phones spread evenly over two nodes by DNS SRV)
#   COUNT_PIDS         more processes whose CPU is added to Liaison's (the Redis)
#   THREADS [0] | 1    also split every run's CPU by thread (JAIN-SIP's UDP workers, which read the socket, lettuce's event
#                      loops, GC, JIT; one line per other process: Redis, Kamailio's workers), in µs per
#                      transaction from /proc/PID/task, and print the medians of the fixed-rate runs: where a
#                      configuration's extra CPU goes, without a profiler perturbing it
#
# Needs: sipp (Debian: sip-tester), a JDK 17 and Maven (bin/liaison builds on first use), ss.
# Every sipp run is bounded by -m, -timeout and timeout(1); every process started is stopped on exit.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TESTS="${TESTS:-register call}"
REG_RATES="${REG_RATES:-200 500 1000}"
CALL_RATES="${CALL_RATES:-20 50 100}"
MSG_RATES="${MSG_RATES:-200 500 1000}"
OFFLINE_RATES="${OFFLINE_RATES:-50 100 200}"
DURATION="${DURATION:-10}"
REPEAT="${REPEAT:-1}"
STEP_UP="${STEP_UP:-1}"
STEP_FACTOR="${STEP_FACTOR:-1.5}"
STEP_MAX="${STEP_MAX:-4}"
WARMUP="${WARMUP:-1}"
CALL_HOLD_MS="${CALL_HOLD_MS:-1000}"
N_USERS="${N_USERS:-2000}"
N_CALLEES="${N_CALLEES:-50}"
SIPP_BUF="${SIPP_BUF:-4194304}"
if [ -z "${TARGET:-}" ]; then
  # cluster mode (REDIS_URI) is Liaison's alone
  if command -v kamailio >/dev/null && [ -z "${REDIS_URI:-}" ]; then TARGET=both; else TARGET=liaison; fi
fi
case "$TARGET" in
  both) TARGETS="liaison kamailio" ;;
  liaison | kamailio) TARGETS=$TARGET ;;
  *) echo "TARGET must be both, liaison or kamailio" >&2; exit 1 ;;
esac
OUT="${OUT:-$(mktemp -d -t liaison-bench.XXXXXX)}"
DOMAIN=bench.local
LIP=127.0.0.1
SCEN="$HERE/sipp"
CLK_TCK=$(getconf CLK_TCK)
. "$HERE/common.sh"

command -v sipp >/dev/null || die "sipp is not installed (Debian: apt-get install sip-tester)"
command -v ss >/dev/null || die "ss is not installed (Debian: iproute2)"
[ "$DURATION" -le 300 ] || { log "DURATION capped at 300 s"; DURATION=300; }
[ "$N_CALLEES" -lt "$N_USERS" ] || die "N_CALLEES must be below N_USERS"
mkdir -p "$OUT"

# ---------------------------------------------------------------- processes we started
SERVER_PID="" UAS_PID="" LIAISON_PID="" KAMAILIO_PID=""
cleanup() {
  local pid
  for pid in $UAS_PID $LIAISON_PID $KAMAILIO_PID ${OTHER_NODE_PIDS:-}; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $UAS_PID $LIAISON_PID $KAMAILIO_PID ${OTHER_NODE_PIDS:-}; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- ports, users
udp_port_free() { [ -z "$(ss -Hlun "sport = :$1" 2>/dev/null)" ] && [ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
RESERVED_PORTS=" "   # chosen for a later listener: free now, so free_port must not hand them out again
free_port() {   # a port free for UDP and TCP, even, with port+2 free too (sipp's media ports)
  local p
  for _ in $(seq 200); do
    p=$(( (RANDOM % 5000) * 2 + 20000 ))
    case "$RESERVED_PORTS" in *" $p "* | *" $((p + 1)) "* | *" $((p + 2)) "*) continue ;; esac
    udp_port_free "$p" && udp_port_free $((p + 1)) && udp_port_free $((p + 2)) && { echo "$p"; return; }
  done
  die "no free port found"
}
PORT="${PORT:-$(free_port)}"; RESERVED_PORTS=" $PORT $((PORT + 1)) $((PORT + 2)) "
# each assignment in the main shell, so RESERVED_PORTS grows
reserve() { local p; p=$(free_port); RESERVED_PORTS="$RESERVED_PORTS$p $((p + 1)) $((p + 2)) "; printf -v "$1" %s "$p"; }
reserve UAC_PORT1; reserve UAC_PORT2; reserve UAS_PORT; reserve KAM_PORT
LIAISON_PORT=$PORT
sipp_opts() {   # sipp_opts SIP_PORT : local sockets of one sipp, all on loopback
  local m; m=$(free_port)
  echo "-i $LIP -p $1 -mi $LIP -mp $m -ci $LIP -cp $((m + 1)) -buff_size $SIPP_BUF -nostdin"
}

USERS_PLAIN="$OUT/users-plain.csv"   # username,password,domain (what another server is loaded with)
: >"$USERS_PLAIN"
for i in $(seq 0 $((N_USERS - 1))); do
  u=$(printf 'u%04d' "$i")
  echo "$u,pw-$u-$((i * 7919 % 100003)),$DOMAIN" >>"$USERS_PLAIN"
done
NCALLERS=$((N_USERS - N_CALLEES))
awk -F, '{print $1";"$3";[authentication username="$1" password="$2"]"}' "$USERS_PLAIN" >"$OUT/all.inj"
{ echo SEQUENTIAL; head -n "$NCALLERS" "$OUT/all.inj"; } >"$OUT/registrants.csv"
{ echo SEQUENTIAL; tail -n "$N_CALLEES" "$OUT/all.inj"; } >"$OUT/callees.csv"
tail -n "$N_CALLEES" "$USERS_PLAIN" | cut -d, -f1 >"$OUT/callee-names.txt"
{ echo SEQUENTIAL; head -n "$NCALLERS" "$OUT/all.inj" |
    awk -v f="$OUT/callee-names.txt" 'BEGIN { while ((getline l < f) > 0) c[n++] = l } { print $0 ";" c[(NR - 1) % n] }'; } >"$OUT/callers.csv"
# message-offline: recipients that never register (Liaison only: it stores what no device took)
OFFLINE_PLAIN="$OUT/offline-plain.csv"
for i in $(seq 0 $((N_CALLEES - 1))); do printf 'off%04d,pw-off-%d,%s\n' "$i" "$i" "$DOMAIN"; done >"$OFFLINE_PLAIN"
{ echo SEQUENTIAL; head -n "$NCALLERS" "$OUT/all.inj" |
    awk -v f="$OFFLINE_PLAIN" 'BEGIN { while ((getline l < f) > 0) { split(l, a, ","); c[n++] = a[1] } } { print $0 ";" c[(NR - 1) % n] }'; } >"$OUT/offline.csv"

# ---------------------------------------------------------------- the server under test
NODE_PORTS="$PORT" OTHER_NODE_PIDS=""
[ "${NODES:-1}" = 1 ] || { [ -n "${REDIS_URI:-}" ] || die "NODES=2 needs REDIS_URI"; reserve PORT2; NODE_PORTS="$PORT $PORT2"; }
CALLEE_PORT=${NODE_PORTS##* }   # where the callees register: the last node

write_users() {
  { echo "username,password,display_name,extension,groups"
    cat "$USERS_PLAIN" "$OFFLINE_PLAIN" | awk -F, '{printf "%s,clrtxt:%s,%s,%d,\n", $1, $2, $1, 10000 + NR}'; } >"$1/users.csv"
}

# write_properties DIR PORT N : node N's liaison.properties
write_properties() {
  local cluster=""
  [ -z "${REDIS_URI:-}" ] || cluster="cluster.redis-uri = $REDIS_URI
cluster.node-uri = sip:$LIP:$2;transport=udp"
  cat >"$1/liaison.properties" <<PROPS
sip.domain = $DOMAIN
sip.address = $LIP
sip.udp.port = $2
sip.tcp.port = 0
data.dir = $OUT/data$3
# HTTPS and the admin listener off: the nodes share an address, and neither is what is measured
http.port = 0
admin.port = 0
# sipp 3.6 answers MD5 challenges only
auth.algorithms = MD5
# the load comes from one address: the failure limiter must not be what is measured
auth.max-failures-per-source = 100000
# ... nor the flood throttle, which allows 400 datagrams a second per source by default
security.udp.max-datagrams-per-source-per-second = 1000000
security.udp.max-bytes-per-second = 1073741824
security.allowed-destinations = 127.0.0.0/8
# message-offline stores everything it sends: the per-user cap must not be what is measured
im.max-queued-per-user = 1000000
# sipp offers plain RTP and sends none: media policy off unless MEDIA_RELAY=always (relay ports only)
media.relay = ${MEDIA_RELAY:-never}
media.encryption = optional
$cluster
${EXTRA_PROPERTIES:-}
PROPS
}

start_liaison() {
  if [ ! -f "$ROOT/sip-server/target/sip-server.jar" ] || [ ! -d "$ROOT/sip-server/target/lib" ]; then
    log "building (mvn package -DskipTests)"
    (cd "$ROOT" && timeout 600 mvn -q -B -DskipTests package >"$OUT/build.log" 2>&1) || die "build failed: $OUT/build.log"
  fi
  local n=0 port pid conf
  for port in $NODE_PORTS; do
    n=$((n + 1)); conf="$OUT/conf$n"; mkdir -p "$conf"
    write_users "$conf"; write_properties "$conf" "$port" "$n"
    "$ROOT/bin/liaison" serve --config "$conf" >"$OUT/server$n.log" 2>&1 &
    pid=$!   # bin/liaison execs java: this is the JVM
    if [ -z "$LIAISON_PID" ]; then LIAISON_PID=$pid; else OTHER_NODE_PIDS="$OTHER_NODE_PIDS $pid"; fi
    await_serving "$pid" "$OUT/server$n.log"
  done
}

await_serving() {   # await_serving PID LOG
  for _ in $(seq 300); do
    grep -q 'serving sip domain' "$2" 2>/dev/null && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  cat "$2" >&2
  die "the server did not start within 30 s"
}

start_kamailio() {
  local line
  [ "${NODES:-1}" = 1 ] || die "NODES=2 is a Liaison cluster: use TARGET=liaison"
  if [ -n "${KAMAILIO_RUN:-}" ]; then
    line=$(KAM_PORT="$KAM_PORT" "$KAMAILIO_RUN" "$USERS_PLAIN" | tail -1)
  else
    command -v kamailio >/dev/null || die "kamailio is not installed (Debian: apt-get install kamailio kamailio-sqlite-modules)"
    line=$("$HERE/kamailio/start-kamailio.sh" "$USERS_PLAIN" "$KAM_PORT" "$OUT/kamailio" "${KAM_CHILDREN:-$(nproc)}" | tail -1)
  fi
  KAMAILIO_PID=$(echo "$line" | sed -n 's/.*KAMAILIO_PID=\([0-9]*\).*/\1/p')
  [ -n "$KAMAILIO_PID" ] || die "kamailio did not start: $line"
}

# use_target liaison|kamailio : what the helpers below load and measure from now on
LIAISON_NODE_PORTS=$NODE_PORTS
use_target() {
  CUR=$1
  case "$1" in
    liaison) SERVER_PID=$LIAISON_PID PORT=$LIAISON_PORT NODE_PORTS=$LIAISON_NODE_PORTS COUNTED_NODE_PIDS="${OTHER_NODE_PIDS:-} ${COUNT_PIDS:-}" ;;
    kamailio) SERVER_PID=$KAMAILIO_PID PORT=$KAM_PORT NODE_PORTS=$KAM_PORT COUNTED_NODE_PIDS="" ;;
  esac
  CALLEE_PORT=${NODE_PORTS##* }
}

# utime+stime of the server, all threads (and reaped children: Kamailio forks workers), plus the
# other nodes and COUNT_PIDS, in seconds
server_cpu() {
  local total=0 pid
  for pid in $SERVER_PID $(pgrep -P "$SERVER_PID" 2>/dev/null || true) ${COUNTED_NODE_PIDS:-}; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}')))
  done
  awk -v t="$total" -v h="$CLK_TCK" 'BEGIN {printf "%.3f", t / h}'
}

# thread_ticks : "PROCESS:THREAD-GROUP<TAB>utime+stime ticks" per thread of the counted processes, thread names
# without their trailing number (the 8 "liaison-UDPMessageChannelThread-N" are one group)
thread_ticks() {
  local pid name
  for pid in $SERVER_PID $(pgrep -P "$SERVER_PID" 2>/dev/null || true) ${COUNTED_NODE_PIDS:-}; do
    name=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
    cat /proc/"$pid"/task/*/stat 2>/dev/null | sed -E 's/^[0-9]+ \((.*)\) [A-Za-z] (.*)$/\1\t\2/' |
      awk -F'\t' -v p="$name" '{ t = $1; sub(/[-_#: ]*[0-9]+$/, "", t); split($2, f, " "); print p ":" t "\t" f[11] + f[12] }'
  done
}

# thread_costs BEFORE AFTER TRANSACTIONS : "GROUP<TAB>µs per transaction" for each group alive at the end (0 when idle)
thread_costs() {
  awk -F'\t' -v n="$3" -v hz="$CLK_TCK" 'NR == FNR { b[$1] += $2; next } { a[$1] += $2 }
    END { if (n > 0) for (g in a) if (a[g] >= b[g]) printf "%s\t%.1f\n", g, (a[g] - b[g]) * 1e6 / hz / n }' "$1" "$2"
}

# ---------------------------------------------------------------- sipp helpers
stat_value() {   # stat_value STAT.CSV COLUMN : the column of the last line
  awk -F';' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } END { if (k) print $k }' "$1"
}
rtt_summary() {  # rtt_summary DIR : "achieved_rate p50 p99" from RTD 1 samples (Date_ms;response_time_ms;rtd_no)
  local samples="$1/rtd1.txt"
  cat "$1"/*_rtt.csv 2>/dev/null | awk -F';' '$3 == 1 { print $1, $2 }' >"$samples" || true
  local n; n=$(wc -l <"$samples")
  [ "$n" -ge 2 ] || { echo "nan nan nan"; return; }
  # achieved: completed transactions per second between the first and the last completion
  local rate; rate=$(sort -n -k1,1 "$samples" | awk 'NR == 1 {a = $1} {b = $1} END {printf "%.1f", (NR - 1) * 1000 / (b - a > 0 ? b - a : 1)}')
  local p50 p99
  p50=$(awk '{print $2}' "$samples" | sort -n | awk -v k=$(( (n - 1) * 50 / 100 + 1 )) 'NR == k')
  p99=$(awk '{print $2}' "$samples" | sort -n | awk -v k=$(( (n - 1) * 99 / 100 + 1 )) 'NR == k')
  echo "$rate $p50 $p99"
}

register_callees() {
  local d="$OUT/$CUR-callee-registration"; mkdir -p "$d"
  (cd "$d" && timeout 60 sipp "$LIP:$CALLEE_PORT" -sf "$SCEN/register.xml" -inf "$OUT/callees.csv" $(sipp_opts "$UAS_PORT") \
      -r 100 -m "$N_CALLEES" -timeout 30s -timeout_error -trace_stat -stf stat.csv -trace_err -error_file err.log \
      >sipp.out 2>&1) || true
  local ok; ok=$(stat_value "$d/stat.csv" 'SuccessfulCall(C)')
  [ "${ok:-0}" = "$N_CALLEES" ] || die "only ${ok:-0}/$N_CALLEES callees registered (see $d)"
  log "registered $N_CALLEES callees from the UAS port $UAS_PORT at $CUR $LIP:$CALLEE_PORT"
}

start_uas() {    # start_uas DIR SCENARIO : the callees' sipp, until stop_uas
  (cd "$1" && exec timeout $((DURATION + 60)) sipp -sf "$SCEN/$2" $(sipp_opts "$UAS_PORT") \
      -timeout $((DURATION + 50))s -trace_err -error_file uas-err.log >uas.out 2>&1) &
  UAS_PID=$!
  for _ in $(seq 50); do udp_port_free "$UAS_PORT" || return 0; sleep 0.1; done
  die "the UAS did not bind port $UAS_PORT"
}
stop_uas() {
  [ -n "$UAS_PID" ] || return 0
  kill "$UAS_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$UAS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$UAS_PID" 2>/dev/null || true
  wait "$UAS_PID" 2>/dev/null || true
  UAS_PID=""
  # wait until the port is released, so the next UAS can bind it
  for _ in $(seq 50); do udp_port_free "$UAS_PORT" && return 0; sleep 0.1; done
}

RESULTS="$OUT/results.tsv"
printf 'test\trate\trun\tachieved\tok\tfailed\tcpu_s\tcpu_per_1000\tp50_ms\tp99_ms\tverdict\tload1\ttarget\n' >"$RESULTS"

# transactions_per_run RATE : how many sipp calls a run at RATE makes (-m)
transactions_per_run() {
  awk -v r="$1" -v d="$DURATION" 'BEGIN {printf "%d", r * d + 0.5}'
}

# run_once TEST RATE RUN : one fixed-rate run against the current target; prints PASS or FAIL
run_once() {
  local test=$1 rate=$2 run=$3 d="$OUT/$CUR-$1-r$2-$3" scen inj extra=()
  mkdir -p "$d"
  local count; count=$(transactions_per_run "$rate")
  case "$test" in
    register) scen=register.xml inj="$OUT/registrants.csv" ;;
    refresh) refresh_fits "$rate" || { echo FAIL; return; }
             scen=register-refresh.xml inj="$OUT/registrants.csv" extra=(-base_cseq "$(date +%s)") ;;
    # a multi-worker proxy (Kamailio's UDP workers, JAIN-SIP's thread pool) may relay a 180 after the
    # 200 (legal on UDP): the caller must ignore such a stray provisional instead of aborting the call
    call) scen=call-uac.xml inj="$OUT/callers.csv" extra=(-d "$CALL_HOLD_MS" -default_behaviors all,-abortunexp)
          start_uas "$d" call-uas.xml ;;
    message) scen=message-uac.xml inj="$OUT/callers.csv"; start_uas "$d" message-uas.xml ;;
    message-offline) scen=message-offline-uac.xml inj="$OUT/offline.csv" ;;
  esac
  # the load's sipp processes: one, or (register on two nodes) one per node with half the users and rate
  local c0 c1 rc=0 pids=() n=0 port
  local ports=$PORT
  case "$test" in
    register | refresh) ports=$NODE_PORTS ;;
    message) [ "${MESSAGE_SENDERS:-first}" != all ] || ports=$NODE_PORTS ;;
  esac
  local shares; shares=$(echo "$ports" | wc -w)
  [ "${THREADS:-0}" = 0 ] || thread_ticks >"$d/threads-before.tsv"
  c0=$(server_cpu)
  for port in $ports; do
    n=$((n + 1))
    local part=$inj; [ "$shares" = 1 ] || part="$inj.$n-of-$shares"
    [ -f "$part" ] || { echo SEQUENTIAL; tail -n +2 "$inj" | awk -v k="$shares" -v i="$n" '(NR - 1) % k == i - 1'; } >"$part"
    local share_rate share_count uac_var="UAC_PORT$n"; local uac_port=${!uac_var}
    share_rate=$(awk -v r="$rate" -v k="$shares" 'BEGIN {printf "%g", r / k}')
    share_count=$(( (count + shares - n) / shares ))
    # refresh: a user's Call-ID is the same in every run (call N of share n is always the same user)
    local cid=(); [ "$test" != refresh ] || cid=(-cid_str "refresh-$n-%u@$DOMAIN")
    (cd "$d" && exec timeout $((DURATION + 45)) sipp "$LIP:$port" -sf "$SCEN/$scen" -inf "$part" \
        $(sipp_opts "$uac_port") "${extra[@]}" "${cid[@]}" -r "$share_rate" -m "$share_count" \
        -timeout $((DURATION + 35))s -timeout_error -recv_timeout 10000 -trace_stat -stf "stat$n.csv" -fd 1 \
        -trace_rtt -rtt_freq 1 -trace_err -error_file "err$n.log" -max_log_size 5000000 >"sipp$n.out" 2>&1) &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
  c1=$(server_cpu)
  [ "${THREADS:-0}" = 0 ] || thread_ticks >"$d/threads-after.tsv"
  case "$test" in call | message) stop_uas ;; esac
  local ok=0 failed=0 v s f
  for v in $(seq "$shares"); do
    s=$(stat_value "$d/stat$v.csv" 'SuccessfulCall(C)' 2>/dev/null || true)
    f=$(stat_value "$d/stat$v.csv" 'FailedCall(C)' 2>/dev/null || true)
    ok=$((ok + ${s:-0})) failed=$((failed + ${f:-0}))
  done
  local lost=$((count - ok - failed))   # calls never finished (sipp killed by timeout)
  local achieved p50 p99; read -r achieved p50 p99 < <(rtt_summary "$d")
  local cpu per1000
  cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}')
  per1000=$(awk -v c="$cpu" -v n="$ok" 'BEGIN { if (n > 0) printf "%.3f", c * 1000 / n; else print "nan" }')
  local verdict=PASS
  { [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$lost" = 0 ]; } || verdict=FAIL
  if [ "${THREADS:-0}" != 0 ]; then
    thread_costs "$d/threads-before.tsv" "$d/threads-after.tsv" "$ok" |
      awk -F'\t' -v pre="$CUR\t$test\t$rate\t$run" '{ print pre "\t" $0 }' >>"$OUT/threads.tsv"
  fi
  local load1; load1=$(cut -d' ' -f1 /proc/loadavg)
  # columns appended, never reordered: bench-cluster.sh reads this file by position
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$test" "$rate" "$run" "$achieved" "$ok" \
      "$((failed + lost))" "$cpu" "$per1000" "$p50" "$p99" "$verdict" "$load1" "$CUR" >>"$RESULTS"
  log "$CUR $test rate=$rate run=$run ok=$ok failed=$((failed + lost)) achieved=$achieved/s srvCPU=${cpu}s (${per1000}/1000) p50=${p50}ms p99=${p99}ms sipp=$rc load=$load1 -> $verdict"
  echo "$verdict"
}

# refresh_fits RATE : whether each REGISTER of a refresh run at RATE can be another user's (a user
# coming twice in one run would repeat the run's CSeq and be refused as out of order); logs why not
refresh_fits() {
  local count; count=$(transactions_per_run "$1")
  [ "$count" -le "$NCALLERS" ] || { log "refresh at $1/s for ${DURATION}s needs N_USERS >= $((count + N_CALLEES))"; return 1; }
}

# test_targets TEST : the targets TEST runs against (message-offline needs a store: Liaison only)
test_targets() {
  if [ "$1" = message-offline ]; then case " $TARGETS " in *" liaison "*) echo liaison ;; esac
  else echo "$TARGETS"; fi
}

# search TEST "RATES" : fixed rates, the targets alternating within every rate and repeat, then
# per target step up / bisect to the highest rate with 0 failures
search() {
  local test=$1 rates=$2 targets r i t w
  local -A best=() first_fail=() all=()
  targets=$(test_targets "$test")
  [ -n "$targets" ] || { log "$test runs against Liaison only: skipped"; return; }
  for w in $(seq 1 "$WARMUP"); do
    for t in $targets; do use_target "$t"; run_once "$test" "${rates%% *}" "warmup$w" >/dev/null; done
  done
  for r in $rates; do
    for t in $targets; do all[$t]=PASS; done
    for i in $(seq "$REPEAT"); do
      for t in $targets; do use_target "$t"; [ "$(run_once "$test" "$r" "$i")" = PASS ] || all[$t]=FAIL; done
    done
    for t in $targets; do
      if [ "${all[$t]}" = PASS ]; then best[$t]=$r; elif [ -z "${first_fail[$t]:-}" ]; then first_fail[$t]=$r; fi
    done
  done
  for t in $targets; do
    use_target "$t"
    local b=${best[$t]:-} ff=${first_fail[$t]:-} hi="" lowest_fail
    if [ "$STEP_UP" = 1 ] && [ -n "$b" ]; then
      [ -n "$ff" ] && [ "$ff" -gt "$b" ] && hi=$ff
      read -r b lowest_fail < <(step_search run_once "$test" "$b" "$hi")
      [ "$lowest_fail" = none ] || ff=$lowest_fail
    fi
    printf '%s\t%s\t%s\t%s\n' "$t" "$test" "${b:-none}" "${ff:-none}" >>"$OUT/max.tsv"
  done
}

# median(A, N) for the report's awk programs: sorts A[1..N] in place (the runs of one rate: a few) and returns its median
AWK_MEDIAN='
    function median(a, n,   i, j, x) {
      for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }'

# fixed_rate_figures TARGET TEST RATE : "CPU-median [min..max]<TAB>p50 / p99<TAB>passed/runs" of the
# target's fixed-rate runs (medians), or dashes when it made none
fixed_rate_figures() {
  tail -n +2 "$RESULTS" | awk -F'\t' -v g="$1" -v t="$2" -v r="$3" "$AWK_MEDIAN"'
    $13 == g && $1 == t && $2 == r && $3 ~ /^[0-9]+$/ {
      n++; c[n] = $8 + 0; p[n] = $9 + 0; q[n] = $10 + 0; if ($11 == "PASS") ok++
    }
    END {
      if (!n) { print "–\t–\t–"; exit }
      m = median(c, n); lo = c[1]; hi = c[n]
      printf "%.3f [%.3f..%.3f]\t%s / %s\t%d/%d\n", m, lo, hi, median(p, n), median(q, n), ok, n
    }'
}

# ---------------------------------------------------------------- main
for t in $TARGETS; do
  case "$t" in liaison) start_liaison ;; kamailio) start_kamailio ;; esac
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "targets [$TARGETS] on $LIP (liaison :$LIAISON_PORT pid ${LIAISON_PID:-–}, kamailio :$KAM_PORT pid ${KAMAILIO_PID:-–}), $N_USERS users, tests [$TESTS], ${DURATION}s per run, load $LOAD_BEFORE, out $OUT"
: >"$OUT/max.tsv"
for t in $TESTS; do
  case "$t" in
    register) search register "$REG_RATES" ;;
    refresh)
      for r in $REG_RATES; do refresh_fits "$r" || die "raise N_USERS or lower REG_RATES or DURATION"; done
      search refresh "$REG_RATES" ;;
    call | message)
      for x in $(test_targets "$t"); do use_target "$x"; register_callees; done
      if [ "$t" = call ]; then search call "$CALL_RATES"; else search message "$MSG_RATES"; fi ;;
    message-offline) search message-offline "$OFFLINE_RATES" ;;
    *) die "unknown test $t" ;;
  esac
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo "## SIP benchmark: $TARGETS, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, ${DURATION}s per run, call hold ${CALL_HOLD_MS} ms"
echo
echo "Load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER (the load column: 1 min, at the end of each run)."
echo
echo "| target | test | target/s | run | achieved/s | ok | failed | server CPU-s | CPU-s per 1000 | p50 ms | p99 ms | verdict | load |"
echo "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"
tail -n +2 "$RESULTS" | awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $13,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12}'
echo
echo "Medians of the fixed-rate runs (warm-up and step-up runs left out); ratio = Liaison / Kamailio CPU per 1000:"
echo
echo "| test | rate/s | Liaison CPU-s per 1000 | Kamailio CPU-s per 1000 | ratio | Liaison p50 / p99 ms | Kamailio p50 / p99 ms | passed L / K |"
echo "|---|---:|---|---|---:|---:|---:|---|"
tail -n +2 "$RESULTS" | awk -F'\t' '$3 ~ /^[0-9]+$/ {print $1 "\t" $2}' | sort -u -k1,1 -k2,2n | while IFS=$'\t' read -r t r; do
  IFS=$'\t' read -r lc lp lok < <(fixed_rate_figures liaison "$t" "$r")
  IFS=$'\t' read -r kc kp kok < <(fixed_rate_figures kamailio "$t" "$r")
  ratio=$(awk -v a="${lc%% *}" -v b="${kc%% *}" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "–" }')
  echo "| $t | $r | $lc | $kc | $ratio | $lp | $kp | $lok / $kok |"
done
echo
echo "| test | Liaison: highest rate with 0 failures (lowest failing) | Kamailio: same | ratio |"
echo "|---|---:|---:|---:|"
awk -F'\t' '{ hi[$2 "\t" $1] = $3; lo[$2 "\t" $1] = $4; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
  END { for (i = 1; i <= n; i++) { t = order[i]; l = hi[t "\tliaison"]; k = hi[t "\tkamailio"]
          r = (l + 0 > 0 && k + 0 > 0) ? sprintf("%.2f", l / k) : "–"
          printf "| %s | %s (%s) | %s (%s) | %s |\n", t, l == "" ? "–" : l, lo[t "\tliaison"] == "" ? "–" : lo[t "\tliaison"],
                 k == "" ? "–" : k, lo[t "\tkamailio"] == "" ? "–" : lo[t "\tkamailio"], r } }' "$OUT/max.tsv"
if [ "${THREADS:-0}" != 0 ] && [ -s "$OUT/threads.tsv" ]; then
  echo
  echo "CPU by thread, µs per transaction, medians of the fixed-rate runs (groups under 1 µs left out):"
  echo
  echo "| target | test | rate/s | process:thread group | µs per transaction | runs |"
  echo "|---|---|---:|---|---:|---:|"
  sort -t$'\t' -k1,3 -k5,5 "$OUT/threads.tsv" | awk -F'\t' "$AWK_MEDIAN"'
    function flush(   m) { if (n && (m = median(v, n)) >= 1) printf "| %s | %s | %s | %s | %.1f | %d |\n", a[1], a[2], a[3], a[4], m, n }
    $4 ~ /^[0-9]+$/ { k = $1 "\t" $2 "\t" $3 "\t" $5; if (k != key) { flush(); key = k; n = 0; split(k, a, "\t") } v[++n] = $6 }
    END { flush() }'
fi
echo
echo "raw sipp files and server logs: $OUT"
