/* Test client for the integration suite: libcurl for HTTP, libjwt to
 * mint tokens with the stack's own key (independently of the server's
 * token code), and the stack's control script and database client. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
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

void client_send(const char *method, const char *path,
	struct client_resp *out)
{
	cr_assert(client_request(method, client_url(path), NULL, NULL, 0,
		out) == 0, "%s %s: no answer", method, path);
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
	char part[128];
	const char *p = path, *e;
	size_t n;

	while (o != NULL && *p != '\0') {
		e = strchr(p, '.');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		snprintf(part, sizeof(part), "%.*s", (int)n, p);
		{
			char *br = strchr(part, '[');
			long idx = -1;

			if (br != NULL) {
				idx = atol(br + 1);
				*br = '\0';
			}
			if (*part != '\0')
				o = json_object_object_get(o, part);
			if (idx >= 0)
				o = json_object_is_type(o, json_type_array) ?
					json_object_array_get_idx(o,
					(size_t)idx) : NULL;
		}
		p += n;
		if (*p == '.')
			p++;
	}
	if (o == NULL || json_object_is_type(o, json_type_null))
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

char *client_sql_rows(const char *sql)
{
	char cmd[8192], buf[4096];
	char *res = NULL, *p;
	size_t len = 0, k;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mariadb --no-defaults -N -B -u '%s' "
		"--socket='%s' devforge <<'DF_SQL_EOF'\n%s\nDF_SQL_EOF\n",
		client_env("DEVFORGE_TEST_DB_ADMIN"),
		client_env("DEVFORGE_TEST_DB_SOCKET"), sql);
	f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		p = realloc(res, len + k + 1);
		if (p == NULL) {
			free(res);
			pclose(f);
			return NULL;
		}
		res = p;
		memcpy(res + len, buf, k);
		len += k;
		res[len] = '\0';
	}
	if (pclose(f) != 0) {
		free(res);
		return NULL;
	}
	return res != NULL ? res : strdup("");
}

/* Spaces may stand around the '='. */
char *client_config(const char *key, const char *dflt)
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

size_t client_jwt_secret(char *key, size_t cap)
{
	char path[1024];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/secrets/jwt_secret",
		client_env("DEVFORGE_TEST_STACK_DIR"));
	f = fopen(path, "r");
	cr_assert(f != NULL, "cannot read %s", path);
	len = fread(key, 1, cap - 1, f);
	fclose(f);
	while (len > 0 && isspace((unsigned char)key[len - 1]))
		len--;
	key[len] = '\0';
	return len;
}

char *client_token(const char *sub, const char *role, long ttl, long iat_skew)
{
	return client_token_ver(sub, role, ttl, iat_skew, 1);
}

char *client_token_ver(const char *sub, const char *role, long ttl,
	long iat_skew, long ver)
{
	char key[4096];
	char *iss = client_config("jwt_issuer", NULL);
	char *aud = client_config("jwt_audience", NULL);
	size_t klen;
	jwt_t *jwt = NULL;
	char *out = NULL;
	time_t now = time(NULL);

	cr_assert(iss && aud, "the stack config must name jwt_issuer and "
		"jwt_audience");
	klen = client_jwt_secret(key, sizeof(key));
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

/* The state letter of /proc/PID/stat ('R', 'S', 'T'...), or 0. */
static char proc_state(int pid)
{
	char path[64], stat[1024], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fgets(stat, sizeof(stat), f) != NULL) {
		char *p = strrchr(stat, ')');

		if (p == NULL || sscanf(p + 1, " %c", &state) != 1)
			state = 0;
	}
	fclose(f);
	return state;
}

int client_stop_process(int pid)
{
	int i;

	if (kill(pid, SIGSTOP) != 0)
		return -1;
	for (i = 0; i < 2000; i++) {
		char st = proc_state(pid);

		if (st == 'T' || st == 't')
			return 0;
		if (st == 0 || st == 'Z')
			return -1;
		usleep(1000);
	}
	return -1;
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

double client_metric_now(const char *name, const char *labels)
{
	struct client_resp r;
	double v;

	cr_assert(client_get(client_url("/api/v1/metrics"), &r) == 0);
	cr_assert_eq(r.status, 200, "metrics: %ld %s", r.status, r.body);
	v = client_metric(r.body, name, labels);
	client_free(&r);
	return v;
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
	char pid[37], *h;

	cr_assert_eq(client_user(role, pid), 0, "cannot create a %s user", role);
	h = client_bearer(pid, role, 1);
	if (public_id)
		memcpy(public_id, pid, 37);
	return h;
}

static int ctl_vrun(const char *env, char **out, const char *fmt,
	va_list ap)
{
	char args[2048], cmd[4096];

	vsnprintf(args, sizeof(args), fmt, ap);
	snprintf(cmd, sizeof(cmd), "%s%s%s -c '%s' %s", env, env[0] ? " " : "",
		client_ctl(), client_env("DEVFORGE_TEST_CONFIG"), args);
	return client_run(cmd, out);
}

int client_ctl_run(long offset_s, char **out, const char *fmt, ...)
{
	char env[64] = "";
	va_list ap;
	int rc;

	if (offset_s != 0)
		snprintf(env, sizeof(env), "DEVFORGE_CLOCK_OFFSET_SECONDS=%ld",
			offset_s);
	va_start(ap, fmt);
	rc = ctl_vrun(env, out, fmt, ap);
	va_end(ap);
	return rc;
}

int client_ctl_run_env(const char *env, char **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ctl_vrun(env, out, fmt, ap);
	va_end(ap);
	return rc;
}

void client_assistant_reindex(void)
{
	char *out = NULL;
	int rc = client_ctl_run(0, &out,
		"jobs run --once --only assistant-index");

	cr_assert_eq(rc, 0, "assistant-index: %s", out != NULL ? out : "");
	free(out);
}

int client_lock(const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s.lock",
		client_env("DEVFORGE_TEST_STACK_DIR"), name);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "open %s", path);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	return fd;
}

void client_word(char out[17], char tag)
{
	static unsigned seq;
	unsigned long v = ((unsigned long)getpid() << 20) ^
		((unsigned long)time(NULL) << 8) ^ (seq++ * 2654435761u);
	int i;

	out[0] = 'z';
	out[1] = tag;
	for (i = 2; i < 16; i++) {
		out[i] = (char)('a' + v % 26);
		v = v / 26 + (unsigned long)i * 7919u;
	}
	out[16] = '\0';
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

char *client_sqlf(const char *fmt, ...)
{
	char sql[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return client_sql(sql);
}

long client_sql_long(const char *sql)
{
	char *v = client_sql(sql);
	long n = v ? atol(v) : -1;

	free(v);
	return n;
}

long client_sql_longf(const char *fmt, ...)
{
	char sql[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return client_sql_long(sql);
}

long client_audit_count(const char *event, const char *subject)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit_log WHERE "
		"event = '%s' AND subject_id = '%s'", event, subject);
	return client_sql_long(sql);
}

char *client_file(const char *path)
{
	/* Read to the end in chunks: a /proc file reports size 0. */
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 4096, got;
	char *s;

	if (f == NULL)
		return NULL;
	s = malloc(cap + 1);
	cr_assert(s != NULL);
	while ((got = fread(s + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			s = realloc(s, cap + 1);
			cr_assert(s != NULL);
		}
	}
	s[len] = '\0';
	fclose(f);
	return s;
}

int client_maildir_each(const char *to,
	void (*fn)(char **text, const char *name, void *ctx), void *ctx)
{
	char *dir = client_config("mail_maildir", NULL), path[4096],
		want_to[300];
	struct dirent *e;
	DIR *d;
	int n = 0;

	cr_assert(dir != NULL, "the stack config has no mail_maildir");
	snprintf(want_to, sizeof(want_to), "\nTo: %s\n", to);
	snprintf(path, sizeof(path), "%s/new", dir);
	d = opendir(path);
	while (d != NULL && (e = readdir(d)) != NULL) {
		char *m;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/new/%s", dir, e->d_name);
		m = client_file(path);
		if (m != NULL && strstr(m, want_to)) {
			n++;
			fn(&m, e->d_name, ctx);
		}
		free(m);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return n;
}

struct maildir_find {
	const char *subject;
	char want_subj[300];
	int n;
	long newest;
	char **text;
};

static void maildir_find_one(char **m, const char *name, void *ctx)
{
	struct maildir_find *f = ctx;
	/* Names start with the delivery time in seconds. */
	long t = atol(name);

	if (f->subject != NULL && strstr(*m, f->want_subj) == NULL)
		return;
	f->n++;
	if (f->text != NULL && t >= f->newest) {
		free(*f->text);
		*f->text = *m;
		f->newest = t;
		*m = NULL;
	}
}

int client_maildir_find(const char *to, const char *subject, char **text)
{
	struct maildir_find f = { .subject = subject, .newest = -1,
		.text = text };

	snprintf(f.want_subj, sizeof(f.want_subj), "\nSubject: %s\n",
		subject != NULL ? subject : "");
	if (text != NULL)
		*text = NULL;
	client_maildir_each(to, maildir_find_one, &f);
	return f.n;
}

/* Pid, a sequence number and the time: unique across runs and across
 * programs running at once. */
const char *client_unique(const char *prefix)
{
	static char buf[8][48];
	static unsigned seq, slot;
	char *b = buf[slot++ % 8];

	snprintf(b, sizeof(buf[0]), "%s%d_%u_%ld", prefix, getpid() % 100000,
		seq++, (long)time(NULL) % 1000000);
	return b;
}

void client_account_new(struct client_account *a, const char *prefix,
	const char *domain, const char *password)
{
	struct client_resp r;
	char body[512], *id;

	memset(a, 0, sizeof(*a));
	snprintf(a->username, sizeof(a->username), "%s", client_unique(prefix));
	snprintf(a->email, sizeof(a->email), "%s@%s", a->username, domain);
	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"username\":\"%s\","
		"\"password\":\"%s\"}", a->email, a->username, password);
	client_call("POST", "/api/v1/auth/register", NULL, body, &r);
	cr_assert_eq(r.status, 201, "register: %ld %s", r.status, r.body);
	a->access = client_body_str(&r, "access_token");
	a->refresh = client_body_str(&r, "refresh_token");
	id = client_body_str(&r, "user.id");
	cr_assert(a->access && a->refresh && id);
	snprintf(a->id, sizeof(a->id), "%s", id);
	free(id);
	client_free(&r);
}

void client_account_free(struct client_account *a)
{
	free(a->access);
	free(a->refresh);
	a->access = a->refresh = NULL;
}

char *client_bearer(const char *sub, const char *role, long ver)
{
	char *tok = client_token_ver(sub, role, 600, 0, ver), *h;

	cr_assert(tok != NULL);
	h = malloc(strlen(tok) + 32);
	cr_assert(h != NULL);
	sprintf(h, "Authorization: Bearer %s", tok);
	free(tok);
	return h;
}

/* The request of client_call on any address. */
static void call_url(const char *method, const char *url, const char *auth,
	const char *json, struct client_resp *r)
{
	const char *h[3];
	size_t n = 0;

	if (auth != NULL)
		h[n++] = auth;
	if (json != NULL)
		h[n++] = "Content-Type: application/json";
	h[n] = NULL;
	/* Without a body the front server would answer 411 to a POST (as
	 * HTTP/1.1 allows): say Content-Length: 0 instead. */
	if (json == NULL && strcmp(method, "GET") != 0 &&
	    strcmp(method, "HEAD") != 0)
		json = "";
	cr_assert(client_request(method, url, h, json,
		json != NULL ? strlen(json) : 0, r) == 0, "%s %s: no answer",
		method, url);
}

void client_call(const char *method, const char *path, const char *auth,
	const char *json, struct client_resp *r)
{
	call_url(method, client_url(path), auth, json, r);
}

void client_call_untrusted(const char *method, const char *path,
	const char *auth, const char *json, struct client_resp *r)
{
	call_url(method, client_untrusted_url(path), auth, json, r);
}

/* "Authorization: Bearer <access>" in buf, or NULL without a token. */
static const char *bearer_line(char *buf, size_t cap, const char *access)
{
	if (access == NULL)
		return NULL;
	snprintf(buf, cap, "Authorization: Bearer %s", access);
	return buf;
}

void client_call_token(const char *method, const char *path,
	const char *access, const char *json, struct client_resp *r)
{
	char auth[2048];

	client_call(method, path, bearer_line(auth, sizeof(auth), access),
		json, r);
}

long client_status_token(const char *method, const char *path,
	const char *access, const char *json)
{
	char auth[2048];

	return client_status(method, path,
		bearer_line(auth, sizeof(auth), access), json);
}

long client_status_untrusted(const char *method, const char *path,
	const char *access)
{
	char auth[2048];
	struct client_resp r;
	long s;

	client_call_untrusted(method, path,
		bearer_line(auth, sizeof(auth), access), NULL, &r);
	s = r.status;
	client_free(&r);
	return s;
}


long client_status(const char *method, const char *path, const char *auth,
	const char *json)
{
	return client_status_keep(method, path, auth, json, NULL);
}

long client_status_keep(const char *method, const char *path,
	const char *auth, const char *json, struct client_resp *keep)
{
	struct client_resp r;
	long s;

	client_call(method, path, auth, json, &r);
	s = r.status;
	if (keep != NULL)
		*keep = r;
	else
		client_free(&r);
	return s;
}

struct json_object *client_expect_json(const struct client_resp *r,
	long status)
{
	struct json_object *o;

	cr_assert_eq(r->status, status, "want %ld, got %ld: %s", status,
		r->status, r->body);
	o = client_json(r);
	cr_assert(o != NULL, "the body is not JSON: %s", r->body);
	return o;
}

char *client_body_str(const struct client_resp *r, const char *path)
{
	struct json_object *o = client_json(r);
	const char *s = o ? client_json_str(o, path) : NULL;
	char *out = s ? strdup(s) : NULL;

	json_object_put(o);
	return out;
}

char *client_json_quote(const char *s)
{
	struct json_object *o = json_object_new_string(s);
	char *out = strdup(json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return out;
}

void client_assert_problem(const struct client_resp *r, long status,
	const char *code)
{
	char want[256], *ct;
	struct json_object *o;

	cr_assert_eq(r->status, status, "want %ld, got %ld: %s", status,
		r->status, r->body);
	ct = client_header(r, "Content-Type");
	cr_assert(ct && strncmp(ct, "application/problem+json", 24) == 0,
		"content type %s", ct ? ct : "(none)");
	free(ct);
	o = client_json(r);
	cr_assert(o != NULL, "problem body is not JSON: %s", r->body);
	snprintf(want, sizeof(want), "https://devforge.dev/problems/%s", code);
	cr_assert_str_eq(client_json_str(o, "type"), want, "%s", r->body);
	json_object_put(o);
}

int client_has_error(const struct client_resp *r, const char *field,
	const char *code)
{
	struct json_object *o = client_json(r), *errs, *e;
	int found = 0;

	if (o && json_object_object_get_ex(o, "errors", &errs)) {
		for (size_t i = 0; i < json_object_array_length(errs); i++) {
			const char *f, *c;

			e = json_object_array_get_idx(errs, i);
			f = client_json_str(e, "field");
			c = client_json_str(e, "code");
			if (f && c && strcmp(f, field) == 0 &&
			    (code == NULL || strcmp(c, code) == 0))
				found = 1;
		}
	}
	json_object_put(o);
	return found;
}

void client_assert_field_error(const struct client_resp *r, const char *field,
	const char *code)
{
	client_assert_problem(r, 422, "validation_failed");
	cr_assert(client_has_error(r, field, code), "no error %s/%s in %s",
		field, code ? code : "*", r->body);
}

void client_expect_field_error(const char *method, const char *path,
	const char *access, const char *json, const char *field,
	const char *code)
{
	char auth[2048];

	client_expect_field_error_auth(method, path,
		bearer_line(auth, sizeof(auth), access), json, field, code);
}

void client_expect_field_error_auth(const char *method, const char *path,
	const char *auth, const char *json, const char *field,
	const char *code)
{
	struct client_resp r;

	client_call(method, path, auth, json, &r);
	client_assert_field_error(&r, field, code);
	client_free(&r);
}

/* The rows the server's handlers have read, all sessions together. */
long client_rows_read(void)
{
	char *s = client_sql("SELECT SUM(VARIABLE_VALUE) FROM"
		" information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN"
		" ('HANDLER_READ_NEXT', 'HANDLER_READ_PREV', 'HANDLER_READ_RND_NEXT',"
		" 'HANDLER_READ_FIRST', 'HANDLER_READ_LAST')");
	long n;

	cr_assert(s != NULL);
	n = strtol(s, NULL, 10);
	free(s);
	return n;
}

long client_rows_read_least(void (*run)(void *ctx, int trial), void *ctx,
	int trials)
{
	long least = -1, before, read;
	int t;

	for (t = 0; t < trials; t++) {
		before = client_rows_read();
		run(ctx, t);
		read = client_rows_read() - before;
		if (least < 0 || read < least)
			least = read;
	}
	return least;
}

/* Every "score" in a JSON text as the server printed it: a plain decimal
 * with at most four digits after the point (not a binary double's
 * 0.66669999999999996); *fractional counts those strictly between 0 and
 * 1, so a caller can check it saw one that a double would have blurred. */
void client_scores_four_decimals(const char *body, int *n, int *fractional)
{
	const char *p = body;

	*n = *fractional = 0;
	while ((p = strstr(p, "\"score\":")) != NULL) {
		const char *v = p + 8, *dot;
		size_t digits;

		while (*v == ' ')
			v++;
		dot = v + strspn(v, "0123456789");
		cr_assert(dot > v, "score not a number: %.40s", p);
		digits = *dot == '.' ? strspn(dot + 1, "0123456789") : 0;
		cr_assert(digits <= 4, "score with %zu decimals: %.40s", digits,
			p);
		cr_assert(strchr(",}", dot[*dot == '.' ? digits + 1 : 0]) != NULL,
			"score not a plain decimal: %.40s", p);
		if (v[0] == '0' && *dot == '.' && strtod(v, NULL) > 0)
			++*fractional;
		++*n;
		p = v;
	}
}

char *client_list_keys(const char *path, const char *auth, const char *key,
	char **next)
{
	struct client_resp r;
	struct json_object *o, *items;
	size_t i, n, len = 0, cap = 16384;
	char *out = calloc(1, cap);

	cr_assert(out != NULL);
	client_call("GET", path, auth, NULL, &r);
	o = client_expect_json(&r, 200);
	items = json_object_object_get(o, "items");
	n = json_object_array_length(items);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
			i ? " " : "", client_json_str(
			json_object_array_get_idx(items, i), key));
	if (next != NULL) {
		const char *c = client_json_str(o, "next_cursor");

		*next = c != NULL ? strdup(c) : NULL;
	}
	json_object_put(o);
	client_free(&r);
	return out;
}

char *client_etag_revalidates(const char *path)
{
	char inm[256], *etag;
	const char *h[2] = { inm, NULL };
	struct client_resp r;

	client_call("GET", path, NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	etag = client_header(&r, "ETag");
	cr_assert_not_null(etag);
	client_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	cr_assert_eq(client_request("GET", client_url(path), h, NULL, 0, &r), 0);
	cr_assert_eq(r.status, 304);
	client_free(&r);
	return etag;
}

void client_dir_replace_by_file(const char *dir, char *away, size_t len)
{
	FILE *f;

	snprintf(away, len, "%s.away-%d", dir, (int)getpid());
	if (mkdir(dir, 0700) != 0)
		cr_assert_eq(errno, EEXIST, "mkdir %s: %s", dir, strerror(errno));
	cr_assert_eq(rename(dir, away), 0, "rename %s: %s", dir,
		strerror(errno));
	f = fopen(dir, "w");
	cr_assert(f != NULL, "%s: %s", dir, strerror(errno));
	fclose(f);
}

void client_dir_put_back(const char *dir, char *away)
{
	struct stat st;

	if (away[0] == '\0')
		return;
	if (stat(dir, &st) == 0 && S_ISREG(st.st_mode))
		unlink(dir);
	if (rename(away, dir) == 0)
		away[0] = '\0';
}
