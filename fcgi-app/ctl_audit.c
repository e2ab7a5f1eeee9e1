/* devforgectl audit: runs the security audit's checks (the ones the admin
 * route runs) against this configuration, its files and its database, and
 * prints a table (or with --json the route's shape). A pipeline stops a
 * deployment on exit code 3: some finding is critical. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "arena.h"
#include "ctl_audit.h"
#include "db.h"
#include "err.h"
#include "store/security_audit.h"

enum { AUDIT_EXIT_OK = 0, AUDIT_EXIT_ERROR = 1, AUDIT_EXIT_CRITICAL = 3 };

int ctl_audit_parse(int argc, char **argv, int *optind,
	struct ctl_audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (; *optind < argc; (*optind)++) {
		if (strcmp(argv[*optind], "--json") == 0)
			o->json = 1;
		else if (strcmp(argv[*optind], "--help") == 0)
			o->help = 1;
		else
			return -1;
	}
	return 0;
}

static int print_json(const struct audit_report *r, const char *at)
{
	struct json_object *o = audit_report_json(r, at);

	if (o == NULL)
		return DF_ENOMEM;
	printf("%s\n", json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

static void print_table(const struct audit_report *r, const char *at)
{
	printf("security audit at %s: risk score %d/100, %zu finding(s), "
		"%zu check(s) passed\n\n", at, audit_risk_score(r), r->nfindings,
		r->npassed);
	if (r->nfindings > 0)
		printf("%-9s %-26s %s\n", "SEVERITY", "CHECK", "FINDING");
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct audit_finding *f = &r->findings[i];

		printf("%-9s %-26s %s\n", audit_severity_name(f->severity), f->id,
			f->title);
		printf("%-36s %s\n", "", f->detail);
		printf("%-36s fix: %s\n", "", f->remediation);
	}
	if (r->npassed > 0) {
		printf("\npassed:");
		for (size_t i = 0; i < r->npassed; i++)
			printf(" %s", r->passed[i]);
		printf("\n");
	}
}

int ctl_audit_run(const struct config *cfg, const struct ctl_audit_opts *o)
{
	static struct audit_report r;
	struct arena *a = arena_new(16384);
	char at[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (a == NULL) {
		fprintf(stderr, "devforgectl: out of memory\n");
		return AUDIT_EXIT_ERROR;
	}
	rc = db_init(cfg);
	if (rc == 0)
		rc = store_security_audit(a, cfg, &r);
	db_close();
	arena_free(a);
	if (rc != 0) {
		fprintf(stderr, "devforgectl: audit: cannot read the database: "
			"%s\n", df_strerror(rc));
		return AUDIT_EXIT_ERROR;
	}
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (o->json) {
		if (print_json(&r, at) != 0) {
			fprintf(stderr, "devforgectl: out of memory\n");
			return AUDIT_EXIT_ERROR;
		}
	} else {
		print_table(&r, at);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "devforgectl: audit: cannot write the report\n");
		return AUDIT_EXIT_ERROR;
	}
	return audit_has_critical(&r) ? AUDIT_EXIT_CRITICAL : AUDIT_EXIT_OK;
}
