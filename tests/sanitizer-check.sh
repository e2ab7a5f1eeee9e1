#!/bin/sh
# Test driver wrapper for `make check': runs one test program and fails it
# when its output holds a sanitizer report, which Criterion would count as
# a pass when LeakSanitizer speaks only as the test process exits.
out=$(mktemp "${TMPDIR:-/tmp}/devforge-test.XXXXXX") || exit 99
"$@" >"$out" 2>&1
rc=$?
cat "$out"
if grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$out"; then
	echo "sanitizer-check: sanitizer report in the output of $1: failing it"
	test $rc -eq 0 && rc=1
fi
rm -f "$out"
exit $rc
