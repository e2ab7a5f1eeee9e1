#!/usr/bin/env bash
# Benchmark of licence validation (issue 12): POST /api/v1/licenses/validate
# through lighttpd, as a ratio to the minimal libfcgi responder
# (tests/bench/minimal.c) behind the same lighttpd with as many processes,
# measured with wrk in alternating rounds of one run (goal >= 0.5).
# Both targets get the same POST body: the minimal responder ignores it,
# the workers parse it, verify the key's Ed25519 signature, read the
# licence and its plan, decide the code and sign the answer (response
# domain). The licence (team, floating, a year left) is inserted by SQL
# and its key signed with the stack's own signing key (openssl, the
# format DESIGN12 gives: base64url(payload) "." base64url(Ed25519 of
# "license/" + base64url(payload))); the run checks it validates as VALID
# first and that every answer was 2xx. Prints a Markdown table for
# docs/PERFORMANCE.md.
#
# usage: tests/bench/license.sh
# knobs: DF_BUILD_DIR (a non-sanitizer build; default: the checkout, else
#        build/), DF_WORKERS (4), BENCH_DURATION (10, seconds per run),
#        BENCH_ROUNDS (3), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#        BENCH_PORT (18097), BENCH_STACK_DIR (.stack/bench-license: removed
#        and made afresh), BENCH_MAX_LOAD, BENCH_QUIET_WAIT,
#        BENCH_ALLOW_BUSY (tests/bench/lib.sh). Everything listens on
#        loopback only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=$ROOT/scripts/stack.sh
# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"

bench_stack_env bench-license 18097
# One client address asks for everything: the licence class's limit (60
# a minute by default) would answer 429 within a second.
export DEVFORGE_RATELIMIT_LICENSE=1000000/sec
export DEVFORGE_RATELIMIT_AUTH=1000000/min
VALIDATE=/api/v1/licenses/validate

bench_check_counts DURATION ROUNDS THREADS CONNS DF_WORKERS
bench_need wrk openssl curl

bench_wait_quiet
bench_build_dir

bench_on_exit

# ---------------------------------------------------------------- start

bench_stack_up 1 1

# ---------------------------------------------------------------- the key

KEYFILE=$(bench_config license_signing_key_file)
[ -n "$KEYFILE" ] && [ -s "$KEYFILE" ] ||
	die "the stack has no licence signing key (license_signing_key_file): this build lacks the keys work"

# The owner, registered through the API like any customer.
bench_register bench_licensee licensee@bench.example >/dev/null
OWNER=$(bench_sql "SELECT id FROM users WHERE username = 'bench_licensee'")
read -r PLAN_ID SEATS <<<"$(bench_sql "SELECT id, max_activations FROM plans WHERE code = 'team'")"
[ -n "${SEATS:-}" ] || die "no team plan"
FEATURES=$(bench_sql "SELECT JSON_COMPACT(features) FROM plans WHERE code = 'team'")
LID=$(bench_sql "SELECT UUID()")
NOW=$(date +%s)
EXP=$((NOW + 365 * 86400))

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
KID=$(openssl pkey -in "$KEYFILE" -pubout -outform DER | tail -c 32 | sha256sum | cut -c1-16)
PAYLOAD=$(printf '{"kid":"%s","lid":"%s","plan":"team","features":%s,"seats":%s,"exp":%s,"iat":%s}' \
	"$KID" "$LID" "$FEATURES" "$SEATS" "$EXP" "$NOW")
P64=$(printf '%s' "$PAYLOAD" | b64url)
printf 'license/%s' "$P64" >"$S/key.msg"
SIG=$(openssl pkeyutl -sign -rawin -inkey "$KEYFILE" -in "$S/key.msg" | b64url)
KEY=$P64.$SIG
bench_sql "INSERT INTO licenses (public_id, license_key, key_hash, key_id, user_id,
	plan_id, status, max_activations, expires_at, created_at, updated_at)
	VALUES ('$LID', '$KEY', UNHEX(SHA2('$KEY', 256)), '$KID', $OWNER, $PLAN_ID,
	'active', $SEATS, UTC_TIMESTAMP(6) + INTERVAL 365 DAY, UTC_TIMESTAMP(6),
	UTC_TIMESTAMP(6))"

BODY=$(printf '{"license_key":"%s","nonce":"bench-nonce-0001"}' "$KEY")
ans=$(curl -s --max-time 10 -H 'Content-Type: application/json' -d "$BODY" \
	-w '\n%{http_code}' "$BASE$VALIDATE" || true)
[ "${ans##*$'\n'}" = 200 ] || die "POST $VALIDATE answers ${ans##*$'\n'}, not 200: ${ans%$'\n'*}"
grep -q '"code": *"VALID"' <<<"${ans%$'\n'*}" || die "the bench key does not validate: ${ans%$'\n'*}"
say "licence $LID (team) validates: VALID"

cat >"$S/validate.lua" <<LUA
-- Written by tests/bench/license.sh: the same validation every request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
LUA

# ---------------------------------------------------------------- measure

RESULTS=$S/bench-results.txt
: >"$RESULTS"
# run NAME ROUND URL: one wrk run; appends "name round rps p50 p99
# errors" to RESULTS (ROUND 0: a warm-up, not recorded).
run() {
	bench_wrk "$1" "$CONNS" -s "$S/validate.lua" "$3"
	[ "$2" = 0 ] || bench_record "$1" "$2"
}
target() {
	case $1 in
	minimal) run minimal "$2" "$BASE/minimal/" ;;
	validate) run validate "$2" "$BASE$VALIDATE" ;;
	esac
}

# Warm-up: the workers' statements prepared, the keyring cached.
target validate 0
target minimal 0
targets=(minimal validate)
LOAD_BEFORE=$(load1)
say "$ROUNDS rounds of ${DURATION}s per target, $THREADS threads, $CONNS connections"
for ((r = 1; r <= ROUNDS; r++)); do
	# Alternate the order so neither target always runs first.
	if ((r % 2)); then order=(0 1); else order=(1 0); fi
	for k in "${order[@]}"; do
		target "${targets[$k]}" "$r"
	done
done
LOAD_AFTER=$(load1)

# Still the same answer after the load (nothing cached a failure).
ans=$(curl -s --max-time 10 -H 'Content-Type: application/json' -d "$BODY" "$BASE$VALIDATE" || true)
grep -q '"code": *"VALID"' <<<"$ans" && after_ok=met || after_ok="**not met** ($ans)"

# ---------------------------------------------------------------- report

R=$(bench_ratio validate minimal)
goal=$(bench_goal validate ratio_ge 0.5)
bench_answers validate minimal
rev=$(bench_rev)
cpu=$(bench_cpu)
busy_line=$(bench_busy_line "$BUSY")

cat <<REPORT

### Licence validation benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(bench_lighttpd_version), $DF_WORKERS FastCGI processes (and $DF_WORKERS minimal responders), $(bench_mariadb_version),
wrk -t$THREADS -c$CONNS -d${DURATION}s --latency on loopback, the same POST body to both,
median of $ROUNDS alternating rounds, $(nproc) CPUs ($cpu), load generator on the same machine.
Load average (1 min) $LOAD_START when the run began, $LOAD_BEFORE before the rounds, $LOAD_AFTER after them.$busy_line

| target | what | req/s | p50 ms | p99 ms | errors | ratio to minimal |
|---|---|---:|---:|---:|---:|---:|
$(bench_row "Minimal responder" "\`POST /minimal/\`: tests/bench/minimal.c, a fixed body" minimal minimal)
$(bench_row "Licence validation" "\`POST $VALIDATE\` {license_key, nonce}: key verified, licence and plan read, code decided, answer signed" validate minimal)

| check | result | |
|---|---|---|
| validate / minimal, goal ≥ 0.5 | $R | $goal |
| every answer 2xx (wrk: non-2xx + socket errors) | $errs | $answers_ok |
| the key still validates as VALID after the rounds | | $after_ok |

Medians over the rounds; the ratio is the median of the per-round ratios
of requests/s to the minimal responder measured in the same round.
REPORT
