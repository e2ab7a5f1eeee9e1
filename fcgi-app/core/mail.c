/* Outgoing mail: message formatting (RFC 5322 headers, RFC 2047 subject,
 * RFC 2045 quoted-printable), the retry schedule, and delivery through
 * sendmail or into a maildir. Everything that goes into a header is
 * checked or encoded here, so no value can add a header line. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* pipe2, close_range */
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "err.h"
#include "mail.h"
#include "validate.h"

int64_t mail_backoff_s(int64_t attempts)
{
	int64_t s = MAIL_BACKOFF_BASE_S;

	if (attempts < 0)
		attempts = 0;
	/* Doubling stops at the cap, so large counts cannot overflow. */
	while (attempts-- > 0 && s < MAIL_BACKOFF_MAX_S)
		s *= 2;
	return s < MAIL_BACKOFF_MAX_S ? s : MAIL_BACKOFF_MAX_S;
}

/* ---------------------------------------------------------------- buffer */

struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* The result, or NULL (everything freed) after an allocation failure. */
static char *buf_take(struct buf *b, size_t *len)
{
	if (b->oom || b->p == NULL) {
		free(b->p);
		b->p = NULL;
		return NULL;
	}
	if (len != NULL)
		*len = b->len;
	return b->p;
}

/* ------------------------------------------------------------- addresses */

static int addr_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("<>(),;:\"\\[]", c) == NULL;
}

int mail_addr_ok(const char *s)
{
	const char *at;
	size_t n;

	if (s == NULL || (n = strlen(s)) < 3 || n > 254)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!addr_char((unsigned char)s[i]))
			return 0;
	at = strchr(s, '@');
	return at != NULL && at != s && at[1] != '\0' && strchr(at + 1, '@') == NULL;
}

int mail_from_ok(const char *s)
{
	const char *lt, *gt;
	char addr[256];
	size_t n;

	if (s == NULL)
		return 0;
	lt = strchr(s, '<');
	if (lt == NULL)
		return mail_addr_ok(s);
	n = strlen(s);
	gt = s + n - 1;
	if (n < 2 || *gt != '>' || gt <= lt + 1 || (size_t)(gt - lt - 1) >= sizeof(addr))
		return 0;
	for (const char *p = s; p < lt; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c >= 0x7f || strchr("<>\"\\", c) != NULL)
			return 0;
	}
	memcpy(addr, lt + 1, (size_t)(gt - lt - 1));
	addr[gt - lt - 1] = '\0';
	return mail_addr_ok(addr);
}

/* The domain of a From value (after the '@', without a closing '>'). */
static int from_domain(const char *from, char *out, size_t len)
{
	const char *at = from != NULL ? strrchr(from, '@') : NULL;
	size_t n;

	if (at == NULL || at[1] == '\0')
		return DF_EINVAL;
	n = strcspn(at + 1, ">");
	if (n == 0 || n >= len)
		return DF_EINVAL;
	memcpy(out, at + 1, n);
	out[n] = '\0';
	return 0;
}

/* --------------------------------------------------------------- headers */

/* Bytes in the UTF-8 sequence that starts with c (the input is valid). */
static size_t utf8_seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	return 4;
}

static int plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Plain header text folded before spaces once a line would pass
 * MAIL_LINE_SOFT. Unfolding (dropping each "\n") gives back value. */
static void header_plain(struct buf *b, size_t line, const char *v)
{
	while (*v != '\0') {
		/* One chunk: the spaces before a word, and the word. */
		size_t n = strspn(v, " ");

		n += strcspn(v + n, " ");
		if (line + n > MAIL_LINE_SOFT && line > 0 && *v == ' ') {
			buf_addc(b, '\n');
			line = 0;
		}
		buf_add(b, v, n);
		line += n;
		v += n;
	}
}

/* RFC 2047 "B" encoded-words, whole characters only, each line within
 * MAIL_LINE_SOFT; adjacent encoded-words are separated by folding
 * whitespace, which decoders drop. */
static void header_encoded(struct buf *b, size_t line, const char *v)
{
	static const char pre[] = "=?UTF-8?B?", post[] = "?=";
	const size_t overhead = sizeof(pre) - 1 + sizeof(post) - 1;
	unsigned char out[80];

	while (*v != '\0') {
		size_t room = MAIL_LINE_SOFT > line + overhead ?
			MAIL_LINE_SOFT - line - overhead : 0;
		size_t max = room / 4 * 3, n = 0;

		if (max < 12)
			max = 12;   /* a long header name: never stall */
		while (v[n] != '\0' && n + utf8_seq_len((unsigned char)v[n]) <= max)
			n += utf8_seq_len((unsigned char)v[n]);
		EVP_EncodeBlock(out, (const unsigned char *)v, (int)n);
		buf_adds(b, pre);
		buf_adds(b, (const char *)out);
		buf_adds(b, post);
		v += n;
		if (*v != '\0') {
			buf_adds(b, "\n ");
			line = 1;
		}
	}
}

char *mail_header(const char *name, const char *value)
{
	struct buf b = { 0 };
	char *v;
	size_t n, longest = 0, run = 0;

	if (name == NULL || value == NULL)
		return NULL;
	n = strlen(value);
	if (!validate_utf8(value, n))
		return NULL;
	v = strdup(value);
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			v[i] = ' ';
		run = v[i] == ' ' ? 0 : run + 1;
		longest = run > longest ? run : longest;
	}
	buf_adds(&b, name);
	buf_adds(&b, ":");
	/* "=?" in plain text would be read as the start of an encoded-word;
	 * a word too long to fold would break the line limit. */
	if (plain_ascii(v) && strstr(v, "=?") == NULL &&
	    longest + strlen(name) + 2 <= MAIL_LINE_HARD) {
		if (n > 0)
			buf_adds(&b, " ");
		header_plain(&b, strlen(name) + 2, v);
	} else {
		buf_adds(&b, " ");
		header_encoded(&b, strlen(name) + 2, v);
	}
	free(v);
	return buf_take(&b, NULL);
}

/* ------------------------------------------------------------------ body */

/* The body with every CRLF and lone CR turned into LF, ending in LF. */
static char *body_lf(const char *s, size_t *len)
{
	struct buf b = { 0 };

	for (; *s != '\0'; s++) {
		if (*s == '\r') {
			buf_addc(&b, '\n');
			if (s[1] == '\n')
				s++;
		} else {
			buf_addc(&b, *s);
		}
	}
	if (b.len == 0 || b.p[b.len - 1] != '\n')
		buf_addc(&b, '\n');
	return buf_take(&b, len);
}

/* 1 when every line (LF-separated) is printable ASCII or TAB and at most
 * MAIL_LINE_HARD bytes: the body can go as 7bit. */
static int body_is_7bit(const char *s)
{
	size_t line = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n') {
			line = 0;
			continue;
		}
		if (c >= 0x7f || (c < 0x20 && c != '\t') || ++line > MAIL_LINE_HARD)
			return 0;
	}
	return 1;
}

char *mail_qp_encode(const char *body, size_t *len)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = { 0 };
	char *lf;
	const char *s;
	size_t col = 0;

	lf = body_lf(body, NULL);
	if (lf == NULL)
		return NULL;
	for (s = lf; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char tok[4];
		size_t n;

		if (c == '\n') {
			buf_addc(&b, '\n');
			col = 0;
			continue;
		}
		/* A blank right before the end of a line would be stripped
		 * by transports: escape it. */
		if ((c == ' ' || c == '\t') && s[1] != '\n' && s[1] != '\0') {
			tok[0] = (char)c;
			n = 1;
		} else if (c > 0x20 && c < 0x7f && c != '=') {
			tok[0] = (char)c;
			n = 1;
		} else {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
			n = 3;
		}
		/* 75 characters and the soft break's '=' make 76. */
		if (col + n > MAIL_LINE_SOFT - 1) {
			buf_adds(&b, "=\n");
			col = 0;
		}
		buf_add(&b, tok, n);
		col += n;
	}
	free(lf);
	return buf_take(&b, len);
}

/* ------------------------------------------------------------ date, ids */

void mail_date(int64_t t, char out[32])
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	/* The ranges are what gmtime_r gives; the modulos tell the compiler
	 * every field has its fixed width. */
	snprintf(out, 32, "%s, %02u %s %04u %02u:%02u:%02u +0000",
		days[(unsigned)tm.tm_wday % 7], (unsigned)tm.tm_mday % 100,
		months[(unsigned)tm.tm_mon % 12],
		(unsigned)(tm.tm_year + 1900) % 10000, (unsigned)tm.tm_hour % 100,
		(unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100);
}

int mail_message_id(const char *from, int64_t id, char *out, size_t len)
{
	unsigned char r[16];
	char hex[33], domain[256];
	int n;

	if (from_domain(from, domain, sizeof(domain)) != 0)
		return DF_EINVAL;
	if (crypto_random(r, sizeof(r)) != 0)
		return DF_EINTERNAL;
	crypto_hex(r, sizeof(r), hex);
	n = snprintf(out, len, "<%s.%lld@%s>", hex, (long long)id, domain);
	return n > 0 && (size_t)n < len ? 0 : DF_EINVAL;
}

static int message_id_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n < 5 || n > 250 || s[0] != '<' || s[n - 1] != '>' ||
	    strchr(s, '@') == NULL)
		return 0;
	for (size_t i = 1; i + 1 < n; i++)
		if (!addr_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* --------------------------------------------------------------- message */

int mail_format(const struct mail_message *m, char **out, size_t *len,
	const char **why)
{
	struct buf b = { 0 };
	char date[32], *subject, *body, *qp = NULL;
	const char *cte;
	const char *unused;

	if (why == NULL)
		why = &unused;
	*out = NULL;
	if (!mail_from_ok(m->from)) {
		*why = "the sender (mail_from) is not a usable address";
		return DF_EINVAL;
	}
	if (!mail_addr_ok(m->to)) {
		*why = "the recipient is not a usable address";
		return DF_EINVAL;
	}
	if (m->reply_to != NULL && !mail_addr_ok(m->reply_to)) {
		*why = "the reply address is not a usable address";
		return DF_EINVAL;
	}
	if (!message_id_ok(m->message_id)) {
		*why = "the message id is malformed";
		return DF_EINVAL;
	}
	if (m->subject == NULL || m->body == NULL ||
	    !validate_utf8(m->body, strlen(m->body))) {
		*why = "the subject or the body is not valid UTF-8";
		return DF_EINVAL;
	}
	subject = mail_header("Subject", m->subject);
	if (subject == NULL) {
		*why = "the subject is not valid UTF-8";
		return DF_EINVAL;
	}
	body = body_lf(m->body, NULL);
	if (body == NULL) {
		free(subject);
		return DF_ENOMEM;
	}
	if (body_is_7bit(body)) {
		cte = "7bit";
	} else {
		cte = "quoted-printable";
		qp = mail_qp_encode(body, NULL);
		if (qp == NULL) {
			free(subject);
			free(body);
			return DF_ENOMEM;
		}
	}
	mail_date(m->date, date);
	buf_adds(&b, "Date: ");
	buf_adds(&b, date);
	buf_adds(&b, "\nFrom: ");
	buf_adds(&b, m->from);
	buf_adds(&b, "\nTo: ");
	buf_adds(&b, m->to);
	if (m->reply_to != NULL) {
		buf_adds(&b, "\nReply-To: ");
		buf_adds(&b, m->reply_to);
	}
	buf_adds(&b, "\n");
	buf_adds(&b, subject);
	buf_adds(&b, "\nMessage-ID: ");
	buf_adds(&b, m->message_id);
	buf_adds(&b, "\nMIME-Version: 1.0"
		"\nContent-Type: text/plain; charset=utf-8"
		"\nContent-Transfer-Encoding: ");
	buf_adds(&b, cte);
	buf_adds(&b, "\nAuto-Submitted: auto-generated\n\n");
	buf_adds(&b, qp != NULL ? qp : body);
	free(subject);
	free(body);
	free(qp);
	*out = buf_take(&b, len);
	return *out != NULL ? 0 : DF_ENOMEM;
}

/* --------------------------------------------------------------- maildir */

/* mkdir -p with mode 0700 for what it creates. */
static int mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* time.MusecPpidRrandom.host: unique across processes and hosts sharing
 * the directory, as the maildir convention asks. */
static int maildir_name(char *out, size_t len)
{
	unsigned char r[8];
	char hex[17], host[256];
	struct timeval tv;
	int n;

	if (crypto_random(r, sizeof(r)) != 0)
		return -1;
	crypto_hex(r, sizeof(r), hex);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (char *h = host; *h != '\0'; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		      (*h >= '0' && *h <= '9') || *h == '-' || *h == '.'))
			*h = '_';
	gettimeofday(&tv, NULL);
	n = snprintf(out, len, "%lld.M%06ldP%ldR%s.%s", (long long)tv.tv_sec,
		(long)tv.tv_usec, (long)getpid(), hex, host);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

int mail_deliver_maildir(const char *dir, const char *msg, size_t len,
	char *name, size_t namelen, char *err, size_t errlen)
{
	char base[512], tmp[4096], dst[4096], sub[4096];
	static const char *const subs[] = { "tmp", "new", "cur" };
	int fd, dfd;

	if (dir == NULL || *dir == '\0') {
		snprintf(err, errlen, "no maildir configured (mail_maildir)");
		return DF_EIO;
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, subs[i]);
		if (mkdir_p(sub) != 0) {
			snprintf(err, errlen, "cannot create %s: %s", sub,
				strerror(errno));
			return DF_EIO;
		}
	}
	if (maildir_name(base, sizeof(base)) != 0) {
		snprintf(err, errlen, "cannot make a unique file name");
		return DF_EIO;
	}
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s", dir, base);
	snprintf(dst, sizeof(dst), "%s/new/%s", dir, base);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return DF_EIO;
	}
	if (write_all(fd, msg, len) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return DF_EIO;
	}
	if (close(fd) != 0 || rename(tmp, dst) != 0) {
		snprintf(err, errlen, "cannot move %s into new/: %s", tmp,
			strerror(errno));
		unlink(tmp);
		return DF_EIO;
	}
	/* The rename is durable once the directory is. */
	snprintf(sub, sizeof(sub), "%s/new", dir);
	dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (name != NULL)
		snprintf(name, namelen, "%s", base);
	return 0;
}

/* -------------------------------------------------------------- sendmail */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first line of what the program printed, for last_error. */
static void first_line(const char *out, size_t n, char *line, size_t len)
{
	size_t i = 0, start;

	while (i < n && (out[i] == '\n' || out[i] == '\r' || out[i] == ' '))
		i++;
	start = i;
	while (i < n && out[i] != '\n' && out[i] != '\r' && i - start < len - 1)
		i++;
	memcpy(line, out + start, i - start);
	line[i - start] = '\0';
	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static void child_exec(const char *path, int in, int outfd)
{
	char *const argv[] = { (char *)path, "-t", "-i", NULL };

	if (dup2(in, 0) < 0 || dup2(outfd, 1) < 0 || dup2(outfd, 2) < 0)
		_exit(126);
	/* Nothing else of ours (the database connection) goes along. */
	if (close_range(3, ~0u, 0) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	signal(SIGPIPE, SIG_DFL);
	execv(path, argv);
	dprintf(2, "cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

int mail_deliver_sendmail(const char *path, const char *msg, size_t len,
	unsigned timeout_s, char *err, size_t errlen)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, status = 0, rc = DF_EIO;
	char output[1024], line[300];
	size_t nout = 0, sent = 0;
	int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
	int timed_out = 0, reaped = 0;
	pid_t pid;

	if (path == NULL || *path == '\0') {
		snprintf(err, errlen, "no sendmail program configured (sendmail_path)");
		return DF_EIO;
	}
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto close_pipes;
	}
	sigaction(SIGPIPE, &ign, &old);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		sigaction(SIGPIPE, &old, NULL);
		goto close_pipes;
	}
	if (pid == 0)
		child_exec(path, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);

	/* Feed the message and collect the output at the same time, so a
	 * program that talks before it reads cannot block us both. */
	while (out[0] >= 0) {
		struct pollfd p[2];
		nfds_t np = 0;
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (in[1] >= 0)
			p[np++] = (struct pollfd){ .fd = in[1], .events = POLLOUT };
		p[np++] = (struct pollfd){ .fd = out[0], .events = POLLIN };
		r = poll(p, np, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (nfds_t i = 0; i < np; i++) {
			if (p[i].revents == 0)
				continue;
			if (p[i].fd == in[1]) {
				ssize_t w = write(in[1], msg + sent, len - sent);

				if (w > 0)
					sent += (size_t)w;
				if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
				    sent == len) {
					close(in[1]);
					in[1] = -1;
				}
			} else {
				char tmpb[512];
				ssize_t n = read(out[0], tmpb, sizeof(tmpb));

				if (n < 0 && (errno == EINTR || errno == EAGAIN))
					continue;
				if (n <= 0) {
					close(out[0]);
					out[0] = -1;
					break;
				}
				if (nout < sizeof(output)) {
					size_t c = (size_t)n < sizeof(output) - nout ?
						(size_t)n : sizeof(output) - nout;
					memcpy(output + nout, tmpb, c);
					nout += c;
				}
			}
		}
	}
	if (in[1] >= 0) {
		close(in[1]);
		in[1] = -1;
	}
	/* The output closed: wait for the exit, still within the deadline. */
	while (!timed_out) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			reaped = 1;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (now_ms() >= deadline) {
			timed_out = 1;
			break;
		}
		usleep(10000);
	}
	if (!reaped) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGPIPE, &old, NULL);
	first_line(output, nout, line, sizeof(line));
	if (timed_out)
		snprintf(err, errlen, "%s did not finish within %u s", path,
			timeout_s);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && sent == len)
		rc = 0;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		snprintf(err, errlen, "%s exited before reading the whole message",
			path);
	else if (WIFEXITED(status))
		snprintf(err, errlen, "%s exited with status %d%s%s", path,
			WEXITSTATUS(status), line[0] ? ": " : "", line);
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "%s was killed by signal %d%s%s", path,
			WTERMSIG(status), line[0] ? ": " : "", line);
	else
		snprintf(err, errlen, "%s failed", path);
close_pipes:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return rc;
}
