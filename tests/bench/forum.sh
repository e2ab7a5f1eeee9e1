#!/usr/bin/env bash
# Benchmark of the forum and the support assistant (issue 14), through
# lighttpd, beside the minimal libfcgi responder (tests/bench/minimal.c)
# behind the same lighttpd with as many processes, measured with wrk in
# alternating rounds of one run:
#   forum       GET /api/v1/forum/threads, anonymous, over a handful of
#               list URLs (latest, top, unanswered, each category): what a
#               visitor browses, answered by the response cache once a
#               worker has it (goal: ratio >= 0.3 at BENCH_CONNECTIONS);
#   forum_nc    the same URLs with a distinct nocache= parameter on every
#               request (an unknown parameter, ignored by the route), so
#               the cache never answers: the list query every time (no
#               goal: it says what a miss costs);
#   assistant   POST /api/v1/support/assistant/messages, anonymous, a new
#               conversation per request, questions of the assistant's
#               evaluation set (tests/fixtures/assistant_eval.tsv; without
#               it, "How do I <title>?" of each published article) in turn,
#               retrieval only (assistant_llm_url unset), at
#               BENCH_ASSISTANT_CONNECTIONS (16) connections (goal: p99 <
#               50 ms), beside the minimal responder at the same count
#               (minimal16) for the ratio.
# The stack has the demo data (DF_SEED=1: the help centre and the solved
# demo threads, indexed for the assistant when the stack starts) and
# BENCH_FORUM_THREADS (200) more threads written through the API by
# BENCH_FORUM_AUTHORS (5) moderators (made support by SQL: moderators are
# exempt from the trust-level limits), one in three with replies. Checks
# first that the list answers a full page and that most questions get a
# cited source; prints a Markdown table for docs/PERFORMANCE.md with every
# goal met or not met. Timings never fail the run (the machine may be
# shared); a non-2xx answer or a socket error does (exit 1).
#
# usage: tests/bench/forum.sh
# knobs: DF_BUILD_DIR (a non-sanitizer build; default: the checkout, else
#        build/), DF_WORKERS (4), BENCH_DURATION (10, seconds per run),
#        BENCH_ROUNDS (3), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#        BENCH_ASSISTANT_CONNECTIONS (16), BENCH_PORT (18096),
#        BENCH_STACK_DIR (.stack/bench-forum: removed and made afresh),
#        BENCH_FORUM_THREADS (200), BENCH_FORUM_AUTHORS (5),
#        BENCH_MAX_LOAD, BENCH_QUIET_WAIT, BENCH_ALLOW_BUSY
#        (tests/bench/lib.sh). Everything listens on loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=$ROOT/scripts/stack.sh
# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"

bench_stack_env bench-forum 18096
export DF_JOBS=0
# The demo data: the help centre and the solved threads the assistant
# quotes (stack.sh indexes them once seeded).
export DF_SEED=1
# One client address asks for everything, the assistant too.
bench_unlimited
export DEVFORGE_RATELIMIT_ASSISTANT=1000000/min
# Retrieval only: no language model, whatever the caller's environment.
export DEVFORGE_ASSISTANT_LLM_URL=
FORUM_THREADS=${BENCH_FORUM_THREADS:-200}
FORUM_AUTHORS=${BENCH_FORUM_AUTHORS:-5}
ACONNS=${BENCH_ASSISTANT_CONNECTIONS:-16}
THREADS_URL=/api/v1/forum/threads
ASSIST=/api/v1/support/assistant/messages
EVAL=$ROOT/tests/fixtures/assistant_eval.tsv

bench_check_counts DURATION ROUNDS THREADS CONNS DF_WORKERS FORUM_THREADS FORUM_AUTHORS ACONNS
[ "$ACONNS" -ge "$THREADS" ] || die "BENCH_ASSISTANT_CONNECTIONS must be at least BENCH_THREADS"
bench_need wrk curl mariadb jq

bench_wait_quiet
bench_build_dir

bench_on_exit

# ---------------------------------------------------------------- start

bench_stack_up 1 1
mkdir -p "$S/seed"
[ -z "$(bench_config assistant_llm_url)" ] ||
	die "assistant_llm_url is set in the bench stack: the assistant target measures retrieval only"

# ---------------------------------------------------------------- seed

VOCAB="extension install update license key activation seat plan invoice
refund payment account password login token email profile developer
publish review package version upload download editor theme debugger
linter formatter snippet keymap workspace settings proxy firewall
certificate timeout offline crash freeze memory cache restart reinstall
marketplace search rating webhook integration quota trial renewal
windows macos linux terminal plugin compatibility dependency signature"
CATEGORIES="general extensions licensing bugs ideas"

# gen_thread I: thread I's JSON body in $S/seed/thread.json and a reply's
# in $S/seed/reply.json (reproducible: seeded by I).
gen_thread() {
	awk -v i="$1" -v vocab="$VOCAB" -v cats="$CATEGORIES" -v dir="$S/seed" 'BEGIN {
		srand(1400 + i)
		nv = split(vocab, v, /[ \n]+/); nc = split(cats, c, " ")
		a = v[int(nv * rand()) + 1]; b = v[int(nv * rand()) + 1]
		do t = v[int(nv * rand()) + 1]; while (t == a)
		body = "Since the last update the **" a "** " b " fails on my machine."
		m = 2 + int(rand() * 4)
		for (k = 0; k < m; k++)
			body = body " Tried the " v[int(nv * rand()) + 1] " and the " v[int(nv * rand()) + 1] " again, no change."
		body = body "\\n\\n```\\ndevforge " a " --" b "\\n```\\n\\nAny idea what I am missing?"
		printf "{\"category\":\"%s\",\"title\":\"%s %s: %s stops working (%d)\",\"body\":\"%s\",\"tags\":[\"%s\",\"%s\"]}\n",
			c[i % nc + 1], toupper(substr(a, 1, 1)) substr(a, 2), b, t, i, body, a, t > (dir "/thread.json")
		printf "{\"body\":\"Same here with the %s. Resetting the %s settings and restarting fixed it for me (%d).\"}\n",
			a, b, i > (dir "/reply.json")
	}'
}

say "seeding $FORUM_THREADS forum threads from $FORUM_AUTHORS moderators"
tokens=()
for ((u = 1; u <= FORUM_AUTHORS; u++)); do
	bench_register "bench_forum$u" >/dev/null
	bench_sql "UPDATE users SET role = 'support' WHERE username = 'bench_forum$u'"
	printf '{"email":"bench_forum%s@bench.example","password":"%s"}' "$u" "$BENCH_PASSWORD" >"$S/seed/login.json"
	tok=$(bench_api POST /api/v1/auth/login '' "$S/seed/login.json" 200 | bench_access_token)
	[ -n "$tok" ] || die "no access token for bench_forum$u"
	tokens+=("$tok")
done
for ((i = 1; i <= FORUM_THREADS; i++)); do
	gen_thread "$i"
	tok=${tokens[$((i % FORUM_AUTHORS))]}
	id=$(bench_api POST "$THREADS_URL" "$tok" "$S/seed/thread.json" 201 | jq -r .id)
	if [ $((i % 3)) = 0 ]; then
		bench_api POST "$THREADS_URL/$id/posts" "${tokens[$(((i + 1) % FORUM_AUTHORS))]}" \
			"$S/seed/reply.json" 201 >/dev/null
	fi
done
nthreads=$(bench_sql "SELECT COUNT(*) FROM forum_threads WHERE deleted = 0")
[ "$nthreads" -ge "$FORUM_THREADS" ] || die "$nthreads threads after seeding, fewer than $FORUM_THREADS"
npassages=$(bench_sql "SELECT COUNT(*) FROM assistant_passages")
[ "$npassages" -gt 0 ] || die "the assistant has no passages (did stack.sh index the demo data?)"

# ---------------------------------------------------------------- check

# The list URLs a visitor browses.
urls=("$THREADS_URL" "$THREADS_URL?sort=top" "$THREADS_URL?sort=unanswered")
for c in $CATEGORIES; do urls+=("$THREADS_URL?category=$c"); done
for u in "${urls[@]}"; do
	n=$(bench_api GET "$u" '' '' 200 | jq '.items | length')
	[ "$n" -gt 0 ] || die "$u lists no thread"
done
n=$(bench_api GET "$THREADS_URL?nocache=check" '' '' 200 | jq '.items | length')
[ "$n" = 20 ] || die "the list answers $n threads, not a page of 20"

# The questions: the evaluation set's first column (its nonsense
# questions too: "I don't know" is an answer the assistant must give
# quickly as well), each as a JSON body; without the set, one question
# per published article made of its title.
if [ -r "$EVAL" ]; then
	QSOURCE="the evaluation set (tests/fixtures/assistant_eval.tsv)"
	cut -f1 "$EVAL" | grep -v '^#' | grep . | jq -R -c '{message: .}' >"$S/seed/questions.jsonl"
else
	QSOURCE="\"How do I <title>?\" for each published article (no evaluation set)"
	bench_sql "SELECT CONCAT('How do I ', LOWER(title), '?') FROM kb_articles
		WHERE status = 'published' ORDER BY id" | jq -R -c '{message: .}' >"$S/seed/questions.jsonl"
fi
nq=$(grep -c . "$S/seed/questions.jsonl")
[ "$nq" -ge 5 ] || die "only $nq questions from $QSOURCE"
cited=0
while read -r q; do
	printf '%s' "$q" >"$S/seed/q.json"
	ans=$(bench_api POST "$ASSIST" '' "$S/seed/q.json" 200)
	mode=$(jq -r '.reply.mode // "retrieval"' <<<"$ans")
	[ "$mode" != model ] || die "the assistant answered with a model: $ans"
	[ "$(jq '.reply.sources | length' <<<"$ans")" -gt 0 ] && cited=$((cited + 1))
done <"$S/seed/questions.jsonl"
[ $((cited * 2)) -ge "$nq" ] || die "only $cited of $nq questions got a cited source"
say "$cited of $nq assistant questions get a cited source; $npassages passages"

cat >"$S/forum.lua" <<LUA
-- Written by tests/bench/forum.sh: the anonymous thread list.
local urls = {$(printf '"%s",' "${urls[@]}")}
request = function()
	return wrk.format("GET", urls[math.random(#urls)])
end
LUA
cat >"$S/forum_nc.lua" <<LUA
-- Written by tests/bench/forum.sh: the thread list, a distinct URL each.
local urls = {$(printf '"%s",' "${urls[@]}")}
local n = 0
setup = function(thread) thread:set("tid", math.random(1000000)) end
request = function()
	n = n + 1
	local u = urls[math.random(#urls)]
	local sep = u:find("?", 1, true) and "&" or "?"
	return wrk.format("GET", u .. sep .. "nocache=" .. tid .. "-" .. n)
end
LUA
{
	echo "-- Written by tests/bench/forum.sh: questions to the assistant."
	printf 'local bodies = {'
	# Lua long brackets: the JSON needs no further escaping.
	sed 's/.*/[==[&]==],/' "$S/seed/questions.jsonl" | tr -d '\n'
	printf '}\n'
	echo 'wrk.method = "POST"'
	echo 'wrk.headers["Content-Type"] = "application/json"'
	echo 'request = function()'
	echo "	return wrk.format(\"POST\", \"$ASSIST\", nil, bodies[math.random(#bodies)])"
	echo 'end'
} >"$S/assistant.lua"

# ---------------------------------------------------------------- measure

RESULTS=$S/bench-results.txt
: >"$RESULTS"
# run NAME ROUND CONNS URL [wrk args]: one wrk run; appends "name round
# rps p50 p99 errors" to RESULTS (ROUND 0: a warm-up, not recorded).
run() {
	local name=$1 round=$2 conns=$3 url=$4
	shift 4
	bench_wrk "$name" "$conns" "$@" "$url"
	[ "$round" = 0 ] || bench_record "$name" "$round"
}
target() {
	case $1 in
	minimal) run minimal "$2" "$CONNS" "$BASE/minimal/" ;;
	forum) run forum "$2" "$CONNS" "$BASE$THREADS_URL" -s "$S/forum.lua" ;;
	forum_nc) run forum_nc "$2" "$CONNS" "$BASE$THREADS_URL" -s "$S/forum_nc.lua" ;;
	minimal16) run minimal16 "$2" "$ACONNS" "$BASE/minimal/" ;;
	assistant) run assistant "$2" "$ACONNS" "$BASE$ASSIST" -s "$S/assistant.lua" ;;
	esac
}

targets=(minimal forum forum_nc minimal16 assistant)
for t in "${targets[@]}"; do target "$t" 0; done
LOAD_BEFORE=$(load1)
say "$ROUNDS rounds of ${DURATION}s per target, $THREADS threads, $CONNS connections ($ACONNS for the assistant)"
for ((r = 1; r <= ROUNDS; r++)); do
	for ((k = 0; k < ${#targets[@]}; k++)); do
		target "${targets[$(((k + r - 1) % ${#targets[@]}))]}" "$r"
	done
done
LOAD_AFTER=$(load1)
nconv=$(bench_sql "SELECT COUNT(*) FROM assistant_conversations")

# ---------------------------------------------------------------- report

bench_answers "${targets[@]}"
rev=$(bench_rev)
cpu=$(bench_cpu)
busy_line=$(bench_busy_line "$BUSY")

cat <<REPORT

### Forum and assistant benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(bench_lighttpd_version), $DF_WORKERS FastCGI processes (and $DF_WORKERS minimal responders), $(bench_mariadb_version),
wrk -t$THREADS -d${DURATION}s --latency on loopback ($CONNS connections; $ACONNS for the assistant and minimal16), median of $ROUNDS rotating rounds,
$(nproc) CPUs ($cpu), load generator on the same machine.
$nthreads threads (the demo's and $FORUM_THREADS generated), ${#urls[@]} list URLs; $npassages assistant passages, $nq questions from $QSOURCE ($cited get a cited source), $nconv conversations stored by the end.
Load average (1 min) $LOAD_START when the run began, $LOAD_BEFORE before the rounds, $LOAD_AFTER after them.$busy_line

| target | what | req/s | p50 ms | p99 ms | errors | ratio to minimal |
|---|---|---:|---:|---:|---:|---:|
$(bench_row "Minimal responder" "\`GET /minimal/\`, $CONNS connections" minimal minimal)
$(bench_row "Thread list, anonymous" "\`GET ${THREADS_URL}\`, \`?sort=top\`, \`?category=…\`… (the response cache answers)" forum minimal)
$(bench_row "Thread list, distinct URLs" "the same with \`nocache=…\`: the list query every request" forum_nc minimal)
$(bench_row "Minimal responder" "\`GET /minimal/\`, $ACONNS connections" minimal16 minimal16)
$(bench_row "Assistant" "\`POST $ASSIST\`, retrieval only, $ACONNS connections" assistant minimal16)

| check | result | |
|---|---|---|
| thread list (anonymous) / minimal, goal ≥ 0.3 | $(bench_ratio forum minimal) | $(bench_goal forum ratio_ge 0.3 minimal) |
| assistant p99 at $ACONNS connections, goal < 50 ms | $(bench_median assistant 5) ms | $(bench_goal assistant p99_lt 50) |
| every answer 2xx (wrk: non-2xx + socket errors) | $errs | $answers_ok |

Medians over the rounds; the ratio is the median of the per-round ratios
of requests/s to the minimal responder measured in the same round at the
same number of connections. The p99 goal is stated for 16 connections;
with BENCH_ASSISTANT_CONNECTIONS other than 16 it is not the issue's.
REPORT

[ "$errs" = 0 ] || die "$errs requests answered non-2xx or failed (see $S/logs/wrk.log)"
