/* The security audit's report: the risk-score formula of docs/SECURITY.md
 * (weights and cap), severities' names, and the config checks on a
 * configuration built in the test. */
#include <criterion/criterion.h>
#include <string.h>
#include <json-c/json.h>
#include "audit_checks.h"
#include "config.h"

static void add(struct audit_report *r, enum audit_severity s)
{
	audit_fail(r, "x", s, "t", "fix", "detail %d", (int)s);
}

Test(audit_checks, score_is_the_sum_of_weights)
{
	static struct audit_report r;

	cr_assert_eq(audit_risk_score(&r), 0);
	add(&r, AUDIT_HIGH);
	add(&r, AUDIT_MEDIUM);
	add(&r, AUDIT_LOW);
	add(&r, AUDIT_INFO);
	cr_assert_eq(audit_risk_score(&r), 20 + 10 + 3);
	cr_assert(!audit_has_critical(&r));
	add(&r, AUDIT_CRITICAL);
	cr_assert_eq(audit_risk_score(&r), 73);
	cr_assert(audit_has_critical(&r));
	cr_assert_str_eq(r.findings[1].detail, "detail 2");
}

Test(audit_checks, score_is_capped_at_100)
{
	static struct audit_report r;

	for (int i = 0; i < 3; i++)
		add(&r, AUDIT_CRITICAL);
	cr_assert_eq(audit_risk_score(&r), 100);
}

Test(audit_checks, severity_names)
{
	cr_assert_str_eq(audit_severity_name(AUDIT_CRITICAL), "critical");
	cr_assert_str_eq(audit_severity_name(AUDIT_HIGH), "high");
	cr_assert_str_eq(audit_severity_name(AUDIT_MEDIUM), "medium");
	cr_assert_str_eq(audit_severity_name(AUDIT_LOW), "low");
	cr_assert_str_eq(audit_severity_name(AUDIT_INFO), "info");
}

Test(audit_checks, a_detail_list_keeps_whole_items_only)
{
	char buf[12];
	size_t used = 0;

	cr_assert_eq(audit_list_add(buf, sizeof(buf), &used, "; ", "%s", "abc"),
		0);
	cr_assert_eq(audit_list_add(buf, sizeof(buf), &used, "; ", "%d", 42),
		0);
	cr_assert_str_eq(buf, "abc; 42");
	/* "; toolong" does not fit: nothing of it is kept, a shorter item
	 * after it still is. */
	cr_assert_eq(audit_list_add(buf, sizeof(buf), &used, "; ", "%s",
		"toolong"), -1);
	cr_assert_str_eq(buf, "abc; 42");
	cr_assert_eq(used, 7);
	cr_assert_eq(audit_list_add(buf, sizeof(buf), &used, "; ", "%s", "x"),
		0);
	cr_assert_str_eq(buf, "abc; 42; x");
}

Test(audit_checks, report_json_has_the_shared_shape)
{
	static struct audit_report r;
	struct json_object *o;

	audit_fail(&r, "jwt_key_weak", AUDIT_HIGH, "Weak", "Fix \"it\"",
		"%d bytes", 12);
	audit_pass(&r, "cors_origins");
	o = audit_report_json(&r, "2026-12-06T16:00:00Z");
	cr_assert_not_null(o);
	cr_assert_str_eq(json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN), "{\"risk_score\":20,"
		"\"checked_at\":\"2026-12-06T16:00:00Z\",\"findings\":[{"
		"\"id\":\"jwt_key_weak\",\"severity\":\"high\",\"title\":"
		"\"Weak\",\"detail\":\"12 bytes\",\"remediation\":"
		"\"Fix \\\"it\\\"\"}],\"passed\":[\"cors_origins\"]}");
	json_object_put(o);
}

static int has(const struct audit_report *r, const char *id)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return 1;
	return 0;
}

Test(audit_checks, config_checks_on_a_built_config)
{
	static char secret[] = "example-jwt-secret-not-secret-change-me-0123456789";
	static char url[] = "http://api.example.test";
	static char origin[] = "http://localhost:3000";
	static struct audit_report r;
	struct config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mode = CONFIG_PRODUCTION;
	cfg.jwt_secret = secret;
	cfg.jwt_secret_len = strlen(secret);
	cfg.public_url = url;
	cfg.cors_origins[0] = origin;
	cfg.ncors_origins = 1;
	audit_config_checks(&cfg, &r);
	cr_assert(has(&r, "jwt_key_example"));
	cr_assert(has(&r, "https_not_enforced"));
	cr_assert(has(&r, "cors_origins"));
	cr_assert(!has(&r, "not_production_mode"));
	cr_assert(!has(&r, "secret_file_permissions"));
	cr_assert_eq(r.nfindings + r.npassed, 6);
}
