# Helpers the benchmark scripts share; sourced, not run.

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { log "$(basename "$0" .sh): $*"; exit 1; }

# step_search RUN TEST LO HI : the step-up search for the highest passing load. From LO, the
# highest value known to pass, steps up by STEP_FACTOR until "RUN TEST VALUE sN" prints FAIL, then
# bisects between the highest pass and the lowest failure while they are more than 10 % apart;
# STEP_MAX runs at most. HI is the lowest failing value already known, empty if none. Prints
# "HIGHEST-PASS LOWEST-FAIL" (LOWEST-FAIL "none" when nothing failed).
step_search() {
  local run=$1 test=$2 lo=$3 hi=$4 steps=0 r
  while [ "$steps" -lt "$STEP_MAX" ]; do
    if [ -z "$hi" ]; then r=$(awk -v l="$lo" -v f="$STEP_FACTOR" 'BEGIN {printf "%d", l * f + 0.5}')
    else
      awk -v l="$lo" -v h="$hi" 'BEGIN {exit !(h / l > 1.1)}' || break
      r=$(( (lo + hi) / 2 ))
    fi
    steps=$((steps + 1))
    if [ "$("$run" "$test" "$r" "s$steps")" = PASS ]; then lo=$r; else hi=$r; fi
  done
  echo "$lo ${hi:-none}"
}
