#!/bin/bash
# Checks the shipped Prometheus and Grafana files with promtool (Debian
# package prometheus): the alerting rules (check rules), their unit tests
# (test rules), the scrape config (check config), each alert's runbook
# section in docs/OPERATIONS.md, and the Grafana dashboard (valid JSON, a
# Prometheus data source variable, and every panel's PromQL parses: each
# expression becomes a recording rule of a temporary rules file that
# check rules reads). No stack needed.
#
# Prints one line per check, `promtool NAME: ok' or `promtool NAME:
# FAILED', which scripts/test counts; exits 1 when any failed.
#   tests/promtool/run.sh [--help]
set -u

usage() {
	sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
}
case "${1:-}" in
	-h | --help) usage; exit 0 ;;
	"") ;;
	*) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/../.." && pwd)
prom=$top/conf/prometheus
dash=$top/conf/grafana/devforge-dashboard.json
rc=0

result() { # NAME STATUS(0 = ok)
	if [ "$2" = 0 ]; then
		echo "promtool $1: ok"
	else
		echo "promtool $1: FAILED"
		rc=1
	fi
}

if ! command -v promtool >/dev/null 2>&1; then
	echo "promtool not found (Debian: apt-get install prometheus)" >&2
	for n in check-rules test-rules check-config runbooks dashboard; do
		result "$n" 1
	done
	exit 1
fi

promtool check rules "$prom/devforge-alerts.yml"
result check-rules $?

# test rules reads rule_files relative to the test file.
promtool test rules "$prom"/tests/*.yml
result test-rules $?

promtool check config "$prom/prometheus.yml"
result check-config $?

# Every alert has severity, summary, description and a runbook_url whose
# anchor is its own section "### Alert NAME" of docs/OPERATIONS.md.
rules=$prom/devforge-alerts.yml
ok=0
n=$(grep -c '^ *- alert: ' "$rules")
for key in severity summary description runbook_url; do
	if [ "$(grep -c "^ *$key: " "$rules")" != "$n" ]; then
		echo "runbooks: $n alerts but not as many $key lines" >&2
		ok=1
	fi
done
for a in $(sed -n 's/^ *- alert: *//p' "$rules"); do
	lower=$(printf '%s' "$a" | tr '[:upper:]' '[:lower:]')
	if ! grep -q "runbook_url: \"https://github.com/devforge/devforge-api/blob/main/docs/OPERATIONS.md#alert-$lower\"" "$rules"; then
		echo "runbooks: $a has no runbook_url ...OPERATIONS.md#alert-$lower" >&2
		ok=1
	fi
	if ! grep -qx "### Alert $a" "$top/docs/OPERATIONS.md"; then
		echo "runbooks: docs/OPERATIONS.md has no section '### Alert $a'" >&2
		ok=1
	fi
done
[ "$n" -gt 0 ] || ok=1
result runbooks "$ok"

# The dashboard: Grafana's own variables become what Grafana would put in
# their place ($__rate_interval a range, $instance the All value .*).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=0
if ! jq -e . "$dash" >/dev/null; then
	echo "dashboard: not valid JSON" >&2
	ok=1
elif ! jq -e '(.schemaVersion | type == "number") and
		any(.templating.list[]; .type == "datasource" and .query == "prometheus")' \
		"$dash" >/dev/null; then
	echo "dashboard: no schemaVersion or no Prometheus data source variable" >&2
	ok=1
elif ! jq -e '[.. | objects | select(has("gridPos") and .type != "row")] |
		length > 0 and all(.datasource.uid == "${datasource}" and
			(.targets | length > 0) and all(.targets[]; .expr != ""))' \
		"$dash" >/dev/null; then
	echo "dashboard: a panel without targets or not on the \${datasource} variable" >&2
	ok=1
else
	{
		echo "groups:"
		echo "  - name: dashboard"
		echo "    rules:"
		jq -r '[.. | objects | select(has("expr")) | .expr] | to_entries[] |
			"      - record: dashboard:expr_\(.key)\n        expr: \(.value |
			gsub("\\$__rate_interval|\\$\\{__rate_interval\\}"; "5m") |
			gsub("\\$__interval|\\$\\{__interval\\}"; "1m") |
			gsub("\\$__range|\\$\\{__range\\}"; "1h") |
			gsub("\\$instance|\\$\\{instance\\}"; ".*") | tojson)"' "$dash"
	} >"$tmp/dashboard-exprs.yml"
	if ! promtool check rules "$tmp/dashboard-exprs.yml"; then
		cat -n "$tmp/dashboard-exprs.yml" >&2
		ok=1
	fi
fi
result dashboard "$ok"

exit "$rc"
