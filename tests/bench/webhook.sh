#!/usr/bin/env bash
# Benchmark of the payment provider's webhook (issue 11): POST
# /api/v1/payments/webhook with a new event every request, as a ratio to
# the single-row autocommit INSERT rate of the same MariaDB (goal >= 0.5).
# One stack of its own (lighttpd, the worker pool, MariaDB), four targets
# measured in alternating rounds of one run:
#   insert   tests/bench/insert-rate: BENCH_CONNECTIONS threads, one
#            connection each, one prepared INSERT per statement with
#            autocommit into a copy of payment_events (the baseline);
#   insert_w the same with DF_WORKERS connections: what the pool can
#            hold open at once (for reading the figures, not the goal);
#   webhook  wrk through lighttpd, every request a different signed
#            checkout.session.completed for its own pending order of a
#            paid extension: a full fulfilment each (the order paid,
#            entitlement, ledger row, developer event, audit row,
#            receipt in the mail outbox);
#   ignored  wrk, every request a different signed event of a type we
#            record and ignore (customer.created, no order): the floor of
#            signature check, parse and one recorded row.
# The orders are made beforehand with bulk SQL the way POST /orders
# stores them (orders + order_items), the events are written to files
# and signed (tests/bench/webhook-sign, the workers' own signer) right
# before each run so their timestamps are fresh. Afterwards it checks that
# every answer was 2xx and that every order an event was sent for is paid
# and fulfilled, counting rows by SQL, and prints a Markdown table.
#
# usage: tests/bench/webhook.sh
# knobs: DF_BUILD_DIR (a non-sanitizer build; default: the checkout, else
#        build/), DF_WORKERS (4), BENCH_DURATION (10, seconds per run),
#        BENCH_ROUNDS (3), BENCH_THREADS (2), BENCH_CONNECTIONS (64: wrk's
#        connections and the insert baseline's), BENCH_PORT (18095),
#        BENCH_STACK_DIR (.stack/bench-webhook: removed and made afresh),
#        BENCH_EVENTS (0: events prepared per run, sized from the
#        warm-up's rate; a run that uses them all up is refused),
#        BENCH_MAX_LOAD, BENCH_QUIET_WAIT, BENCH_ALLOW_BUSY (as in
#        run.sh: tests/bench/lib.sh). Everything listens on loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=$ROOT/scripts/stack.sh
# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"

bench_stack_env bench-webhook 18095
# The demo catalogue holds the paid extensions the orders buy.
export DF_SEED=1
# The buyer registers once; nothing else here is limited (the webhook
# route has no limit of its own).
export DEVFORGE_RATELIMIT_AUTH=1000000/min
export DEVFORGE_RATELIMIT_DEFAULT=1000000/min
EVENTS=${BENCH_EVENTS:-0}
WEBHOOK=/api/v1/payments/webhook

bench_check_counts DURATION ROUNDS THREADS CONNS DF_WORKERS
[[ $EVENTS =~ ^[0-9]+$ ]] || die "BENCH_EVENTS must be a whole number, not '$EVENTS'"
bench_need wrk

bench_wait_quiet
bench_build_dir
INSERT_RATE=$DF_BUILD_DIR/tests/bench/insert-rate
SIGN=$DF_BUILD_DIR/tests/bench/webhook-sign
for p in "$INSERT_RATE" "$SIGN"; do
	[ -x "$p" ] || die "no $p: run make in $DF_BUILD_DIR (it builds the bench helpers)"
done

bench_on_exit

# ---------------------------------------------------------------- start

bench_stack_up 1 0
mkdir -p "$S/events"
SECRET_FILE=$S/secrets/stripe_webhook_secret
[ -s "$SECRET_FILE" ] || die "the stack wrote no webhook secret ($SECRET_FILE)"

# The buyer, registered through the API like any customer.
bench_register bench_buyer buyer@bench.example >/dev/null
BUYER=$(bench_sql "SELECT id FROM users WHERE username = 'bench_buyer'")
# A published paid extension of the demo catalogue, priced and owned as
# POST /orders would take it.
read -r EXT_ID OWNER PRICE CUR SLUG <<<"$(bench_sql "SELECT id, owner_id, price_amount,
	price_currency, slug FROM extensions WHERE status = 'published' AND price_amount > 0
	AND owner_id <> $BUYER ORDER BY id LIMIT 1")"
[ -n "${SLUG:-}" ] || die "no published paid extension in the demo catalogue (sql/seed)"
FEE_BPS=$(bench_config platform_fee_bps)
[[ $FEE_BPS =~ ^[0-9]+$ ]] || die "no platform_fee_bps in devforgectl check-config's output"
CUR_LC=$(tr 'A-Z' 'a-z' <<<"$CUR")
say "orders buy $SLUG ($PRICE $CUR, fee $FEE_BPS bps) for bench_buyer"

# The baseline's table: payment_events' shape, indexes included.
bench_sql "CREATE TABLE bench_insert_events LIKE payment_events"
bench_sql "SELECT COUNT(*) FROM seq_1_to_2" >/dev/null 2>&1 ||
	die "MariaDB's SEQUENCE engine (seq_1_to_N) is missing: the orders are made with it"

# make_orders BATCH N: N pending orders of one item each, as
# store_ord_create writes them (a Checkout Session each, expiring in a
# day), and their events' bodies, one a line, in $S/events/BATCH.bodies.
make_orders() {
	local b=$1 n=$2
	bench_sql "INSERT INTO orders (public_id, user_id, status, total_amount, currency,
		provider, provider_session, checkout_url, expires_at, created_at, updated_at)
		SELECT UUID(), $BUYER, 'pending', $PRICE, '$CUR', 'stripe',
		CONCAT('cs_bench_$b', '_', seq), CONCAT('http://127.0.0.1/c/pay/cs_bench_$b', '_', seq),
		UTC_TIMESTAMP(6) + INTERVAL 1 DAY, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
		FROM seq_1_to_$n;
		INSERT INTO order_items (order_id, position, kind, plan_id, billing_interval,
		extension_id, developer_id, amount, currency, fee_bps)
		SELECT id, 1, 'extension', NULL, NULL, $EXT_ID, $OWNER, $PRICE, '$CUR', $FEE_BPS
		FROM orders WHERE provider_session LIKE 'cs\\_bench\\_${b}\\_%'"
	# The event Stripe sends when the session is paid (the stand-in's
	# shape): our order id in metadata, a new PaymentIntent.
	bench_sql "SELECT public_id, provider_session FROM orders
		WHERE provider_session LIKE 'cs\\_bench\\_${b}\\_%'" |
		awk -v p="$PRICE" -v c="$CUR_LC" -v b="$b" -v t="$(date +%s)" '{
			printf "{\"id\":\"evt_bench_%s_%d\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":%d,\"data\":{\"object\":{\"id\":\"%s\",\"object\":\"checkout.session\",\"amount_subtotal\":%d,\"amount_total\":%d,\"currency\":\"%s\",\"customer_email\":\"buyer@bench.example\",\"livemode\":false,\"metadata\":{\"order_id\":\"%s\"},\"mode\":\"payment\",\"payment_intent\":\"pi_bench_%s_%d\",\"payment_status\":\"paid\",\"status\":\"complete\"}},\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"checkout.session.completed\"}\n",
				b, NR, t, $2, p, p, c, $1, b, NR }' >"$S/events/$b.bodies"
	[ "$(wc -l <"$S/events/$b.bodies")" = "$n" ] || die "made $(wc -l <"$S/events/$b.bodies") of $n orders for batch $b"
}
# make_ignored BATCH N: N events of a type we record and ignore.
make_ignored() {
	awk -v b="$1" -v n="$2" -v t="$(date +%s)" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"id\":\"evt_bench_%s_%d\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":%d,\"data\":{\"object\":{\"id\":\"cus_bench_%s_%d\",\"object\":\"customer\",\"email\":\"c%d@bench.example\",\"livemode\":false}},\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"customer.created\"}\n",
			b, i, t, b, i, i }' >"$S/events/$1.bodies"
}
# sign BATCH: signs the batch's bodies now and deals them out to wrk's
# threads, one file each ($S/events/BATCH.signed.<thread>).
sign() {
	"$SIGN" "$SECRET_FILE" <"$S/events/$1.bodies" |
		awk -v f="$S/events/$1.signed" -v n="$THREADS" '{ print > (f "." ((NR - 1) % n)) }'
}

# The wrk script: each thread sends the events of its own file, each
# once; a thread that runs out says so (the run's rate would be wrong).
cat >"$S/webhook.lua" <<EOF
-- Written by tests/bench/webhook.sh: every request a different signed
-- event, each sent once.
local count, threads = 0, {}
function setup(thread)
	thread:set("id", count)
	count = count + 1
	table.insert(threads, thread)
end
local reqs, n, i = {}, 0, 0
exhausted = 0
function init(args)
	local f = assert(io.open(args[1] .. "." .. id, "r"))
	for line in f:lines() do
		local tab = line:find("\t", 1, true)
		n = n + 1
		reqs[n] = wrk.format("POST", "$WEBHOOK", {
			["Content-Type"] = "application/json",
			["Stripe-Signature"] = line:sub(1, tab - 1),
		}, line:sub(tab + 1))
	end
	f:close()
end
function request()
	i = i + 1
	if i > n then
		exhausted = 1
		wrk.thread:stop()
		return reqs[n]
	end
	return reqs[i]
end
function done(summary, latency, requests)
	for _, t in ipairs(threads) do
		if t:get("exhausted") == 1 then
			io.write("EXHAUSTED\n")
			return
		end
	end
end
EOF

# ---------------------------------------------------------------- measure

RESULTS=$S/bench-results.txt
: >"$RESULTS"
SENT=0          # webhook requests wrk answered, warm-ups included
IGNORED_SENT=0  # the same for the ignored events
RUNS=0 IGNORED_RUNS=0
PASSWORD_FILE=$S/secrets/db_password

# wrk_run NAME ROUND BATCH: one wrk run over the batch's signed events;
# appends "name round rps p50 p99 errors requests" to RESULTS (ROUND 0:
# a warm-up, not recorded; its rate is left in WRK_RPS).
wrk_run() {
	local name=$1 round=$2 batch=$3
	sign "$batch"
	bench_wrk "$name" "$CONNS" -s "$S/webhook.lua" "$BASE$WEBHOOK" "$S/events/$batch.signed"
	WRK_EXHAUSTED=0
	grep -q EXHAUSTED <<<"$WRK_OUT" && WRK_EXHAUSTED=1
	[ "$WRK_EXHAUSTED" = 0 ] || [ "$round" = 0 ] ||
		die "$name: wrk used up the $(wc -l <"$S/events/$batch.bodies") events of batch $batch before ${DURATION}s: set BENCH_EVENTS higher"
	if [ "$name" = webhook ]; then
		SENT=$((SENT + WRK_REQS)) RUNS=$((RUNS + 1))
	else
		IGNORED_SENT=$((IGNORED_SENT + WRK_REQS)) IGNORED_RUNS=$((IGNORED_RUNS + 1))
	fi
	# Let the answers wrk stopped waiting for land before the next run.
	sleep 1
	[ "$round" = 0 ] || bench_record "$name" "$round" "$WRK_REQS"
}

# insert_run NAME ROUND CONNECTIONS: the baseline with that many
# connections, the same fields in RESULTS.
insert_run() {
	local out rps p50 p99 rows
	out=$("$INSERT_RATE" -S "$S/mysql.sock" -u devforge -P "$PASSWORD_FILE" -D devforge \
		-T bench_insert_events -c "$3" -t "$DURATION") || die "insert-rate failed: $out"
	printf '%s %s\n' "$1" "$out" >>"$S/logs/insert-rate.log"
	rows=$(sed -n 's/^rows=\([0-9]*\) .*/\1/p' <<<"$out")
	rps=$(sed -n 's/.* rows_per_s=\([0-9.]*\) .*/\1/p' <<<"$out")
	p50=$(sed -n 's/.* p50_ms=\([0-9.]*\) .*/\1/p' <<<"$out")
	p99=$(sed -n 's/.* p99_ms=\([0-9.]*\)$/\1/p' <<<"$out")
	[ -n "$rps" ] && [ -n "$p99" ] || die "cannot read insert-rate's output: $out"
	printf '%s %s %s %s %s 0 %s\n' "$1" "$2" "$rps" "$p50" "$p99" "$rows" >>"$RESULTS"
	say "$(printf '%-8s round %s: %10s rows/s p50 %sms  p99 %sms' "$1" "$2" "$rps" "$p50" "$p99")"
}

# Warm-up: the workers' statements prepared, the buffer pool warm, and a
# first rate that sizes each target's batches (3 times what it did in
# DURATION seconds, so a faster round does not run dry); a warm-up that
# runs dry is done again with twice the events.
# warm NAME: sets EVENTS_<NAME>.
warm() {
	local name=$1 n=$EVENTS try=0 batch
	# The ignored events run several times faster than the paid ones.
	[ "$n" -gt 0 ] || n=$([ "$name" = webhook ] && echo 4000 || echo $((EVENTS_webhook * 4)))
	while :; do
		try=$((try + 1))
		batch=w$name$try
		if [ "$name" = webhook ]; then make_orders "$batch" "$n"; else make_ignored "$batch" "$n"; fi
		wrk_run "$name" 0 "$batch"
		[ "$WRK_EXHAUSTED" = 1 ] && [ "$EVENTS" = 0 ] && [ "$try" -lt 6 ] || break
		say "warm-up of $name ran dry at $n events: again with $((n * 2))"
		n=$((n * 2))
	done
	if [ "$EVENTS" = 0 ]; then
		printf -v "EVENTS_$name" '%s' "$(awk -v r="$WRK_RPS" -v d="$DURATION" 'BEGIN { printf "%d", r * d * 3 + 1000 }')"
	else
		printf -v "EVENTS_$name" '%s' "$EVENTS"
	fi
	say "warm-up of $name: $WRK_RPS events/s; $(eval echo "\$EVENTS_$name") events a run"
}
warm webhook
warm ignored
insert_run insert 0 "$CONNS"
sed -i '/^insert 0 /d' "$RESULTS"

say "making $((ROUNDS * EVENTS_webhook)) pending orders and their events"
for ((r = 1; r <= ROUNDS; r++)); do
	make_orders "r$r" "$EVENTS_webhook"
	make_ignored "i$r" "$EVENTS_ignored"
done

targets=(insert webhook insert_w ignored)
target() {
	case $1 in
	insert) insert_run insert "$2" "$CONNS" ;;
	insert_w) insert_run insert_w "$2" "$DF_WORKERS" ;;
	webhook) wrk_run webhook "$2" "r$2" ;;
	ignored) wrk_run ignored "$2" "i$2" ;;
	esac
}
LOAD_BEFORE=$(load1)
say "$ROUNDS rounds of ${DURATION}s per target, $THREADS threads, $CONNS connections"
n=${#targets[@]}
for ((r = 1; r <= ROUNDS; r++)); do
	# Alternate the order so no target always runs first.
	for ((i = 0; i < n; i++)); do
		if ((r % 2)); then k=$i; else k=$((n - 1 - i)); fi
		target "${targets[$k]}" "$r"
	done
done
LOAD_AFTER=$(load1)

# ---------------------------------------------------------------- checks

# Real work: every order an event was answered for is paid, with its
# entitlement, ledger row, developer event, audit row and receipt. wrk
# counts only the answers it waited for; the workers may have finished
# up to one request per connection more when a run stopped.
q() { bench_sql "$1"; }
BENCH_ORDERS="FROM orders o WHERE o.provider_session LIKE 'cs\\_bench\\_%'"
PAID=$(q "SELECT COUNT(*) $BENCH_ORDERS AND o.status = 'paid'")
NOT_PENDING=$(q "SELECT COUNT(*) $BENCH_ORDERS AND o.status <> 'paid' AND o.status <> 'pending'")
ENT=$(q "SELECT COUNT(*) $BENCH_ORDERS AND EXISTS (SELECT 1 FROM order_items i
	JOIN entitlements e ON e.order_item_id = i.id WHERE i.order_id = o.id AND e.status = 'active')")
LEDGER=$(q "SELECT COUNT(*) FROM ledger_entries l JOIN orders o ON o.id = l.order_id
	WHERE o.provider_session LIKE 'cs\\_bench\\_%' AND l.kind = 'sale' AND l.gross = $PRICE")
DEVEV=$(q "SELECT COUNT(*) FROM webhook_events WHERE user_id = $OWNER AND type = 'sale.completed'")
AUDIT=$(q "SELECT COUNT(*) FROM audit_log WHERE event = 'order.paid'")
RECEIPTS=$(q "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'buyer@bench.example'
	AND template = 'order_receipt'")
IGNORED=$(q "SELECT COUNT(*) FROM payment_events WHERE type = 'customer.created' AND kind = 'ignored'")
SLACK=$((CONNS * RUNS))
fulfil_ok=met
for v in PAID ENT LEDGER DEVEV AUDIT RECEIPTS; do
	[ "${!v}" -ge "$SENT" ] && [ "${!v}" -le $((SENT + SLACK)) ] || fulfil_ok="**not met** ($v = ${!v})"
done
[ "$PAID" = "$ENT" ] && [ "$PAID" = "$LEDGER" ] && [ "$PAID" = "$DEVEV" ] &&
	[ "$PAID" = "$AUDIT" ] && [ "$PAID" = "$RECEIPTS" ] || fulfil_ok="**not met** (the counts differ)"
ignored_ok=met
[ "$IGNORED" -ge "$IGNORED_SENT" ] && [ "$IGNORED" -le $((IGNORED_SENT + CONNS * IGNORED_RUNS)) ] ||
	ignored_ok="**not met**"
[ "$NOT_PENDING" = 0 ] || fulfil_ok="**not met** ($NOT_PENDING orders neither pending nor paid)"

# ---------------------------------------------------------------- report

R=$(bench_ratio webhook insert)
goal=$(awk -v r="$R" 'BEGIN { exit !(r >= 0.5) }' && echo met || echo "**not met**")
errs=$(( $(bench_errors webhook) + $(bench_errors ignored) ))
[ "$errs" = 0 ] && answers_ok=met || answers_ok="**not met** ($errs non-2xx or socket errors)"
rev=$(bench_rev)
cpu=$(bench_cpu)
busy_line=$(bench_busy_line "$BUSY")

cat <<EOF

### Webhook benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(bench_lighttpd_version), $DF_WORKERS FastCGI processes, $(bench_mariadb_version),
wrk -t$THREADS -c$CONNS -d${DURATION}s --latency on loopback and tests/bench/insert-rate
with $CONNS connections, median of $ROUNDS alternating rounds, $(nproc) CPUs ($cpu),
load generator on the same machine. Events prepared per run: $EVENTS_webhook paid orders, $EVENTS_ignored ignored.
Load average (1 min) $LOAD_START when the run began, $LOAD_BEFORE before the rounds, $LOAD_AFTER after them.$busy_line

| target | what | req/s (rows/s) | p50 ms | p99 ms | errors | ratio to insert |
|---|---|---:|---:|---:|---:|---:|
$(bench_row "Single-row autocommit INSERT, $CONNS connections" "tests/bench/insert-rate into a copy of payment_events" insert insert)
$(bench_row "Single-row autocommit INSERT, $DF_WORKERS connections" "the same, as many connections as workers" insert_w insert)
$(bench_row "Webhook, a new paid order each" "\`POST $WEBHOOK\` checkout.session.completed: order paid, entitlement, ledger, developer event, audit, receipt" webhook insert)
$(bench_row "Webhook, a new ignored event each" "\`POST $WEBHOOK\` customer.created: verified, parsed, recorded" ignored insert)

| check | result | |
|---|---|---|
| webhook / insert ($CONNS connections), goal ≥ 0.5 | $R | $goal |
| every answer 2xx (wrk: non-2xx + socket errors) | $errs | $answers_ok |
| paid orders / active entitlements / sale ledger rows / sale.completed events / order.paid audit rows / receipts queued, for $SENT answered events (warm-up included; up to $SLACK more may have finished as wrk stopped) | $PAID / $ENT / $LEDGER / $DEVEV / $AUDIT / $RECEIPTS | $fulfil_ok |
| ignored events recorded, for $IGNORED_SENT answered (warm-ups included) | $IGNORED | $ignored_ok |

Medians over the rounds; the ratio is the median of the per-round ratios
of requests/s to the insert rate measured in the same round.
EOF
