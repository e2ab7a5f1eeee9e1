#!/usr/bin/env bash
# Benchmark of the support desk (issue 13), through lighttpd, as ratios to
# the minimal libfcgi responder (tests/bench/minimal.c) behind the same
# lighttpd with as many processes, measured with wrk in alternating rounds
# of one run:
#   queue    GET /api/v1/support/tickets?status=open&sort=breach&limit=100
#            as a support agent: the staff queue, BENCH_TICKETS (100) open
#            tickets of BENCH_REQUESTERS (10) customers sorted by time until
#            breach (goal: ratio >= 0.3);
#   kb       GET /api/v1/support/kb?q=<words>, anonymous, the same
#            BENCH_KB_QUERIES (50) queries over and over, as people ask them
#            (the response cache may answer);
#   kb_nc    the same queries with a distinct nocache= parameter on every
#            request (an unknown parameter, ignored by the route), so every
#            one is a FULLTEXT search (goals for both kb targets: ratio >=
#            0.3 and p99 < 20 ms at 64 connections).
# Everything is seeded through the API like a real desk: the customers
# register and file their tickets (POST /support/tickets), the agent is
# made support by SQL (as the integration tests do) and writes
# BENCH_ARTICLES (200) published articles of generated, support-like
# Markdown (POST /support/kb). The tickets' next_breach_at is then spread
# by SQL over -8 h .. +40 h (one in ten NULL: paused), so the sort has work
# to do whether or not an SLA policy applies. Checks first that the queue
# answers every open ticket in breach order and that the queries find
# articles; at the end prints a Markdown table for docs/PERFORMANCE.md with
# every goal met or not met. Timings never fail the run (the machine may
# be shared); a non-2xx answer or a socket error does (exit 1).
#
# usage: tests/bench/support.sh
# knobs: DF_BUILD_DIR (a non-sanitizer build; default: the checkout, else
#        build/), DF_WORKERS (4), BENCH_DURATION (10, seconds per run),
#        BENCH_ROUNDS (3), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#        BENCH_PORT (18098), BENCH_STACK_DIR (.stack/bench-support: removed
#        and made afresh), BENCH_TICKETS (100), BENCH_REQUESTERS (10),
#        BENCH_ARTICLES (200), BENCH_KB_QUERIES (50), BENCH_MAX_LOAD,
#        BENCH_QUIET_WAIT, BENCH_ALLOW_BUSY (tests/bench/lib.sh).
#        Everything listens on loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=$ROOT/scripts/stack.sh
# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"

bench_stack_env bench-support 18098
# No periodic jobs beside the measurement (the stack's jobs loop would
# compete for the cores) and no demo data: the script seeds its own.
export DF_JOBS=0
export DF_SEED=0
bench_unlimited
TICKETS=${BENCH_TICKETS:-100}
REQUESTERS=${BENCH_REQUESTERS:-10}
ARTICLES=${BENCH_ARTICLES:-200}
KB_QUERIES=${BENCH_KB_QUERIES:-50}
QUEUE='/api/v1/support/tickets?status=open&sort=breach&limit=100'
KB=/api/v1/support/kb

bench_check_counts DURATION ROUNDS THREADS CONNS DF_WORKERS TICKETS REQUESTERS ARTICLES KB_QUERIES
# The queue asks for one page of 100 (the API's largest): more open
# tickets than that would measure a page, not the queue the goal names.
[ "$TICKETS" -le 100 ] || die "BENCH_TICKETS must be at most 100 (one page of the queue)"
[ "$REQUESTERS" -le "$TICKETS" ] || die "BENCH_REQUESTERS must be at most BENCH_TICKETS"
bench_need wrk curl mariadb

bench_wait_quiet
bench_build_dir

bench_on_exit

# ---------------------------------------------------------------- start

bench_stack_up 1 1
mkdir -p "$S/seed"

# ---------------------------------------------------------------- seed text

# Support-like prose, reproducible (a fixed seed). Each article is about
# one thing: three words of the desk's vocabulary (VOCAB) are its topic,
# in its title, headings and every few sentences; the rest is the plain
# words any help text is made of (FILLER, drawn with a skew: some common,
# most rare), stop words, and now and then another desk word, as articles
# mention related things. So a query of one or two desk words finds a
# handful of articles, as in a real knowledge base, not all of them.
# Markdown around it (headings, lists, code, emphasis, quotes) so that the
# search text is what the Markdown extraction makes of it. Only
# characters that need no JSON escaping beyond \n.
VOCAB="extension install update upgrade license key activation seat plan
subscription invoice refund payment card checkout receipt billing account
password login token session email verification profile username
developer publish review package version manifest upload download editor
theme debugger linter formatter snippet language keymap workspace project
settings configuration proxy firewall certificate network timeout offline
error crash freeze slow memory disk cache restart reinstall uninstall
marketplace search rating support ticket reply attachment report export
import backup restore sync cloud team member invite role permission admin
webhook integration api client server request response limit quota usage
trial renewal cancel currency tax vat address country region
windows macos linux terminal shell path variable environment plugin
compatibility dependency conflict signature checksum mirror registry
notification preference security factor recovery device browser cookie"
FILLER="open click select choose check make sure page button menu window
screen field list item option value field name new old first next last
again later still already usually sometimes often only also instead
step steps way case problem issue message shown shows appears change
changes changed set keep use using used need needs want try tries enter
type save saved close remove add added find found look see means happens
works working stopped started start wait minutes hours days time right
left top bottom side bar tab panel dialog link links address copy paste
text line lines number numbers part parts whole full empty missing wrong
correct latest current previous older newer same different other another
section below above following details information help guide article
note tip warning important possible usual quick simple short long large
small single multiple several every most many few"
STOP="the a to and of in for is on with your you it that this can be or
if when not as from by at are will then after before each one any more"

# gen_articles N: the articles' JSON bodies, one file each, their slugs
# in $S/seed/slugs.txt, and BENCH_KB_QUERIES queries in queries.txt.
gen_articles() {
	awk -v n="$1" -v nq="$KB_QUERIES" -v dir="$S/seed" -v vocab="$VOCAB" \
		-v filler="$FILLER" -v stop="$STOP" '
	function cap(w) { return toupper(substr(w, 1, 1)) substr(w, 2) }
	function word(  r) {
		r = rand()
		if (r < 0.12) return T[int(rand() * 3) + 1]
		if (r < 0.14) return v[int(nv * rand()) + 1]
		if (r < 0.45) return s[int(ns * rand()) + 1]
		return f[int(nf * rand() * rand()) + 1]
	}
	function sentence(len,  t, k) {
		t = word()
		for (k = 1; k < len; k++) t = t " " word()
		return cap(t) "."
	}
	function para(  t, k, m) {
		m = 2 + int(rand() * 4); t = sentence(6 + int(rand() * 12))
		for (k = 1; k < m; k++) t = t " " sentence(6 + int(rand() * 12))
		return t
	}
	BEGIN {
		srand(13)
		nv = split(vocab, v, /[ \n]+/); nf = split(filler, f, /[ \n]+/)
		ns = split(stop, s, /[ \n]+/)
		split("technical billing account extension other", cat, " ")
		for (i = 1; i <= n; i++) {
			do {
				T[1] = v[int(nv * rand()) + 1]; T[2] = v[int(nv * rand()) + 1]
				T[3] = v[int(nv * rand()) + 1]
			} while (T[1] == T[2] || T[1] == T[3] || T[2] == T[3])
			topic[i, 1] = T[1]; topic[i, 2] = T[2]
			r = rand()
			if (r < 0.4) title = "How to " f[int(nf * rand()) + 1] " the " T[1] " " T[2]
			else if (r < 0.7) title = cap(T[1]) " " T[2] " fails after " T[3]
			else title = "Why the " T[1] " shows a " T[2] " " f[int(nf * rand()) + 1]
			slug = sprintf("kb-%04d-%s-%s", i, T[1], T[2])
			body = "## " cap(T[1]) " and " T[2] "\\n\\n" para()
			body = body "\\n\\n1. Open **" T[2] "** " word() " " word() ".\\n2. Run `devforge " T[1] " --" T[3] "`.\\n3. " sentence(8)
			m = 1 + int(rand() * 4)
			for (k = 0; k < m; k++) {
				if (rand() < 0.3) body = body "\\n\\n### " cap(word()) " " T[3]
				body = body "\\n\\n" para()
			}
			body = body "\\n\\n> " sentence(10) "\\n\\nSee also _" T[3] " " word() "_."
			tags = "\"" T[1] "\""
			if (rand() < 0.7) tags = tags ",\"" T[2] "\""
			file = dir "/kb-" i ".json"
			printf "{\"slug\":\"%s\",\"title\":\"%s\",\"body\":\"%s\",\"category\":\"%s\",\"tags\":[%s],\"status\":\"published\"}\n",
				slug, title, body, cat[(i - 1) % 5 + 1], tags > file
			close(file)
			print slug > (dir "/slugs.txt")
		}
		# The queries: what the articles are about, one or two of the
		# words, the way people type them (each finds at least one).
		for (i = 1; i <= nq; i++) {
			j = int(n * rand()) + 1
			q = topic[j, 1]
			if (rand() < 0.6) q = q "%20" topic[j, 2]
			print q > (dir "/queries.txt")
		}
	}' /dev/null
}

# gen_ticket I: ticket I's JSON body in $S/seed/ticket.json.
gen_ticket() {
	awk -v i="$1" -v vocab="$VOCAB" -v stop="$STOP" 'BEGIN {
		srand(1000 + i)
		nv = split(vocab, v, /[ \n]+/); ns = split(stop, s, /[ \n]+/)
		split("technical billing account extension other", cat, " ")
		split("low normal normal high urgent", pri, " ")
		a = v[int(nv * rand()) + 1]; b = v[int(nv * rand()) + 1]
		body = "Hello, since this morning the " a " " s[int(ns * rand()) + 1] " " b " gives an error."
		m = 3 + int(rand() * 5)
		for (k = 0; k < m; k++)
			body = body " " v[int(nv * rand()) + 1] " " s[int(ns * rand()) + 1] " " v[int(nv * rand()) + 1]
		body = body ".\\n\\nThanks for your help."
		printf "{\"subject\":\"%s %s: %s does not work (%d)\",\"body\":\"%s\",\"category\":\"%s\",\"priority\":\"%s\"}\n",
			toupper(substr(a, 1, 1)) substr(a, 2), b, a, i, body, cat[i % 5 + 1], pri[i % 5 + 1]
	}' >"$S/seed/ticket.json"
}

# ---------------------------------------------------------------- seed

# The agent: registered like anyone, made support by SQL (there is no
# route that grants a role but the admin's), then logged in again: the
# token carries the role.
bench_register bench_agent >/dev/null
bench_sql "UPDATE users SET role = 'support' WHERE username = 'bench_agent'"
printf '{"email":"bench_agent@bench.example","password":"%s"}' "$BENCH_PASSWORD" >"$S/seed/login.json"
STAFF=$(bench_api POST /api/v1/auth/login '' "$S/seed/login.json" 200 | bench_access_token)
[ -n "$STAFF" ] || die "no access token for the support agent"

say "seeding $TICKETS tickets from $REQUESTERS customers"
per=$(((TICKETS + REQUESTERS - 1) / REQUESTERS))
t=0
for ((u = 1; u <= REQUESTERS && t < TICKETS; u++)); do
	tok=$(bench_register "bench_customer$u")
	[ -n "$tok" ] || die "no access token for bench_customer$u"
	for ((k = 0; k < per && t < TICKETS; k++)); do
		t=$((t + 1))
		gen_ticket "$t"
		bench_api POST /api/v1/support/tickets "$tok" "$S/seed/ticket.json" 201 >/dev/null
	done
done
# Time until breach spread over -8 h .. +40 h (some already breached),
# every tenth paused (NULL: last in the queue), whatever an SLA policy
# made of them; a fixed spread so runs compare.
bench_sql "UPDATE support_tickets SET next_breach_at = IF(id % 10 = 0, NULL,
	UTC_TIMESTAMP(6) + INTERVAL ((id * 7919) % 2880 - 480) MINUTE)
	WHERE status = 'open'"
open=$(bench_sql "SELECT COUNT(*) FROM support_tickets WHERE status = 'open'")
[ "$open" = "$TICKETS" ] || die "$open open tickets after seeding, not $TICKETS"

say "seeding $ARTICLES published knowledge-base articles"
gen_articles "$ARTICLES"
for ((i = 1; i <= ARTICLES; i++)); do
	bench_api POST "$KB" "$STAFF" "$S/seed/kb-$i.json" 201 >/dev/null
done
published=$(bench_sql "SELECT COUNT(*) FROM kb_articles WHERE status = 'published'")
[ "$published" = "$ARTICLES" ] || die "$published published articles after seeding, not $ARTICLES"
kb_bytes=$(bench_sql "SELECT ROUND(AVG(LENGTH(body))) FROM kb_articles")

# ---------------------------------------------------------------- check

# The queue: every open ticket, staff fields included, next_breach_at
# ascending with the NULLs last.
ans=$(bench_api GET "$QUEUE" "$STAFF" '' 200)
breaches=$(grep -o '"next_breach_at": *\(null\|"[^"]*"\)' <<<"$ans" |
	sed 's/^"next_breach_at": *//; s/"//g')
nb=$(grep -c . <<<"$breaches" || true)
[ "$nb" = "$TICKETS" ] ||
	die "the staff queue lists $nb tickets with next_breach_at, not $TICKETS: ${ans:0:600}"
awk 'BEGIN { bad = 0 } { if ($1 == "null") seen = 1
	else if (seen || (NR > 1 && $1 < prev)) bad = 1; if ($1 != "null") prev = $1 }
	END { exit bad }' <<<"$breaches" ||
	die "the staff queue is not in breach order (NULLs last): $(tr '\n' ' ' <<<"$breaches")"
say "the staff queue lists all $TICKETS open tickets in breach order"

# The queries: each answers 200, and most find something (a query of
# common words that found nothing would measure an empty search).
found=0 hits=0
while read -r q; do
	ans=$(bench_api GET "$KB?q=$q&limit=100" '' '' 200)
	k=$(grep -o '"slug"' <<<"$ans" | grep -c . || true)
	[ "$k" -gt 0 ] && found=$((found + 1))
	hits=$((hits + k))
done <"$S/seed/queries.txt"
[ $((found * 2)) -ge "$KB_QUERIES" ] || die "only $found of $KB_QUERIES KB queries found an article"
hits=$(awk -v h="$hits" -v n="$KB_QUERIES" 'BEGIN { printf "%.1f", h / n }')
say "$found of $KB_QUERIES KB queries find articles, $hits on average"

# lua_table NAME FILE: a Lua table of FILE's lines (no quotes in them).
lua_table() {
	printf 'local %s = {' "$1"
	sed 's/.*/"&",/' "$2" | tr -d '\n'
	printf '}\n'
}
cat >"$S/queue.lua" <<LUA
-- Written by tests/bench/support.sh: the agent's staff queue.
wrk.headers["Authorization"] = "Bearer $STAFF"
LUA
{
	echo "-- Written by tests/bench/support.sh: KB searches of the same queries."
	lua_table queries "$S/seed/queries.txt"
	echo 'request = function()'
	echo "	return wrk.format(\"GET\", \"$KB?q=\" .. queries[math.random(#queries)])"
	echo 'end'
} >"$S/kb.lua"
{
	echo "-- Written by tests/bench/support.sh: KB searches, a distinct URL each."
	lua_table queries "$S/seed/queries.txt"
	echo 'local n = 0'
	echo 'setup = function(thread) thread:set("tid", math.random(1000000)) end'
	echo 'request = function()'
	echo '	n = n + 1'
	echo "	return wrk.format(\"GET\", \"$KB?q=\" .. queries[math.random(#queries)] .. \"&nocache=\" .. tid .. \"-\" .. n)"
	echo 'end'
} >"$S/kb_nc.lua"

# ---------------------------------------------------------------- measure

RESULTS=$S/bench-results.txt
: >"$RESULTS"
# run NAME ROUND URL [wrk args]: one wrk run; appends "name round rps p50
# p99 errors" to RESULTS (ROUND 0: a warm-up, not recorded).
run() {
	local name=$1 round=$2 url=$3
	shift 3
	bench_wrk "$name" "$CONNS" "$@" "$url"
	[ "$round" = 0 ] || bench_record "$name" "$round"
}
target() {
	case $1 in
	minimal) run minimal "$2" "$BASE/minimal/" ;;
	queue) run queue "$2" "$BASE$QUEUE" -s "$S/queue.lua" ;;
	kb) run kb "$2" "$BASE$KB" -s "$S/kb.lua" ;;
	kb_nc) run kb_nc "$2" "$BASE$KB" -s "$S/kb_nc.lua" ;;
	esac
}

# Warm-up: the workers' statements prepared, MariaDB's pages read.
targets=(minimal queue kb kb_nc)
for t in "${targets[@]}"; do target "$t" 0; done
LOAD_BEFORE=$(load1)
say "$ROUNDS rounds of ${DURATION}s per target, $THREADS threads, $CONNS connections"
for ((r = 1; r <= ROUNDS; r++)); do
	# Rotate the order so no target always runs first or after another.
	for ((k = 0; k < ${#targets[@]}; k++)); do
		target "${targets[$(((k + r - 1) % ${#targets[@]}))]}" "$r"
	done
done
LOAD_AFTER=$(load1)

# Still the whole queue after the load.
ans=$(bench_api GET "$QUEUE" "$STAFF" '' 200)
nb=$(grep -o '"next_breach_at"' <<<"$ans" | grep -c . || true)
[ "$nb" = "$TICKETS" ] && after_ok=met || after_ok="**not met** ($nb tickets)"

# ---------------------------------------------------------------- report

bench_answers "${targets[@]}"
rev=$(bench_rev)
cpu=$(bench_cpu)
busy_line=$(bench_busy_line "$BUSY")

cat <<REPORT

### Support desk benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(bench_lighttpd_version), $DF_WORKERS FastCGI processes (and $DF_WORKERS minimal responders), $(bench_mariadb_version),
wrk -t$THREADS -c$CONNS -d${DURATION}s --latency on loopback, median of $ROUNDS rotating rounds,
$(nproc) CPUs ($cpu), load generator on the same machine.
$TICKETS open tickets from $REQUESTERS customers (next_breach_at spread over -8 h .. +40 h, one in ten NULL);
$ARTICLES published articles (generated Markdown, $kb_bytes bytes on average), $KB_QUERIES queries of one or two words ($hits articles match one on average).
Load average (1 min) $LOAD_START when the run began, $LOAD_BEFORE before the rounds, $LOAD_AFTER after them.$busy_line

| target | what | req/s | p50 ms | p99 ms | errors | ratio to minimal |
|---|---|---:|---:|---:|---:|---:|
$(bench_row "Minimal responder" "\`GET /minimal/\`: tests/bench/minimal.c, a fixed body" minimal minimal)
$(bench_row "Staff queue" "\`GET $QUEUE\` as a support agent" queue minimal)
$(bench_row "KB search, repeated queries" "\`GET $KB?q=…\`, anonymous (the response cache may answer)" kb minimal)
$(bench_row "KB search, distinct URLs" "\`GET $KB?q=…&nocache=…\`: FULLTEXT every request" kb_nc minimal)

| check | result | |
|---|---|---|
| staff queue / minimal, goal ≥ 0.3 | $(bench_ratio queue minimal) | $(bench_goal queue ratio_ge 0.3) |
| KB search (repeated) / minimal, goal ≥ 0.3 | $(bench_ratio kb minimal) | $(bench_goal kb ratio_ge 0.3) |
| KB search (distinct) / minimal, goal ≥ 0.3 | $(bench_ratio kb_nc minimal) | $(bench_goal kb_nc ratio_ge 0.3) |
| KB search (repeated) p99 at $CONNS connections, goal < 20 ms | $(bench_median kb 5) ms | $(bench_goal kb p99_lt 20) |
| KB search (distinct) p99 at $CONNS connections, goal < 20 ms | $(bench_median kb_nc 5) ms | $(bench_goal kb_nc p99_lt 20) |
| every answer 2xx (wrk: non-2xx + socket errors) | $errs | $answers_ok |
| the queue still lists every open ticket after the rounds | | $after_ok |

Medians over the rounds; the ratio is the median of the per-round ratios
of requests/s to the minimal responder measured in the same round. The
p99 goal is stated for $CONNS connections; with BENCH_CONNECTIONS other
than 64 it is not the issue's.
REPORT

# Timings are reported, never judged here; a wrong answer is a failure.
[ "$errs" = 0 ] || die "$errs requests answered non-2xx or failed (see $S/logs/wrk.log)"
[ "$after_ok" = met ] || die "the staff queue lost tickets during the run"
