/* Roles: their names and their order. */
#include <stddef.h>
#include <string.h>
#include "err.h"
#include "role.h"

int role_allows(enum role have, enum role need)
{
	if (need == ROLE_NONE || have == need || have == ROLE_ADMIN)
		return 1;
	if (need == ROLE_USER &&
	    (have == ROLE_DEVELOPER || have == ROLE_SUPPORT))
		return 1;
	return 0;
}

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_NONE: return "none";
	case ROLE_USER: return "user";
	case ROLE_DEVELOPER: return "developer";
	case ROLE_SUPPORT: return "support";
	case ROLE_ADMIN: return "admin";
	}
	return "none";
}

/* Only real roles parse: "none" is the absence of one, never a claim. */
int role_parse(const char *s, enum role *out)
{
	static const enum role roles[] = { ROLE_USER, ROLE_DEVELOPER,
		ROLE_SUPPORT, ROLE_ADMIN };
	size_t i;

	if (s == NULL)
		return DF_EINVAL;
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(s, role_name(roles[i])) == 0) {
			if (out != NULL)
				*out = roles[i];
			return 0;
		}
	}
	return DF_EINVAL;
}
