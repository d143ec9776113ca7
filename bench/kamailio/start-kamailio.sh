#!/usr/bin/env bash
# Start Kamailio with bench/kamailio/kamailio.cfg on 127.0.0.1:PORT, its subscriber table (HA1
# precomputed, as Liaison's users.csv holds them after `bin/liaison passwd`) built from a
# users.csv of username,password,domain lines. Used by bench/bench-sip.sh.
#
#   start-kamailio.sh USERS.CSV PORT RUNDIR [CHILDREN]
#
# Prints "KAMAILIO_PID=<pid>" (the main process: stopping it stops its workers) and returns;
# Kamailio's log is RUNDIR/kamailio.log.
# Needs: kamailio and kamailio-sqlite-modules (Debian), sqlite3, md5sum.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
USERS=$1 PORT=$2 RUNDIR=$3 CHILDREN=${4:-$(nproc)}
mkdir -p "$RUNDIR"
DB="$RUNDIR/subscriber.sqlite"
rm -f "$DB"
# HA1 = MD5(username:realm:password), the realm being the domain (RFC 2617 3.2.2.2)
while IFS=, read -r user password domain; do
  ha1=$(printf '%s:%s:%s' "$user" "$domain" "$password" | md5sum)
  printf "INSERT INTO subscriber (username, domain, ha1) VALUES ('%s', '%s', '%s');\n" "$user" "$domain" "${ha1%% *}"
done <"$USERS" >"$RUNDIR/subscriber.sql"
# the table layout auth_db reads (Kamailio's schema, version 7), with its unique index
sqlite3 "$DB" <<SQL
CREATE TABLE version (table_name VARCHAR(32) PRIMARY KEY, table_version INTEGER NOT NULL);
INSERT INTO version VALUES ('subscriber', 7);
CREATE TABLE subscriber (id INTEGER PRIMARY KEY, username VARCHAR(64) NOT NULL,
    domain VARCHAR(64) NOT NULL, password VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) NOT NULL, ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    UNIQUE (username, domain));
BEGIN;
.read $RUNDIR/subscriber.sql
COMMIT;
SQL
DEFS=(-A "DBURL=\"sqlite://$DB\"" -A "PORT=$PORT" -A "CHILDREN=$CHILDREN" -A "CTL=\"unix:$RUNDIR/ctl\"")
kamailio -c -f "$HERE/kamailio.cfg" "${DEFS[@]}" >"$RUNDIR/check.log" 2>&1 || { cat "$RUNDIR/check.log" >&2; exit 1; }
# -DD: foreground (we put it in the background ourselves, so $! is Kamailio's main process);
# -E: log to stderr; 256 MB shm: 30 s of transactions at a few thousand per second; the fast
# allocator (fm), not the debugging default (qm)
kamailio -f "$HERE/kamailio.cfg" "${DEFS[@]}" -DD -E -m 256 -M 16 -x fm -X fm -P "$RUNDIR/kamailio.pid" \
    -Y "$RUNDIR" >"$RUNDIR/kamailio.log" 2>&1 </dev/null &
PID=$!
for _ in $(seq 100); do
  [ -z "$(ss -Hlun "sport = :$PORT" 2>/dev/null)" ] || { echo "KAMAILIO_PID=$PID"; exit 0; }
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
kill "$PID" 2>/dev/null || true
cat "$RUNDIR/kamailio.log" >&2
exit 1
