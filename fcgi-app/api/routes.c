/* Stores: tickets. */
/* The list of route tables: adding a resource means adding its table
 * here (and its paths to docs/openapi.yaml; a test compares the two). */
#include "api.h"
#include "api/shared/stripe.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "password.h"
#include "signed.h"
#include "store/tickets.h"

const struct route_table *const api_tables[] = {
	&api_health_table,
	&api_metrics_table,
	&api_analytics_table,
	&api_me_table,
	&api_mfa_table,
	&api_account_table,
	&api_admin_users_table,
	&api_developers_table,
	&api_auth_table,
	&api_extensions_table,
	&api_versions_table,
	&api_reviews_table,
	&api_downloads_table,
	&api_earnings_table,
	&api_payouts_table,
	&api_devhooks_table,
	&api_payments_table,
	&api_orders_table,
	&api_licenses_table,
	&api_license_keys_table,
	&api_license_admin_table,
	&api_tickets_table,
	&api_support_sla_table,
	/* Support desk: macros, CSAT, reports. */
	&api_macros_table,
	&api_csat_table,
	&api_support_reports_table,
	&api_kb_table,
	&api_suggestions_table,
	&api_dead_letters_table,
	/* Community forum: categories, threads, replies, moderation. */
	&api_forum_table,
	/* Forum posts: edits, deletes, votes, accepted answers. */
	&api_forum_posts_table,
	&api_forum_trust_table,
	/* The support assistant. */
	&api_assistant_table,
	&api_forum_flags_table,
	/* The support assistant: how conversations end. */
	&api_assistant_outcomes_table,
	/* Operations: the security audit and the audit log. */
	&api_security_table,
};

const size_t api_ntables = sizeof(api_tables) / sizeof(api_tables[0]);

int api_init(const struct config *cfg)
{
	int rc;

	/* Loaded before the workers fork, so they share one copy. Without
	 * it the password policy would pass the commonest passwords: no
	 * start. */
	rc = password_list_load(cfg->common_passwords_file);
	if (rc != 0) {
		log_msg(LOG_ERROR, "cannot load the common-password list %s: %s",
			cfg->common_passwords_file, df_strerror(rc));
		return rc;
	}
	rc = api_dl_init(cfg);
	if (rc != 0)
		return rc;
	rc = api_kb_init(cfg);
	if (rc != 0)
		return rc;
	rc = stripe_init(cfg);
	if (rc != 0)
		return rc;
	/* The licence signer, before the fork: a key file named but not
	 * usable stops the start (config_load checked it can be read). */
	rc = signed_init(cfg->license_signing_key_file);
	if (rc != 0)
		return rc;
	/* Ticket mail signs its Reply-To with the JWT secret (no new secret
	 * file); cfg lives as long as the worker. */
	store_tickets_mail_setup(cfg->jwt_secret, cfg->jwt_secret_len,
		cfg->support_reply_address);
	return api_health_init(cfg);
}
