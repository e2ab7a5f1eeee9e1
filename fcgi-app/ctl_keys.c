/* devforgectl keys generate --out FILE | list | retire KID: the licence
 * signing keys. The private half only ever lives in the file generate
 * writes (0600, never over an existing file); the public half goes into
 * license_signing_keys, from which every worker builds the keyring it
 * verifies with, so a new key verifies everywhere at once and the
 * workers switch to signing with it when license_signing_key_file names
 * it (a restart). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "crypto.h"
#include "ctl_keys.h"
#include "db.h"
#include "err.h"
#include "store/signing_keys.h"

int ctl_keys_parse(int argc, char **argv, const char *prog,
	struct ctl_keys_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (argc < 1) {
		fprintf(stderr, "%s: keys needs generate, list or retire\n", prog);
		return -1;
	}
	if (strcmp(argv[0], "generate") == 0) {
		o->cmd = CTL_KEYS_GENERATE;
		if (argc != 3 || strcmp(argv[1], "--out") != 0 ||
		    argv[2][0] == '\0') {
			fprintf(stderr, "%s: keys generate --out FILE\n", prog);
			return -1;
		}
		o->out = argv[2];
		return 0;
	}
	if (strcmp(argv[0], "list") == 0 && argc == 1) {
		o->cmd = CTL_KEYS_LIST;
		return 0;
	}
	if (strcmp(argv[0], "retire") == 0 && argc == 2) {
		o->cmd = CTL_KEYS_RETIRE;
		o->kid = argv[1];
		return 0;
	}
	fprintf(stderr, "%s: keys generate --out FILE | keys list | "
		"keys retire KID\n", prog);
	return -1;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static int generate(const char *path)
{
	unsigned char pub[CRYPTO_ED25519_PUB];
	char kid[17], *pem = NULL;
	size_t len;
	int fd, rc;

	if (crypto_ed25519_generate(pub, &pem) != 0) {
		fprintf(stderr, "keys generate: cannot make a key\n");
		return 1;
	}
	len = strlen(pem);
	crypto_kid(pub, kid);
	/* O_EXCL: a key in use is never overwritten (its licences would
	 * stop verifying once the file is gone and the row retired). */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		0600);
	if (fd < 0) {
		int exists = errno == EEXIST;

		fprintf(stderr, "keys generate: cannot create '%s': %s\n", path,
			exists ? "it exists (a key is never overwritten)" :
			strerror(errno));
		crypto_wipe(pem, len);
		free(pem);
		return exists ? 2 : 1;
	}
	rc = write_all(fd, pem, len) != 0 || fsync(fd) != 0;
	rc |= close(fd) != 0;
	crypto_wipe(pem, len);
	free(pem);
	if (rc != 0) {
		fprintf(stderr, "keys generate: cannot write '%s': %s\n", path,
			strerror(errno));
		unlink(path);
		return 1;
	}
	rc = store_sigkeys_insert(kid, pub);
	if (rc != 0) {
		/* Without its public half nothing it signs would verify. */
		fprintf(stderr, "keys generate: cannot record the public key: "
			"%s; '%s' removed\n", df_strerror(rc), path);
		unlink(path);
		return 1;
	}
	printf("%s\n", kid);
	return 0;
}

static int list(void)
{
	struct store_sigkey *k = NULL;
	struct arena *a = arena_new(4096);
	size_t n = 0, i;
	int rc;

	if (a == NULL)
		return 1;
	rc = store_sigkeys_list(a, &k, &n);
	if (rc != 0) {
		fprintf(stderr, "keys list: %s\n", df_strerror(rc));
		arena_free(a);
		return 1;
	}
	printf("%-16s  %-26s  %s\n", "KID", "CREATED (UTC)", "RETIRED (UTC)");
	for (i = 0; i < n; i++)
		printf("%-16s  %-26s  %s\n", k[i].kid, k[i].created_at,
			k[i].retired_at[0] != '\0' ? k[i].retired_at : "-");
	arena_free(a);
	return 0;
}

static int retire(const char *kid)
{
	int rc = store_sigkeys_retire(kid);

	if (rc == DF_ENOTFOUND) {
		fprintf(stderr, "keys retire: no key '%s' in use\n", kid);
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "keys retire: %s\n", df_strerror(rc));
		return 1;
	}
	printf("retired %s\n", kid);
	return 0;
}

int ctl_keys_run(const struct config *cfg, const struct ctl_keys_opts *o)
{
	int rc;

	if (db_init(cfg) != 0) {
		fprintf(stderr, "keys: out of memory\n");
		return 1;
	}
	switch (o->cmd) {
	case CTL_KEYS_GENERATE:
		rc = generate(o->out);
		break;
	case CTL_KEYS_LIST:
		rc = list();
		break;
	default:
		rc = retire(o->kid);
		break;
	}
	db_close();
	return rc;
}
