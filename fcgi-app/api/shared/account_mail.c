/* Stores: outbox, tokens. */
/* The account mails (e-mail verification, password reset, password
 * changed): each creates what it needs and queues the message in the
 * mail outbox inside the caller's transaction, so a mail exists exactly
 * when the event that sends it committed. Links point at the web site
 * under the config's public_url. */
#include <string.h>
#include "api/api.h"
#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "err.h"
#include "store/outbox.h"
#include "store/tokens.h"
#include "store/users.h"

/* The length of public_url without trailing slashes. */
static int site_len(const struct request *req)
{
	size_t n = strlen(req->cfg->public_url);

	while (n > 0 && req->cfg->public_url[n - 1] == '/')
		n--;
	return (int)n;
}

/* {public_url}{path}?token={token} */
static char *mail_link(struct request *req, const char *path,
	const char *token)
{
	return arena_printf(req->arena, "%.*s%s?token=%s", site_len(req),
		req->cfg->public_url, path, token);
}

/* Creates a token for u and the link that carries it. */
static int token_link(struct request *req, const struct store_user *u,
	enum store_tokens_purpose purpose, unsigned ttl_s, const char *path,
	char **url)
{
	char token[STORE_TOKENS_CHARS + 1];
	int rc;

	rc = store_tokens_create(u->id, purpose, ttl_s, token);
	if (rc != 0)
		return rc;
	*url = mail_link(req, path, token);
	crypto_wipe(token, sizeof(token));
	return *url != NULL ? 0 : DF_ENOMEM;
}

int api_account_send_verification(struct request *req,
	const struct store_user *u)
{
	char *url, *body;
	int rc;

	rc = token_link(req, u, STORE_TOKENS_EMAIL_VERIFY, API_EMAIL_VERIFY_TTL_S,
		"/verify-email", &url);
	if (rc != 0)
		return rc;
	body = arena_printf(req->arena,
		"Hello %s,\n"
		"\n"
		"please confirm the e-mail address of your Dev Forge account by\n"
		"opening this link:\n"
		"\n"
		"%s\n"
		"\n"
		"The link works once and expires in 48 hours. If you did not\n"
		"create a Dev Forge account, you can ignore this message.\n"
		"\n"
		"-- \n"
		"Dev Forge\n", u->username, url);
	if (body == NULL)
		return DF_ENOMEM;
	return store_outbox_enqueue(u->email,
		"Confirm your Dev Forge e-mail address", body, "email_verify");
}

int api_account_send_reset(struct request *req, const struct store_user *u)
{
	char *url, *body;
	int rc;

	rc = token_link(req, u, STORE_TOKENS_PASSWORD_RESET,
		API_PASSWORD_RESET_TTL_S, "/reset-password", &url);
	if (rc != 0)
		return rc;
	body = arena_printf(req->arena,
		"Hello %s,\n"
		"\n"
		"someone asked to reset the password of your Dev Forge account.\n"
		"To choose a new password, open this link:\n"
		"\n"
		"%s\n"
		"\n"
		"The link works once and expires in one hour. If you did not ask\n"
		"for it, you can ignore this message: your password stays as it\n"
		"is.\n"
		"\n"
		"-- \n"
		"Dev Forge\n", u->username, url);
	if (body == NULL)
		return DF_ENOMEM;
	return store_outbox_enqueue(u->email, "Reset your Dev Forge password",
		body, "password_reset");
}

int api_account_send_password_changed(struct request *req,
	const struct store_user *u)
{
	char *body = arena_printf(req->arena,
		"Hello %s,\n"
		"\n"
		"the password of your Dev Forge account was just changed, and\n"
		"every device signed in to it was signed out.\n"
		"\n"
		"If that was not you, reset your password at once:\n"
		"\n"
		"%.*s/reset-password\n"
		"\n"
		"-- \n"
		"Dev Forge\n", u->username, site_len(req), req->cfg->public_url);

	if (body == NULL)
		return DF_ENOMEM;
	return store_outbox_enqueue(u->email, "Your Dev Forge password was changed",
		body, "password_changed");
}
