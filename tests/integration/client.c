/* Test client for the integration suite: libcurl for HTTP, libjwt to
 * mint tokens with the stack's own key (independently of the server's
 * token code), and the stack's control script and database client. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <jwt.h>
#include <criterion/criterion.h>
#include "client.h"

struct buf {
	char *p;
	size_t len;
};

static size_t sink(char *data, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	size_t add = size * n;
	char *p = realloc(b->p, b->len + add + 1);

	if (p == NULL)
		return 0;
	memcpy(p + b->len, data, add);
	b->len += add;
	p[b->len] = '\0';
	b->p = p;
	return add;
}

const char *client_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		cr_assert_fail("environment variable %s is not set: run the "
			"integration tests through `make integration` with the "
			"stack's environment (scripts/stack.sh env)", name);
	return v;
}

const char *client_url(const char *path)
{
	static char url[4096];

	snprintf(url, sizeof(url), "%s%s", client_env("DEVFORGE_TEST_URL"), path);
	return url;
}

const char *client_untrusted_url(const char *path)
{
	static char url[4096];

	snprintf(url, sizeof(url), "%s%s",
		client_env("DEVFORGE_TEST_URL_UNTRUSTED"), path);
	return url;
}

/* Linux sends every connection to 127.0.0.0/8 from 127.0.0.1 unless told
 * otherwise: requests for the untrusted address must also come from it,
 * or the server would see a trusted client. */
static void bind_source(CURL *c, const char *url)
{
	const char *base = getenv("DEVFORGE_TEST_URL_UNTRUSTED");

	if (base && *base && strncmp(url, base, strlen(base)) == 0)
		curl_easy_setopt(c, CURLOPT_INTERFACE,
			client_env("DEVFORGE_TEST_UNTRUSTED_SOURCE"));
}

/* With DEVFORGE_TEST_BYTES_URL set (the conformance pass, whose
 * DEVFORGE_TEST_URL is Prism's validating proxy), a request with a body
 * that is not JSON, and a package download, go there instead, straight
 * to the stack: the proxy re-encodes bodies as text, which corrupts a
 * package in either direction. */
static const char *bytes_url(const char *url, const char *const *headers,
	const char *body)
{
	static char out[4096];
	const char *bytes = getenv("DEVFORGE_TEST_BYTES_URL");
	const char *base = getenv("DEVFORGE_TEST_URL");
	size_t blen;

	if (bytes == NULL || base == NULL)
		return url;
	blen = strlen(base);
	if (strncmp(url, base, blen) != 0)
		return url;
	if (strlen(url) > 9 && strcmp(url + strlen(url) - 9, "/download") == 0) {
		snprintf(out, sizeof(out), "%s%s", bytes, url + blen);
		return out;
	}
	for (size_t i = 0; body != NULL && headers && headers[i]; i++) {
		if (strncasecmp(headers[i], "Content-Type:", 13) != 0)
			continue;
		if (strncasecmp(headers[i] + 13 + strspn(headers[i] + 13, " "),
		    "application/json", 16) == 0)
			return url;
		snprintf(out, sizeof(out), "%s%s", bytes, url + blen);
		return out;
	}
	return url;
}

int client_request(const char *method, const char *url,
	const char *const *headers, const char *body, size_t body_len,
	struct client_resp *out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hl = NULL;
	struct buf b = { NULL, 0 }, h = { NULL, 0 };
	CURLcode rc;

	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return -1;
	url = bytes_url(url, headers, body);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	bind_source(c, url);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	/* Never let libcurl add "Expect: 100-continue" or keep-alive state
	 * between tests: each request stands alone. */
	hl = curl_slist_append(hl, "Expect:");
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			(curl_off_t)body_len);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	out->curl_error = (int)rc;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &out->seconds);
	}
	out->body = b.p ? b.p : strdup("");
	out->body_len = b.len;
	out->headers = h.p ? h.p : strdup("");
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

int client_get(const char *url, struct client_resp *out)
{
	return client_request("GET", url, NULL, NULL, 0, out);
}

int client_post_json(const char *url, const char *json,
	const char *const *headers, struct client_resp *out)
{
	const char *hs[16];
	size_t n = 0;

	hs[n++] = "Content-Type: application/json";
	for (size_t i = 0; headers && headers[i] && n < 15; i++)
		hs[n++] = headers[i];
	hs[n] = NULL;
	return client_request("POST", url, hs, json, strlen(json), out);
}

void client_free(struct client_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

char *client_header(const struct client_resp *r, const char *name)
{
	size_t nlen = strlen(name);
	const char *line = r->headers;

	while (line && *line) {
		const char *end = strstr(line, "\r\n");
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > nlen && line[nlen] == ':' &&
		    strncasecmp(line, name, nlen) == 0) {
			const char *v = line + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return strndup(v, (size_t)(line + len - v));
		}
		line = end ? end + 2 : NULL;
	}
	return NULL;
}

struct json_object *client_json(const struct client_resp *r)
{
	return json_tokener_parse(r->body);
}

/* "a.b" walks nested objects. */
const char *client_json_str(struct json_object *o, const char *path)
{
	char key[128];
	const char *dot;

	while (o != NULL && (dot = strchr(path, '.')) != NULL) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	if (o == NULL || !json_object_object_get_ex(o, path, &o) || o == NULL)
		return NULL;
	return json_object_get_string(o);
}

int client_stack(const char *cmd)
{
	char line[4096];

	snprintf(line, sizeof(line), "DF_STACK_DIR='%s' DF_PORT='%s' bash '%s' %s"
		" >>'%s/logs/test-stack-commands.log' 2>&1",
		client_env("DEVFORGE_TEST_STACK_DIR"),
		client_env("DEVFORGE_TEST_PORT"),
		client_env("DEVFORGE_TEST_STACK"), cmd,
		client_env("DEVFORGE_TEST_STACK_DIR"));
	return system(line);
}

char *client_sql(const char *sql)
{
	char cmd[8192], out[4096];
	FILE *f;
	char *res = NULL;

	snprintf(cmd, sizeof(cmd), "mariadb --no-defaults -N -B -u '%s' "
		"--socket='%s' devforge <<'DF_SQL_EOF'\n%s\nDF_SQL_EOF\n",
		client_env("DEVFORGE_TEST_DB_ADMIN"),
		client_env("DEVFORGE_TEST_DB_SOCKET"), sql);
	f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	if (fgets(out, sizeof(out), f) != NULL) {
		out[strcspn(out, "\r\n")] = '\0';
		res = strdup(out);
	}
	pclose(f);
	return res;
}

/* A value from the stack's config file, or dflt. */
static char *config_value(const char *key, const char *dflt)
{
	FILE *f = fopen(client_env("DEVFORGE_TEST_CONFIG"), "r");
	char line[1024];
	size_t klen = strlen(key);

	while (f && fgets(line, sizeof(line), f)) {
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, key, klen) != 0)
			continue;
		p += klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, "\r\n")] = '\0';
		fclose(f);
		return strdup(p);
	}
	if (f)
		fclose(f);
	return dflt ? strdup(dflt) : NULL;
}

char *client_token(const char *sub, const char *role, long ttl, long iat_skew)
{
	return client_token_ver(sub, role, ttl, iat_skew, 1);
}

char *client_token_ver(const char *sub, const char *role, long ttl,
	long iat_skew, long ver)
{
	char path[1024], key[4096];
	char *iss = config_value("jwt_issuer", NULL);
	char *aud = config_value("jwt_audience", NULL);
	FILE *f;
	size_t klen;
	jwt_t *jwt = NULL;
	char *out = NULL;
	time_t now = time(NULL);

	cr_assert(iss && aud, "the stack config must name jwt_issuer and "
		"jwt_audience");
	snprintf(path, sizeof(path), "%s/secrets/jwt_secret",
		client_env("DEVFORGE_TEST_STACK_DIR"));
	f = fopen(path, "r");
	cr_assert(f != NULL, "cannot read %s", path);
	klen = fread(key, 1, sizeof(key) - 1, f);
	fclose(f);
	while (klen > 0 && isspace((unsigned char)key[klen - 1]))
		klen--;
	key[klen] = '\0';

	cr_assert(jwt_new(&jwt) == 0);
	jwt_add_grant(jwt, "sub", sub);
	jwt_add_grant(jwt, "role", role);
	jwt_add_grant(jwt, "iss", iss);
	jwt_add_grant(jwt, "aud", aud);
	jwt_add_grant(jwt, "jti", "test-token");
	jwt_add_grant_int(jwt, "iat", (long)now + iat_skew);
	jwt_add_grant_int(jwt, "exp", (long)now + ttl);
	jwt_add_grant_int(jwt, "ver", ver);
	jwt_set_alg(jwt, JWT_ALG_HS256, (unsigned char *)key, (int)klen);
	out = jwt_encode_str(jwt);
	jwt_free(jwt);
	free(iss);
	free(aud);
	return out;
}

int client_supervisor_pid(void)
{
	FILE *f = fopen(client_env("DEVFORGE_TEST_SUPERVISOR_PIDFILE"), "r");
	int pid = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

size_t client_worker_pids(int *pids, size_t max)
{
	int sup = client_supervisor_pid();
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)) != NULL && n < max) {
		char path[300], stat[1024];
		FILE *f;
		int pid = atoi(e->d_name), ppid = 0;
		char state = 0;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(stat, sizeof(stat), f) != NULL) {
			/* the command name may hold spaces: parse after ')' */
			char *p = strrchr(stat, ')');
			if (p && sscanf(p + 1, " %c %d", &state, &ppid) == 2 &&
			    ppid == sup && state != 'Z')
				pids[n++] = pid;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

double client_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard(char *data, size_t size, size_t n, void *ctx)
{
	(void)data;
	(void)ctx;
	return size * n;
}

int client_load(const char *url, int total, int concurrency,
	const char *rid_prefix, int *status_counts)
{
	CURLM *m = curl_multi_init();
	int started = 0, done = 0, running = 0;
	char hdr[256];

	memset(status_counts, 0, 600 * sizeof(int));
	while (done < total) {
		while (started < total && running < concurrency) {
			CURL *c = curl_easy_init();
			struct curl_slist *hl = curl_slist_append(NULL, "Expect:");
			if (rid_prefix) {
				snprintf(hdr, sizeof(hdr), "X-Request-Id: %s-%d",
					rid_prefix, started);
				hl = curl_slist_append(hl, hdr);
			}
			curl_easy_setopt(c, CURLOPT_URL, url);
			bind_source(c, url);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
			curl_easy_setopt(c, CURLOPT_PRIVATE, hl);
			curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
			curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
			curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
			curl_multi_add_handle(m, c);
			started++;
			running++;
		}
		int still = 0;
		curl_multi_perform(m, &still);
		curl_multi_poll(m, NULL, 0, 100, NULL);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *c = msg->easy_handle;
			long st = 0;
			struct curl_slist *hl = NULL;
			if (msg->data.result == CURLE_OK)
				curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
			if (st < 0 || st >= 600)
				st = 0;
			status_counts[st]++;
			curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&hl);
			curl_multi_remove_handle(m, c);
			curl_easy_cleanup(c);
			curl_slist_free_all(hl);
			running--;
			done++;
		}
	}
	curl_multi_cleanup(m);
	return total - status_counts[0];
}

double client_metric(const char *text, const char *name, const char *labels)
{
	char want[1024];
	const char *p = text;
	size_t wlen;

	if (labels && *labels)
		snprintf(want, sizeof(want), "%s{%s} ", name, labels);
	else
		snprintf(want, sizeof(want), "%s ", name);
	wlen = strlen(want);
	while (p && *p) {
		if (strncmp(p, want, wlen) == 0)
			return strtod(p + wlen, NULL);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

int client_user(const char *role, char *public_id)
{
	static unsigned seq;
	char sql[1024], name[40];
	char *pid;

	snprintf(name, sizeof(name), "t%d_%u_%ld", getpid() % 100000, seq++,
		(long)time(NULL) % 100000);
	snprintf(sql, sizeof(sql),
		"INSERT INTO users (public_id, email, username, password_hash,"
		" role, created_at, updated_at) VALUES (UUID(), '%s@test.example',"
		" '%s', '$scrypt$unusable', '%s', UTC_TIMESTAMP(6),"
		" UTC_TIMESTAMP(6));"
		" SELECT public_id FROM users WHERE username = '%s';",
		name, name, role, name);
	pid = client_sql(sql);
	if (pid == NULL || strlen(pid) != 36) {
		free(pid);
		return -1;
	}
	memcpy(public_id, pid, 37);
	free(pid);
	return 0;
}

char *client_auth_header(const char *role, char *public_id)
{
	char pid[37], *tok, *h;

	cr_assert_eq(client_user(role, pid), 0, "cannot create a %s user", role);
	tok = client_token(pid, role, 600, 0);
	cr_assert(tok != NULL);
	h = malloc(strlen(tok) + 32);
	sprintf(h, "Authorization: Bearer %s", tok);
	free(tok);
	if (public_id)
		memcpy(public_id, pid, 37);
	return h;
}

int client_run(const char *cmd, char **out)
{
	char full[8192], buf[4096];
	size_t len = 0;
	FILE *f;
	int st;

	snprintf(full, sizeof(full), "(%s) 2>&1", cmd);
	*out = calloc(1, 1);
	f = popen(full, "r");
	cr_assert(f != NULL);
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(buf);

		*out = realloc(*out, len + n + 1);
		memcpy(*out + len, buf, n + 1);
		len += n;
	}
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *client_ctl(void)
{
	const char *c = getenv("DEVFORGE_TEST_CTL");

	return c ? c : "./devforgectl";
}
