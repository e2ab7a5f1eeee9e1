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

export DF_STACK_DIR=${BENCH_STACK_DIR:-$ROOT/.stack/bench-license}
export DF_PORT=${BENCH_PORT:-18097}
export DF_WORKERS=${DF_WORKERS:-4}
export DF_FRONT=lighttpd
# One client address asks for everything: the licence class's limit (60
# a minute by default) would answer 429 within a second.
export DEVFORGE_RATELIMIT_LICENSE=1000000/sec
export DEVFORGE_RATELIMIT_AUTH=1000000/min
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
S=$DF_STACK_DIR
BASE=http://127.0.0.1:$DF_PORT
VALIDATE=/api/v1/licenses/validate

for v in DURATION ROUNDS THREADS CONNS DF_WORKERS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"
done
[ "$CONNS" -ge "$THREADS" ] || die "BENCH_CONNECTIONS must be at least BENCH_THREADS"
for c in wrk openssl curl; do
	command -v "$c" >/dev/null || die "$c is not installed"
done

bench_wait_quiet
bench_build_dir

started=0
cleanup() {
	local rc=$?
	set +e
	if [ "$started" = 1 ]; then
		say "stopping the bench stack"
		"$STACK" stop >&2
	fi
	bench_minimal_down "$S"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- start

"$STACK" stop >/dev/null 2>&1 || true
bench_minimal_down "$S"
rm -rf "$S"
mkdir -p "$S/logs"
say "starting $DF_WORKERS minimal responders on $S/minimal.sock"
bench_minimal_up "$S" "$DF_WORKERS"
started=1
DF_FRONT_EXTRA=$S/bench-lighttpd.conf "$STACK" start >&2
for url in "$BASE/health" "$BASE/api/v1/health/ready" "$BASE/minimal/"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || true)
	[ "$code" = 200 ] || die "$url answers $code, not 200"
done

db_sql() { # SQL: as the database's root, tab-separated, no headers
	mariadb --no-defaults -N -B -u root --socket="$S/mysql.sock" devforge -e "$1"
}

# ---------------------------------------------------------------- the key

effective=$("$DF_BUILD_DIR/devforgectl" -c "$S/devforge.conf" check-config) ||
	die "devforgectl check-config failed: $effective"
KEYFILE=$(sed -n 's/^license_signing_key_file = \(.*\)$/\1/p' <<<"$effective")
[ -n "$KEYFILE" ] && [ -s "$KEYFILE" ] ||
	die "the stack has no licence signing key (license_signing_key_file): this build lacks the keys work"

# The owner, registered through the API like any customer.
reg=$(curl -s --max-time 10 -H 'Content-Type: application/json' \
	-d '{"email":"licensee@bench.example","username":"bench_licensee","password":"Granite-Kettle-Orbit-42"}' \
	-w '\n%{http_code}' "$BASE/api/v1/auth/register" || true)
[ "${reg##*$'\n'}" = 201 ] || die "registering the licence owner failed: $reg"
OWNER=$(db_sql "SELECT id FROM users WHERE username = 'bench_licensee'")
read -r PLAN_ID SEATS <<<"$(db_sql "SELECT id, max_activations FROM plans WHERE code = 'team'")"
[ -n "${SEATS:-}" ] || die "no team plan"
FEATURES=$(db_sql "SELECT JSON_COMPACT(features) FROM plans WHERE code = 'team'")
LID=$(db_sql "SELECT UUID()")
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
db_sql "INSERT INTO licenses (public_id, license_key, key_hash, key_id, user_id,
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
	local name=$1 round=$2 url=$3 out rps p50 p99 non2xx sockerr
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s --latency \
		-s "$S/validate.lua" "$url")
	printf '%s\n' "$out" >>"$S/logs/wrk.log"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
	p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
	sockerr=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' <<<"$out")
	[ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] || {
		printf '%s\n' "$out" >&2
		die "cannot read wrk's output for $name"
	}
	[ "$round" = 0 ] && return
	printf '%s %s %s %s %s %s\n' "$name" "$round" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" \
		"$(( ${non2xx:-0} + ${sockerr:-0} ))" >>"$RESULTS"
	say "$(printf '%-8s round %s: %10s req/s  p50 %s  p99 %s  errors %s' \
		"$name" "$round" "$rps" "$p50" "$p99" "$(( ${non2xx:-0} + ${sockerr:-0} ))")"
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
goal=$(awk -v r="$R" 'BEGIN { exit !(r >= 0.5) }' && echo met || echo "**not met**")
errs=$(( $(bench_errors validate) + $(bench_errors minimal) ))
[ "$errs" = 0 ] && answers_ok=met || answers_ok="**not met** ($errs non-2xx or socket errors)"
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
busy_line=$(bench_busy_line "$BUSY")

cat <<REPORT

### Licence validation benchmark $(date -u +%Y-%m-%d) (commit $rev)

lighttpd $(lighttpd -v 2>/dev/null | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p'), $DF_WORKERS FastCGI processes (and $DF_WORKERS minimal responders), $(mariadbd --version 2>/dev/null | awk '{ print $3 }'),
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
