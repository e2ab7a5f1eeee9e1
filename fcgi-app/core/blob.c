/* Content-addressed package files. Temporary files live in the same
 * directory tree as their final place, so the last step is a rename(2)
 * within one file system: a reader (the front server sending a download)
 * sees the whole file or none. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "blob.h"
#include "crypto.h"
#include "err.h"
#include "log.h"

#define BLOB_CHUNK 65536

static int mkdir_p1(const char *path)
{
	if (mkdir(path, 0750) == 0 || errno == EEXIST)
		return 0;
	log_msg(LOG_ERROR, "blob: mkdir %s: %s", path, strerror(errno));
	return DF_EINTERNAL;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int blob_receive(const char *dir, http_read_fn rd, void *ctx,
	uint64_t length, struct blob_tmp *out)
{
	unsigned char rnd[12], md[32];
	char tmpdir[BLOB_PATH_MAX], hex[25];
	static char buf[BLOB_CHUNK];
	uint64_t got = 0;
	EVP_MD_CTX *h = NULL;
	unsigned int mdlen = 0;
	int fd = -1, rc = DF_EINTERNAL, n;

	memset(out, 0, sizeof(*out));
	n = snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	if (n < 0 || (size_t)n >= sizeof(tmpdir) || mkdir_p1(dir) != 0 ||
	    mkdir_p1(tmpdir) != 0)
		return DF_EINTERNAL;
	if (crypto_random(rnd, sizeof(rnd)) != 0)
		return DF_EINTERNAL;
	crypto_hex(rnd, sizeof(rnd), hex);
	n = snprintf(out->path, sizeof(out->path), "%s/upload-%s", tmpdir, hex);
	if (n < 0 || (size_t)n >= sizeof(out->path)) {
		out->path[0] = '\0';
		return DF_EINTERNAL;
	}
	fd = open(out->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_msg(LOG_ERROR, "blob: open %s: %s", out->path,
			strerror(errno));
		out->path[0] = '\0';
		return DF_EINTERNAL;
	}
	h = EVP_MD_CTX_new();
	if (h == NULL || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1)
		goto done;
	while (got < length) {
		size_t want = length - got < BLOB_CHUNK ?
			(size_t)(length - got) : BLOB_CHUNK;
		long r = rd(ctx, buf, want);

		if (r <= 0) {
			rc = DF_EIO;
			goto done;
		}
		if (EVP_DigestUpdate(h, buf, (size_t)r) != 1)
			goto done;
		if (write_all(fd, buf, (size_t)r) != 0) {
			log_msg(LOG_ERROR, "blob: write %s: %s", out->path,
				strerror(errno));
			goto done;
		}
		got += (uint64_t)r;
	}
	if (EVP_DigestFinal_ex(h, md, &mdlen) != 1 || mdlen != sizeof(md))
		goto done;
	if (fsync(fd) != 0)
		goto done;
	crypto_hex(md, sizeof(md), out->sha256);
	out->size = got;
	rc = 0;
done:
	EVP_MD_CTX_free(h);
	if (close(fd) != 0 && rc == 0)
		rc = DF_EINTERNAL;
	if (rc != 0)
		blob_discard(out);
	return rc;
}

static int hex64(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int blob_path(const char *dir, const char *sha256, char *out, size_t len)
{
	int n;

	if (!hex64(sha256))
		return DF_EINVAL;
	n = snprintf(out, len, "%s/%.2s/%s", dir, sha256, sha256);
	if (n < 0 || (size_t)n >= len)
		return DF_EINVAL;
	return 0;
}

int blob_commit(const char *dir, struct blob_tmp *t)
{
	char sub[BLOB_PATH_MAX], dest[BLOB_PATH_MAX];
	int n;

	if (t->path[0] == '\0' || blob_path(dir, t->sha256, dest,
	    sizeof(dest)) != 0)
		return DF_EINTERNAL;
	n = snprintf(sub, sizeof(sub), "%s/%.2s", dir, t->sha256);
	if (n < 0 || (size_t)n >= sizeof(sub) || mkdir_p1(sub) != 0)
		return DF_EINTERNAL;
	if (access(dest, F_OK) == 0) {
		/* The same bytes are stored already. */
		blob_discard(t);
		return 0;
	}
	if (rename(t->path, dest) != 0) {
		log_msg(LOG_ERROR, "blob: rename to %s: %s", dest,
			strerror(errno));
		return DF_EINTERNAL;
	}
	t->path[0] = '\0';
	return 0;
}

void blob_discard(struct blob_tmp *t)
{
	if (t->path[0] != '\0' && unlink(t->path) != 0 && errno != ENOENT)
		log_msg(LOG_WARN, "blob: unlink %s: %s", t->path,
			strerror(errno));
	t->path[0] = '\0';
}

int blob_remove(const char *dir, const char *sha256)
{
	char path[BLOB_PATH_MAX];

	if (blob_path(dir, sha256, path, sizeof(path)) != 0)
		return DF_EINVAL;
	if (unlink(path) != 0 && errno != ENOENT) {
		log_msg(LOG_WARN, "blob: unlink %s: %s", path, strerror(errno));
		return DF_EINTERNAL;
	}
	return 0;
}
