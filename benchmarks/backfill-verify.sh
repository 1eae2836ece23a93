#!/usr/bin/env bash
# Times `schemashift backfill` and `schemashift verify` as a user runs them (a fresh JVM each, start
# included) against the plain INSERT … SELECT of the same rows, on PostgreSQL, in alternating rounds
# so that both see the same machine load. See docs/performance.md, "Backfill and verify".
#
#   benchmarks/backfill-verify.sh                 # 1,000,000 rows, 5 rounds
#   ROWS=200000 ROUNDS=3 BATCH=10000 benchmarks/backfill-verify.sh
#
# Needs psql and a PostgreSQL server (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres, trust),
# and the CLI jar (./schemashift builds it on first use). Drops and creates database $DB.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-5}
DB=${DB:-schemashift_bench_bf}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
BATCH_OPT=()
if [[ -n "${BATCH:-}" ]]; then BATCH_OPT=(--batch "$BATCH"); fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
url="jdbc:postgresql://$PGHOST:$PGPORT/$DB?user=$PGUSER"

q() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
# a renamed column (name → full_name), a dropped one (legacy_flag), a derived one (name_search), lineage columns
q -c "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100), email VARCHAR(200),
        balance DECIMAL(12,2), legacy_flag INT, created_at TIMESTAMP)" \
  -c "CREATE TABLE clients (id BIGINT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(200),
        balance DECIMAL(14,4), created_at TIMESTAMP, name_search VARCHAR(100),
        schemashift_batch VARCHAR(64), schemashift_migrated_at TIMESTAMP)" \
  -c "INSERT INTO customers SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE 'Name ' || g END,
        'user' || g || '@example.com', (g % 1000) / 7.0, g % 3,
        TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1.5 second' FROM generate_series(1, $ROWS) g" \
  -c "VACUUM ANALYZE customers"

cat >"$work/schemashift.yaml" <<EOF
migration: bench
phase: dual-write
tables:
  customers:
    to: clients
    key: [id]
    columns: { name: full_name, legacy_flag: null }
    derived: { name_search: "lower(name)" }
EOF
ss() { "$root/schemashift" --config "$work/schemashift.yaml" --url "$url" "$@"; }
ss --version >/dev/null # builds the jar on first use, outside the timings
ss init >/dev/null 2>&1 || true # the control tables, where backfill and verify record their runs

plain="INSERT INTO clients (id, full_name, email, balance, created_at, name_search, schemashift_batch,
  schemashift_migrated_at) SELECT id, name, email, balance, created_at, lower(name), 'plain', CURRENT_TIMESTAMP
  FROM customers"
reset() { q -c "TRUNCATE clients" -c "DROP TABLE IF EXISTS schemashift_backfill_checkpoint" -c "CHECKPOINT"; }

time_plain() {
  reset
  local t0 t1; t0=$(now); q -c "$plain"; t1=$(now)
  echo "$t1 - $t0" | bc
}
time_backfill() {
  reset
  local t0 t1; t0=$(now); ss backfill "${BATCH_OPT[@]}" >"$work/backfill.out" 2>&1; t1=$(now)
  echo "$t1 - $t0" | bc
}

echo "rows $ROWS, rounds $ROUNDS, batch ${BATCH:-default}; $(nproc) CPUs; $(psql -X -At -d postgres -c 'SHOW server_version')"
# backfill_s: the whole command, as a user times it; copy_s: what the command reports for the table
# (connecting, checks and the batches, without the JVM's start); ratio: plain_s / backfill_s
printf '%-6s %-16s %9s %10s %7s %7s   %s\n' round order plain_s backfill_s copy_s ratio "load (1, 5, 15 min) before"
sum_plain=0 sum_bf=0
for ((r = 1; r <= ROUNDS; r++)); do
  before=$(load)
  if ((r % 2)); then p=$(time_plain); b=$(time_backfill); order="plain first"
  else b=$(time_backfill); p=$(time_plain); order="backfill first"; fi
  sum_plain=$(echo "$sum_plain + $p" | bc); sum_bf=$(echo "$sum_bf + $b" | bc)
  copy=$(grep -o 'customers: [0-9]* rows in [0-9]* batches, [0-9.]*s' "$work/backfill.out" | grep -o '[0-9.]*s$' | tr -d s)
  printf '%-6s %-16s %9.2f %10.2f %7s %7.2f   %s\n' "$r" "$order" "$p" "$b" "${copy:-?}" "$(echo "$p / $b" | bc -l)" "$before"
done
printf 'over all rounds: plain %.2f s, backfill %.2f s, ratio %.2f (backfill rows/s over plain rows/s)\n' \
  "$sum_plain" "$sum_bf" "$(echo "$sum_plain / $sum_bf" | bc -l)"
echo "last backfill said:"; sed 's/^/  /' "$work/backfill.out"

# verify: the last round left clients filled by a backfill (or by the plain statement: the same rows)
q -c "VACUUM ANALYZE clients"
printf '\n%-6s %10s %12s %12s   %s\n' round verify_s rows/s "(in-JVM)" "load before"
for ((r = 1; r <= ROUNDS; r++)); do
  before=$(load)
  t0=$(now); ss verify >"$work/verify.out" 2>&1 || { cat "$work/verify.out"; exit 1; }; t1=$(now)
  s=$(echo "$t1 - $t0" | bc)
  inner=$(grep -o '[0-9,]* rows/s' "$work/verify.out" | head -1 || true)
  printf '%-6s %10.2f %12.0f %12s   %s\n' "$r" "$s" "$(echo "$ROWS / $s" | bc -l)" "${inner:-?}" "$before"
done
echo "last verify said:"; sed 's/^/  /' "$work/verify.out"
echo "load after: $(load)"
