/* SQL for the licence routes of api/licenses.c: a licence read with its
 * plan's policy and its count of active machines (locked for activation),
 * and the machines it is activated on: activate, deactivate, heartbeat.
 * Times are unix seconds from the caller's clock, never the database's
 * NOW(), so a test clock offset moves every decision alike. */
#ifndef DF_STORE_LICENSE_MACHINES_H
#define DF_STORE_LICENSE_MACHINES_H

#include <stdint.h>
#include "err.h"

struct arena;

struct store_lm_license {
	int64_t id;
	char public_id[37];
	char status[16];            /* active, suspended, revoked (expired:
	                               a legacy value, read as expired) */
	int has_expiry;
	int64_t expires_at;         /* unix seconds */
	unsigned max_activations;
	char plan[33];
	const char *features;       /* the plan's JSON array (arena text) */
	int node_locked;
	unsigned overage_pct;
	int term_first_activation;  /* plan term_start = first_activation */
	int perpetual_fallback;     /* plan expiry_strategy */
	int has_term;
	int64_t term_seconds;
	int first_activated;        /* first_activated_at is set */
	unsigned heartbeat_window_s;
	unsigned machine_file_ttl_s;
	unsigned active_machines;
};

/* The licence whose public id is lid; for_update locks its row until the
 * caller's transaction ends (activation's seat count: parallel
 * activations of one licence queue there). 0, DF_ENOTFOUND or a df_err. */
DF_MUST_CHECK int store_lm_license_get(struct arena *a, const char *lid, int for_update,
	struct store_lm_license *out);

struct store_lm_machine {
	int64_t id;
	char public_id[37];
	char fingerprint[129];
	int64_t activated_at;       /* unix seconds */
	int64_t last_heartbeat_at;
	int active;                 /* neither deactivated nor culled */
	int culled;
};

/* The active machine of licence_id with fingerprint fp: 0, DF_ENOTFOUND
 * or a df_err. */
DF_MUST_CHECK int store_lm_machine_by_fp(struct arena *a, int64_t license_id,
	const char *fp, struct store_lm_machine *out);
/* The machine mid of licence_id, active or not: 0, DF_ENOTFOUND (none,
 * or one of another licence) or a df_err. */
DF_MUST_CHECK int store_lm_machine_get(struct arena *a, int64_t license_id,
	const char *mid, struct store_lm_machine *out);

/* Inside the caller's transaction (after store_lm_license_get for
 * update): adds the machine (fp, name may be NULL) activated and beating
 * at now, and fills out. 0, DF_ECONFLICT (the fingerprint is already
 * active on it) or a df_err. */
DF_MUST_CHECK int store_lm_activate(struct arena *a, int64_t license_id, const char *fp,
	const char *name, int64_t now, struct store_lm_machine *out);
/* Inside the caller's transaction: the first activation of a licence
 * records when it happened and, for a term that starts then (its plan's
 * term_start = first_activation, no expiry yet), sets expires_at to now +
 * term_seconds. Nothing when it was activated before. 0 or a df_err. */
DF_MUST_CHECK int store_lm_start_term(int64_t license_id, int start_term, int64_t now);

/* Deactivates the active machine with fingerprint fp: 0, DF_ENOTFOUND
 * (not active on it) or a df_err. */
DF_MUST_CHECK int store_lm_deactivate(int64_t license_id, const char *fp, int64_t now);
/* Records a heartbeat of the active machine mid at now: 0, DF_ENOTFOUND
 * (unknown, another licence's, deactivated or culled) or a df_err. */
DF_MUST_CHECK int store_lm_heartbeat(struct arena *a, int64_t license_id,
	const char *mid, int64_t now);

#endif
