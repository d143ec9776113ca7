#!/usr/bin/env bash
# Cluster benchmark (issue 10): the same SIPp load on one node with its state in files, one node with
# its state in Redis, and two nodes sharing that Redis, one after the other in one invocation, and
# the Redis memory one registration takes. Loopback only; prints a markdown report.
#
#   bench/bench-cluster.sh                                   # defaults below
#   REG_RATES=200 MSG_RATES=200 DURATION=5 REPEAT=1 MEM_REGISTRATIONS=2000 bench/bench-cluster.sh   # smoke
#
# CPU per transaction counts every process that serves it: the Liaison node(s) and, in cluster mode,
# redis-server (utime+stime from /proc, bench/bench-sip.sh's COUNT_PIDS). Redis runs as a cluster's
# must (appendonly yes, appendfsync always: the server refuses anything less), its files in OUT.
# Each configuration runs bench/bench-sip.sh with TESTS="register message" (see its header: MD5
# digest, 2,000 users, per-source limits raised for the single load address); the two-node run
# splits the REGISTER load between the nodes and registers the MESSAGE recipients on the second
# node, so every message crosses nodes. A fourth configuration (two-nodes-spread, message only; SPREAD=0
# skips it) also sends half the messages through the second node, where their callees are: half cross,
# as with phones spread evenly over two nodes. Between configurations Redis is emptied (FLUSHALL).
#
# Environment (defaults in brackets): REG_RATES ["500 1000"]  MSG_RATES ["200 500"]  DURATION [15]
#   REPEAT [3]  WARMUP [8] (a node on Redis reaches its steady cost later than one on files: after 60-120 s
#   of load at 400/s, measured 2026-12-06; 8 runs of 15 s cover it)
#   MEM_REGISTRATIONS [100000] (0 = skip the memory measurement; registered at MEM_RATE [400]/s)
#   CPU_RUNS [1] (0 = only the memory measurement)  OUT [a new temporary directory]; the rest is passed to
#   bench-sip.sh.
#
# Needs: redis-server and redis-cli (Debian: redis-server, redis-tools), sipp, a JDK 17 and Maven.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/common.sh"
export REG_RATES="${REG_RATES:-500 1000}" MSG_RATES="${MSG_RATES:-200 500}" DURATION="${DURATION:-15}"
export REPEAT="${REPEAT:-3}" WARMUP="${WARMUP:-8}" STEP_UP=0 TESTS="register message"
MEM_REGISTRATIONS="${MEM_REGISTRATIONS:-100000}"
MEM_RATE="${MEM_RATE:-400}"
CPU_RUNS="${CPU_RUNS:-1}"
OUT="${OUT:-$(mktemp -d -t liaison-cluster-bench.XXXXXX)}"
command -v redis-server >/dev/null || die "redis-server is not installed (Debian: redis-server)"
command -v redis-cli >/dev/null || die "redis-cli is not installed (Debian: redis-tools)"
mkdir -p "$OUT/redis"

REDIS_PORT=""
for _ in $(seq 50); do
  p=$(( (RANDOM % 10000) + 40000 ))
  [ -n "$(ss -Hltn "sport = :$p")" ] || { REDIS_PORT=$p; break; }
done
[ -n "$REDIS_PORT" ] || die "no free port for Redis"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$OUT/redis" --save "" --appendonly yes \
    --appendfsync always --daemonize no >"$OUT/redis/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
for _ in $(seq 100); do [ "$(rcli ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
[ "$(rcli ping 2>/dev/null)" = PONG ] || die "redis-server did not start (see $OUT/redis/redis.log)"
REDIS_URI="redis://127.0.0.1:$REDIS_PORT"

# bench CONFIGURATION [VAR=VALUE...] : one bench-sip.sh run, its report in OUT/CONFIGURATION.md
bench() {
  local name=$1; shift
  rcli flushall >/dev/null
  log "configuration $name"
  env TARGET=liaison "$@" OUT="$OUT/$name" "$HERE/bench-sip.sh" >"$OUT/$name.md" 2>"$OUT/$name.log" || die "$name failed: $OUT/$name.log"
}
if [ "$CPU_RUNS" = 1 ]; then
  bench files
  bench redis REDIS_URI="$REDIS_URI" COUNT_PIDS="$REDIS_PID"
  bench two-nodes REDIS_URI="$REDIS_URI" COUNT_PIDS="$REDIS_PID" NODES=2
  [ "${SPREAD:-1}" = 0 ] || bench two-nodes-spread REDIS_URI="$REDIS_URI" COUNT_PIDS="$REDIS_PID" NODES=2 \
      TESTS=message MESSAGE_SENDERS=all
fi

# median CONFIGURATION TEST RATE : the median CPU-s per 1000 of the measured runs, and how many failed
median() {
  local rows; rows=$(awk -F'\t' -v t="$2" -v r="$3" '$1 == t && $2 == r && $3 ~ /^[0-9]+$/' "$OUT/$1/results.tsv")
  [ -n "$rows" ] || { echo "nan 0"; return; }
  echo "$(echo "$rows" | cut -f8 | sort -g | awk '{v[NR] = $1} END {printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')" \
       "$(echo "$rows" | awk -F'\t' '$11 != "PASS"' | wc -l)"
}

[ "$CPU_RUNS" = 1 ] && {
echo "## Cluster benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, ${DURATION}s per run, $REPEAT runs per rate"
echo
echo "CPU-s per 1000 transactions, every serving process counted (the node(s), and redis-server with"
echo "appendfsync always in the Redis configurations); medians of $REPEAT runs after $WARMUP warm-up runs."
echo
echo "| test | rate/s | files | Redis, one node | ratio | Redis, two nodes | ratio | two nodes, half cross | ratio | failed runs (files/one/two/half) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for t in register message; do
  rates=$REG_RATES; [ "$t" = register ] || rates=$MSG_RATES
  for r in $rates; do
    read -r f ff < <(median files "$t" "$r")
    read -r o of < <(median redis "$t" "$r")
    read -r w wf < <(median two-nodes "$t" "$r")
    h=- hf=-
    [ "$t" != message ] || [ ! -f "$OUT/two-nodes-spread/results.tsv" ] || read -r h hf < <(median two-nodes-spread "$t" "$r")
    awk -v t="$t" -v r="$r" -v f="$f" -v o="$o" -v w="$w" -v h="$h" -v x="$ff/$of/$wf/$hf" \
      'BEGIN { printf "| %s | %s | %s | %s | %.2f | %s | %.2f | %s | %s | %s |\n", t, r, f, o, (f > 0 ? o / f : 0), w, (f > 0 ? w / f : 0),
               h, (h == "-" ? "-" : sprintf("%.2f", (f > 0 ? h / f : 0))), x }'
  done
done
echo
}

if [ "$MEM_REGISTRATIONS" -gt 0 ]; then
  rcli flushall >/dev/null
  before=$(rcli info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
  duration=$(( (MEM_REGISTRATIONS + MEM_RATE - 1) / MEM_RATE ))
  env TARGET=liaison REDIS_URI="$REDIS_URI" COUNT_PIDS="$REDIS_PID" OUT="$OUT/memory" TESTS=register REG_RATES="$MEM_RATE" \
      DURATION="$duration" REPEAT=1 WARMUP=0 N_USERS=$((MEM_REGISTRATIONS + 50)) N_CALLEES=50 \
      "$HERE/bench-sip.sh" >"$OUT/memory.md" 2>"$OUT/memory.log" || die "memory run failed: $OUT/memory.log"
  after=$(rcli info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
  count=$(rcli zcard liaison:reg-expiries | tr -d '\r')
  echo "Redis memory: $count registrations took $((after - before)) bytes of used_memory," \
       "$(awk -v b=$((after - before)) -v n="$count" 'BEGIN {printf "%d", n ? b / n : 0}') bytes each" \
       "(target: under 2,048)."
  echo
fi
echo "Per configuration: $OUT/{files,redis,two-nodes,two-nodes-spread}.md; sipp files and logs under $OUT."
