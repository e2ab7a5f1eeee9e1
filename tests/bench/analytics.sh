#!/usr/bin/env bash
# Benchmark of the admin analytics summary (issue 15) through lighttpd:
# GET /api/v1/admin/analytics/summary over a 366-day span (the longest
# allowed), as an admin, measured with wrk in BENCH_ROUNDS rounds. The
# goal: p99 < 50 ms at BENCH_ANALYTICS_CONNECTIONS (8) connections (a
# handful of admins and their console's refreshes, not a crowd).
#
# The stack has the demo data (DF_SEED=1) and a year of rollup rows
# written with SQL, as the job analytics-rollup would have left them
# after a busy year: a row per day (analytics_days), revenue in two
# currencies every day, BENCH_ANALYTICS_NAMES (50) event names every day
# and every demo extension downloaded every day, and the monthly sums of
# the last two. So the summary reads 366 day rows, 732 revenue rows, and
# for events by name and top extensions the whole months' rows plus the
# days of the span's two partial months, plus the live support figures. Checks first that the answer
# has 366 days; prints a Markdown table for docs/PERFORMANCE.md with the
# goal met or not met. Timings never fail the run (the machine may be
# shared); a non-2xx answer or a socket error does (exit 1).
#
# usage: tests/bench/analytics.sh
# knobs: DF_BUILD_DIR (a non-sanitizer build; default: the checkout, else
#        build/), DF_WORKERS (4), BENCH_DURATION (10, seconds per run),
#        BENCH_ROUNDS (3), BENCH_THREADS (2),
#        BENCH_ANALYTICS_CONNECTIONS (8), BENCH_ANALYTICS_NAMES (50),
#        BENCH_PORT (18116), BENCH_STACK_DIR (.stack/bench-analytics:
#        removed and made afresh), BENCH_MAX_LOAD, BENCH_QUIET_WAIT,
#        BENCH_ALLOW_BUSY (tests/bench/lib.sh). Everything listens on
#        loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=$ROOT/scripts/stack.sh
# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"

bench_stack_env bench-analytics 18116
export DF_JOBS=0
export DF_SEED=1
bench_unlimited
ACONNS=${BENCH_ANALYTICS_CONNECTIONS:-8}
NAMES=${BENCH_ANALYTICS_NAMES:-50}
CONNS=$ACONNS
SUMMARY=/api/v1/admin/analytics/summary

bench_check_counts DURATION ROUNDS THREADS CONNS DF_WORKERS NAMES
bench_need wrk curl mariadb jq

bench_wait_quiet
bench_build_dir
bench_on_exit

# ---------------------------------------------------------------- start

bench_stack_up 1 0

# ---------------------------------------------------------------- seed

TO=$(date -u +%Y-%m-%d)
FROM=$(date -u -d "$TO - 365 days" +%Y-%m-%d)
say "seeding a year of rollups ($FROM to $TO): $NAMES event names, every extension every day"
# seq_0_to_N: MariaDB's Sequence engine, a row per number.
bench_sql "
INSERT INTO analytics_days (day, new_users, users_total, daily_active, downloads, events)
SELECT '$FROM' + INTERVAL seq DAY, 20 + seq % 7, 1000 + seq * 20, 300 + seq % 50,
	900 + seq % 100, 0 FROM seq_0_to_365
ON DUPLICATE KEY UPDATE new_users = VALUES(new_users), users_total = VALUES(users_total),
	daily_active = VALUES(daily_active), downloads = VALUES(downloads);
INSERT INTO analytics_revenue_days (day, currency, amount)
SELECT '$FROM' + INTERVAL d.seq DAY, c.cur, 10000 + d.seq * 13
FROM seq_0_to_365 d, (SELECT 'EUR' cur UNION ALL SELECT 'USD') c
ON DUPLICATE KEY UPDATE amount = VALUES(amount);
INSERT INTO analytics_event_days (day, name, count)
SELECT '$FROM' + INTERVAL d.seq DAY, CONCAT('bench.event', n.seq), 100 + (d.seq * n.seq) % 500
FROM seq_0_to_365 d, seq_1_to_$NAMES n
ON DUPLICATE KEY UPDATE count = VALUES(count);
UPDATE analytics_days a SET events = (SELECT COALESCE(SUM(count), 0)
	FROM analytics_event_days e WHERE e.day = a.day)
	WHERE a.day BETWEEN '$FROM' AND '$TO';
INSERT INTO analytics_extension_days (day, extension_id, downloads)
SELECT '$FROM' + INTERVAL d.seq DAY, e.id, 1 + (d.seq + e.id) % 40
FROM seq_0_to_365 d, extensions e
ON DUPLICATE KEY UPDATE downloads = VALUES(downloads);
-- The months, as the job sums them from the days.
INSERT INTO analytics_event_months (month, name, count)
SELECT DATE_FORMAT(day, '%Y-%m-01'), name, SUM(count) FROM analytics_event_days
GROUP BY DATE_FORMAT(day, '%Y-%m-01'), name
ON DUPLICATE KEY UPDATE count = VALUES(count);
INSERT INTO analytics_extension_months (month, extension_id, downloads)
SELECT DATE_FORMAT(day, '%Y-%m-01'), extension_id, SUM(downloads)
FROM analytics_extension_days GROUP BY DATE_FORMAT(day, '%Y-%m-01'), extension_id
ON DUPLICATE KEY UPDATE downloads = VALUES(downloads);
ANALYZE TABLE analytics_days, analytics_revenue_days, analytics_event_days,
	analytics_extension_days, analytics_event_months,
	analytics_extension_months;" >/dev/null
# What the summary reads: the whole months [M1, M2) from the monthly
# rows, the days before M1 and from M2 from the daily ones.
M1=$(date -u -d "$(date -u -d "$FROM" +%Y-%m-01) + 1 month" +%Y-%m-%d)
[ "$(date -u -d "$FROM" +%d)" = 01 ] && M1=$FROM
M2=$(date -u -d "$TO + 1 day" +%Y-%m-01)
rows=$(bench_sql "SELECT (SELECT COUNT(*) FROM analytics_days WHERE day BETWEEN '$FROM' AND '$TO')
	+ (SELECT COUNT(*) FROM analytics_revenue_days WHERE day BETWEEN '$FROM' AND '$TO')
	+ (SELECT COUNT(*) FROM analytics_event_months WHERE month >= '$M1' AND month < '$M2')
	+ (SELECT COUNT(*) FROM analytics_extension_months WHERE month >= '$M1' AND month < '$M2')
	+ (SELECT COUNT(*) FROM analytics_event_days WHERE (day >= '$FROM' AND day < '$M1') OR (day >= '$M2' AND day <= '$TO'))
	+ (SELECT COUNT(*) FROM analytics_extension_days WHERE (day >= '$FROM' AND day < '$M1') OR (day >= '$M2' AND day <= '$TO'))")
say "$rows rollup rows read for the span"

# An admin: a registered account made admin by SQL (the role is read
# from the database on every request, so its token serves).
tok=$(bench_register bench_analytics_admin)
[ -n "$tok" ] || die "no access token for the bench admin"
bench_sql "UPDATE users SET role = 'admin' WHERE username = 'bench_analytics_admin'"

URL="$BASE$SUMMARY?from=$FROM&to=$TO"
ans=$(bench_api GET "$SUMMARY?from=$FROM&to=$TO" "$tok" '' 200)
days=$(jq '.users.daily_active | length' <<<"$ans")
[ "$days" = 366 ] || die "the summary has $days days, not 366"

# ---------------------------------------------------------------- measure

RESULTS=$S/results.txt
: >"$RESULTS"
run() {
	bench_wrk summary "$ACONNS" -H "Authorization: Bearer $tok" "$URL"
	[ "$1" = 0 ] || bench_record summary "$1"
}
run 0    # warm-up: the workers' statements prepared
LOAD_BEFORE=$(load1)
say "$ROUNDS rounds of ${DURATION}s, $THREADS threads, $ACONNS connections"
for ((r = 1; r <= ROUNDS; r++)); do
	run "$r"
done
LOAD_AFTER=$(load1)

# ---------------------------------------------------------------- report

P99=$(bench_median summary 5)
goal=$(bench_goal summary p99_lt 50)
bench_answers summary
rev=$(bench_rev)
cpu=$(bench_cpu)
busy_line=$(bench_busy_line "$BUSY")

cat <<REPORT

### Admin analytics summary benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(bench_lighttpd_version), $DF_WORKERS FastCGI processes, $(bench_mariadb_version),
wrk -t$THREADS -c$ACONNS -d${DURATION}s --latency on loopback, median of $ROUNDS rounds,
$(nproc) CPUs ($cpu), load generator on the same machine.
Load average (1 min) $LOAD_START when the run began, $LOAD_BEFORE before the rounds, $LOAD_AFTER after them.$busy_line

| target | what | req/s | p50 ms | p99 ms | errors |
|---|---|---:|---:|---:|---:|
| Summary, 366 days | \`GET $SUMMARY?from=$FROM&to=$TO\` as an admin: $rows rollup rows read ($NAMES event names, $(bench_sql "SELECT COUNT(*) FROM extensions") extensions) | $(bench_median summary 3) | $(bench_median summary 4) | $P99 | $errs |

| check | result | |
|---|---|---|
| p99, goal < 50 ms | $P99 | $goal |
| every answer 2xx (wrk: non-2xx + socket errors) | $errs | $answers_ok |
REPORT
[ "$errs" = 0 ] || exit 1
