#!/usr/bin/env bash
# The tested deployment recipe of docs/DEPLOYMENT.md, end to end on one machine: one PostgreSQL, one
# `openirp migrate`, two `openirp serve` nodes sharing one database and one key folder with distinct
# --ack-prefix, HAProxy in front (round robin, health check on /readyz), then `openirp bench` through
# HAProxy with 0 errors required, both nodes required to have minted AckNos, and a node stopped to show
# HAProxy routing around it. Everything started here is stopped and removed on exit.
#
# Environment (all optional):
#   OPENIRP                  the openirp binary (default: target/release/openirp, built if missing)
#   OPENIRP_DATABASE_URL     an existing, empty PostgreSQL database to use instead of a throwaway cluster
#   PGPORT                   port of the throwaway cluster (default 55461)
#   LB_PORT, NODE1_PORT, NODE2_PORT   default 18080, 18081, 18082
#   REQUESTS                 timed requests through HAProxy (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."

LB_PORT=${LB_PORT:-18080}
NODE1_PORT=${NODE1_PORT:-18081}
NODE2_PORT=${NODE2_PORT:-18082}
REQUESTS=${REQUESTS:-2000}
WORK=$(mktemp -d /tmp/openirp-two-nodes.XXXXXX)
pids=()
PGBIN="" PGDATA=""

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n $PGDATA ]]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGDATA"
  fi
  if ((status != 0)); then
    for log in "$WORK"/*.log; do [[ -f $log ]] && { echo "--- $log (tail)"; tail -20 "$log"; }; done >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

command -v haproxy >/dev/null || { echo "haproxy is required (apt-get install haproxy)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

OPENIRP=${OPENIRP:-}
if [[ -z $OPENIRP ]]; then
  OPENIRP=${CARGO_TARGET_DIR:-target}/release/openirp
  [[ -x $OPENIRP ]] || cargo build --release --locked -p openirp --bin openirp
fi

# 1. PostgreSQL: the given one, or a throwaway cluster with the server's durable defaults (fsync on,
#    synchronous_commit on), as the postgres user because the server refuses to run as root.
if [[ -n ${OPENIRP_DATABASE_URL:-} ]]; then
  DB=$OPENIRP_DATABASE_URL
  step "PostgreSQL: using \$OPENIRP_DATABASE_URL"
else
  PGPORT=${PGPORT:-55461}
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGDATA=$(mktemp -d /tmp/openirp-two-nodes-pg.XXXXXX)
  chown postgres:postgres "$PGDATA"
  step "PostgreSQL: throwaway cluster on 127.0.0.1:$PGPORT"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1" start >/dev/null
  "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc 'CREATE DATABASE openirp'
  DB=postgres://postgres@127.0.0.1:$PGPORT/openirp
fi

# 2. Migrate once, before any node starts (the nodes would also do it at start, under an advisory lock).
step "openirp migrate"
"$OPENIRP" migrate --database "$DB"

# 3. Two nodes: one database, one key folder (node 1 creates the keys, node 2 gets a copy before it
#    starts), distinct --ack-prefix, one --listen each.
serve() { # node, port, ack prefix
  OPENIRP_LOG=${OPENIRP_LOG:-warn} "$OPENIRP" serve --database "$DB" \
    --data-dir "$WORK/node$1" --listen "127.0.0.1:$2" --ack-prefix "$3" >"$WORK/node$1.log" 2>&1 &
  pids+=($!)
}
wait_ready() { # url
  for _ in $(seq 1 100); do
    curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$1/readyz never answered 200" >&2
  return 1
}
step "node 1 on 127.0.0.1:$NODE1_PORT (--ack-prefix 11)"
serve 1 "$NODE1_PORT" 11
wait_ready "http://127.0.0.1:$NODE1_PORT"
mkdir -m 700 "$WORK/node2"
cp -a "$WORK/node1/keys" "$WORK/node2/keys"
step "node 2 on 127.0.0.1:$NODE2_PORT (--ack-prefix 12, node 1's keys)"
serve 2 "$NODE2_PORT" 12
wait_ready "http://127.0.0.1:$NODE2_PORT"
diff -r "$WORK/node1/keys" "$WORK/node2/keys" >/dev/null

# A node without the key folder is refused (the database knows the deployment's keys) and makes none.
step "a third node without node 1's keys is refused"
# (A node that wrongly started would serve for ever: timeout stops it, and the grep below fails.)
if timeout 20 "$OPENIRP" serve --database "$DB" --data-dir "$WORK/node3" --listen 127.0.0.1:0 >"$WORK/node3.log" 2>&1; then
  echo "a node without the deployment's keys started" >&2; exit 1
fi
grep -q 'holds no keys' "$WORK/node3.log" || { cat "$WORK/node3.log" >&2; exit 1; }
[[ ! -e $WORK/node3/keys ]] || { echo "the refused node made keys" >&2; exit 1; }

# 4. HAProxy in front.
step "haproxy on 127.0.0.1:$LB_PORT -> both nodes, round robin, check GET /readyz"
export OPENIRP_LB_BIND=127.0.0.1:$LB_PORT OPENIRP_NODE1=127.0.0.1:$NODE1_PORT OPENIRP_NODE2=127.0.0.1:$NODE2_PORT
haproxy -c -q -f deploy/haproxy.cfg
haproxy -db -f deploy/haproxy.cfg >"$WORK/haproxy.log" 2>&1 &
pids+=($!)
LB=http://127.0.0.1:$LB_PORT
wait_ready "$LB"

# 5. The load through HAProxy: every request must succeed.
step "openirp bench --url $LB --requests $REQUESTS"
"$OPENIRP" bench --url "$LB" --requests "$REQUESTS" --concurrency 32 --sign-seconds 0.5 | tee "$WORK/bench.out"
grep -Eq '^  errors +0$' "$WORK/bench.out" || { echo "bench reported errors" >&2; exit 1; }

# 6. Both nodes served: AckNos of both prefixes are in the one database.
step "AckNos per node (prefix = first two digits)"
PSQL=psql
[[ -n $PGBIN ]] && PSQL=$PGBIN/psql
counts=$("$PSQL" "$DB" -Atc "SELECT p || ' ' || n FROM (SELECT substr(ack_no::text, 1, 2) AS p, count(*) AS n FROM einvoices GROUP BY 1) t ORDER BY p")
echo "$counts"
grep -q '^11 ' <<<"$counts" && grep -q '^12 ' <<<"$counts" || { echo "one node minted no AckNo" >&2; exit 1; }

# 7. Stop node 2: HAProxy stops sending it requests (failed connections are retried on node 1 and the
#    health check takes it out of rotation); a second run through HAProxy still has 0 errors.
step "node 2 stopped; openirp bench --url $LB --requests 300"
kill "${pids[1]}"
wait "${pids[1]}" 2>/dev/null || true
"$OPENIRP" bench --url "$LB" --requests 300 --concurrency 16 --sign-seconds 0.2 | tee "$WORK/bench2.out"
grep -Eq '^  errors +0$' "$WORK/bench2.out" || { echo "bench with one node down reported errors" >&2; exit 1; }

step "two-nodes recipe: OK"
