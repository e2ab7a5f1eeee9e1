/* Who may do what: the roles an account holds, their names in tokens and
 * in the database, and which role satisfies which. Kept apart from the
 * router and the HTTP request so that store/ and token code need neither
 * to speak of a role. */
#ifndef DF_ROLE_H
#define DF_ROLE_H

#include "err.h"

enum role {
	ROLE_NONE = 0,   /* anonymous */
	ROLE_USER,
	ROLE_DEVELOPER,
	ROLE_SUPPORT,
	ROLE_ADMIN
};

/* 1 when role `have` satisfies `need` (developer and support each
 * include user; admin includes all). */
int role_allows(enum role have, enum role need);
/* The role's name ("user", ...; "none" for ROLE_NONE). Never NULL. */
const char *role_name(enum role r);
/* A real role's name to the role (out may be NULL to only check it). 0 or
 * DF_EINVAL; "none" does not parse. */
DF_MUST_CHECK int role_parse(const char *s, enum role *out);

#endif
