/* Unit tests of outgoing mail: the retry schedule, RFC 2047 subjects,
 * quoted-printable bodies, whole messages byte for byte, and the two
 * transports (a maildir in a scratch directory, sendmail played by small
 * shell scripts). */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include <criterion/criterion.h>

#include "err.h"
#include "mail.h"
#include "validate.h"
#include "kit.h"

/* ------------------------------------------------------------- backoff */

Test(mail_backoff, doubles_from_one_minute)
{
	cr_assert_eq(mail_backoff_s(0), 60);
	cr_assert_eq(mail_backoff_s(1), 120);
	cr_assert_eq(mail_backoff_s(2), 240);
	cr_assert_eq(mail_backoff_s(5), 1920);
	cr_assert_eq(mail_backoff_s(8), 15360);
}

Test(mail_backoff, stops_at_six_hours)
{
	cr_assert_eq(mail_backoff_s(9), 6 * 3600);  /* 30720 would pass it */
	cr_assert_eq(mail_backoff_s(63), 6 * 3600);
	cr_assert_eq(mail_backoff_s(INT64_MAX), 6 * 3600);
}

Test(mail_backoff, negative_counts_as_none)
{
	cr_assert_eq(mail_backoff_s(-1), 60);
	cr_assert_eq(mail_backoff_s(INT64_MIN), 60);
}

/* ------------------------------------------------------------ headers */

/* Every line of s (split at "\n") is at most max bytes, and each line
 * after the first starts with a space (a folded continuation). */
static void assert_folded(const char *s, size_t max)
{
	const char *line = s;

	for (;;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		cr_assert_leq(n, max, "line of %zu bytes: %.*s", n, (int)n, line);
		cr_assert_null(memchr(line, '\r', n));
		if (line != s)
			cr_assert_eq(line[0], ' ', "continuation without a space: %s",
				line);
		if (nl == NULL)
			break;
		line = nl + 1;
	}
}

/* Undoes folding: drops every "\n" (the space after it stays). */
static char *unfold(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++)
		if (*s != '\n')
			*o++ = *s;
	*o = '\0';
	return out;
}

/* Decodes a header value made of RFC 2047 B-words separated by folding
 * whitespace; each word must decode to valid UTF-8 on its own (no
 * character split across words). */
static char *decode_words(const char *v)
{
	char *out = calloc(1, strlen(v) + 1);
	size_t olen = 0;

	while (*v != '\0') {
		const char *end;
		unsigned char dec[200];
		size_t n;
		int d;

		while (*v == ' ' || *v == '\n')
			v++;
		if (*v == '\0')
			break;
		cr_assert_eq(strncmp(v, "=?UTF-8?B?", 10), 0, "not a word: %s", v);
		v += 10;
		end = strstr(v, "?=");
		cr_assert_not_null(end);
		n = (size_t)(end - v);
		cr_assert_eq(n % 4, 0);
		d = EVP_DecodeBlock(dec, (const unsigned char *)v, (int)n);
		cr_assert_geq(d, 0);
		/* EVP_DecodeBlock counts padding bytes as zeros. */
		if (n >= 1 && v[n - 1] == '=')
			d--;
		if (n >= 2 && v[n - 2] == '=')
			d--;
		cr_assert(validate_utf8((const char *)dec, (size_t)d),
			"a word splits a character");
		memcpy(out + olen, dec, (size_t)d);
		olen += (size_t)d;
		v = end + 2;
	}
	out[olen] = '\0';
	return out;
}

Test(mail_header, keeps_short_ascii)
{
	char *h = mail_header("Subject", "Reset your Dev Forge password");

	cr_assert_str_eq(h, "Subject: Reset your Dev Forge password");
	free(h);
}

Test(mail_header, folds_long_ascii_at_spaces)
{
	const char *v = "A rather long subject line that goes on and on, far "
		"beyond the seventy-eight characters a header line should keep, "
		"so it must fold  (twice spaced) at spaces";
	char *h = mail_header("Subject", v), *u;

	cr_assert_not_null(h);
	cr_assert_not_null(strchr(h, '\n'), "%s", h);
	assert_folded(h, MAIL_LINE_SOFT);
	u = unfold(h);
	cr_assert_eq(strncmp(u, "Subject: ", 9), 0);
	cr_assert_str_eq(u + 9, v);
	free(u);
	free(h);
}

Test(mail_header, encodes_utf8_as_b_words)
{
	const char *v = "Passwort zurücksetzen für Ihr Dev-Forge-Konto";
	char *h = mail_header("Subject", v), *d;

	cr_assert_not_null(h);
	cr_assert_eq(strncmp(h, "Subject: =?UTF-8?B?", 19), 0, "%s", h);
	assert_folded(h, MAIL_LINE_SOFT);
	d = decode_words(h + 9);
	cr_assert_str_eq(d, v);
	free(d);
	free(h);
}

Test(mail_header, never_splits_a_character_across_words)
{
	/* 60 three-byte characters: several words, each decoding alone. */
	char v[200] = "";
	char *h, *d;

	for (int i = 0; i < 60; i++)
		strcat(v, "\xe2\x82\xac");   /* EURO SIGN */
	h = mail_header("Subject", v);
	cr_assert_not_null(h);
	assert_folded(h, MAIL_LINE_SOFT);
	d = decode_words(h + 9);
	cr_assert_str_eq(d, v);
	free(d);
	free(h);
}

Test(mail_header, cannot_add_a_header_line)
{
	char *h = mail_header("Subject", "Hello\r\nBcc: victim@example.com");

	cr_assert_not_null(h);
	cr_assert_null(strchr(h, '\r'));
	cr_assert_null(strchr(h, '\n'), "%s", h);
	cr_assert_str_eq(h, "Subject: Hello  Bcc: victim@example.com");
	free(h);
}

Test(mail_header, encodes_ascii_that_looks_like_an_encoded_word)
{
	char *h = mail_header("Subject", "=?UTF-8?B?SGk=?=");
	char *d;

	cr_assert_not_null(h);
	d = decode_words(h + 9);
	cr_assert_str_eq(d, "=?UTF-8?B?SGk=?=");
	free(d);
	free(h);
}

Test(mail_header, refuses_invalid_utf8)
{
	cr_assert_null(mail_header("Subject", "bad \xc3\x28 byte"));
	cr_assert_null(mail_header("Subject", "overlong \xc0\xaf"));
}

Test(mail_header, empty_value)
{
	char *h = mail_header("Subject", "");

	cr_assert_str_eq(h, "Subject:");
	free(h);
}

/* ------------------------------------------------------ quoted-printable */

/* Decodes quoted-printable (soft breaks and =XX). */
static char *qp_decode(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	while (*s != '\0') {
		if (s[0] == '=' && s[1] == '\n') {
			s += 2;
		} else if (s[0] == '=') {
			unsigned v;

			cr_assert_eq(sscanf(s + 1, "%2X", &v), 1, "bad escape %s", s);
			*o++ = (char)v;
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

Test(mail_qp, escapes_non_ascii_equals_and_trailing_blanks)
{
	size_t len;
	char *q = mail_qp_encode("caf\xc3\xa9 = ok \nend\t\n", &len);

	cr_assert_str_eq(q, "caf=C3=A9 =3D ok=20\nend=09\n");
	cr_assert_eq(len, strlen(q));
	free(q);
}

Test(mail_qp, soft_breaks_keep_lines_short_and_decode_back)
{
	char body[2000], *q, *d;
	size_t i;

	for (i = 0; i < 600; i++)
		body[i] = (char)('a' + i % 26);
	strcpy(body + 600, "\xc3\xa9\xc3\xa9 end\n");
	q = mail_qp_encode(body, NULL);
	cr_assert_not_null(q);
	for (char *line = q; *line != '\0';) {
		char *nl = strchr(line, '\n');

		cr_assert_not_null(nl);
		cr_assert_leq(nl - line, 76);
		line = nl + 1;
	}
	d = qp_decode(q);
	cr_assert_str_eq(d, body);
	free(d);
	free(q);
}

Test(mail_qp, never_splits_an_escape)
{
	char body[400] = "", *q;

	for (int i = 0; i < 100; i++)
		strcat(body, "\xc3\xa9");
	q = mail_qp_encode(body, NULL);
	for (char *line = q; *line != '\0';) {
		char *nl = strchr(line, '\n');
		size_t n = (size_t)(nl - line);

		/* A soft break line is "=XX" groups then '='. */
		if (nl[1] != '\0') {
			cr_assert_eq(line[n - 1], '=');
			cr_assert_eq((n - 1) % 3, 0, "%.*s", (int)n, line);
		}
		line = nl + 1;
	}
	free(q);
}

Test(mail_qp, normalises_line_ends)
{
	char *q = mail_qp_encode("a\xc3\xa9\r\nb\rc", NULL);

	cr_assert_str_eq(q, "a=C3=A9\nb\nc\n");
	free(q);
}

/* --------------------------------------------------------- dates, ids */

Test(mail_date, is_rfc5322_in_utc)
{
	char d[32];

	mail_date(0, d);
	cr_assert_str_eq(d, "Thu, 01 Jan 1970 00:00:00 +0000");
	mail_date(1795816408, d);
	cr_assert_str_eq(d, "Fri, 27 Nov 2026 21:53:28 +0000");
}

Test(mail_message_id, uses_the_sender_domain)
{
	char id[128], id2[128];

	cr_assert_eq(mail_message_id("Dev Forge <no-reply@devforge.dev>", 42, id,
		sizeof(id)), 0);
	cr_assert_eq(strlen(id), 1 + 32 + 3 + 1 + 12 + 1, "%s", id);
	cr_assert_eq(id[0], '<');
	cr_assert_str_eq(id + 33, ".42@devforge.dev>");
	cr_assert_eq(mail_message_id("no-reply@devforge.dev", 42, id2,
		sizeof(id2)), 0);
	cr_assert_str_neq(id, id2, "two ids must differ");
	cr_assert_eq(mail_message_id("nobody", 1, id, sizeof(id)), DF_EINVAL);
}

Test(mail_addr, accepts_and_refuses)
{
	cr_assert(mail_addr_ok("ada@example.com"));
	cr_assert(mail_addr_ok("a.b+tag@mail.example.org"));
	cr_assert_not(mail_addr_ok(NULL));
	cr_assert_not(mail_addr_ok(""));
	cr_assert_not(mail_addr_ok("ada"));
	cr_assert_not(mail_addr_ok("@example.com"));
	cr_assert_not(mail_addr_ok("ada@"));
	cr_assert_not(mail_addr_ok("a@b@c"));
	cr_assert_not(mail_addr_ok("ada@example.com\nBcc: x@y"));
	cr_assert_not(mail_addr_ok("ada@example.com, eve@example.com"));
	cr_assert_not(mail_addr_ok("Ada <ada@example.com>"));
	cr_assert_not(mail_addr_ok("ad\xc3\xa4@example.com"));
}

Test(mail_from, accepts_name_and_address)
{
	cr_assert(mail_from_ok("no-reply@devforge.dev"));
	cr_assert(mail_from_ok("Dev Forge <no-reply@devforge.dev>"));
	cr_assert(mail_from_ok("<no-reply@devforge.dev>"));
	cr_assert_not(mail_from_ok("Dev Forge <no-reply>"));
	cr_assert_not(mail_from_ok("Dev \"Forge\" <no-reply@devforge.dev>"));
	cr_assert_not(mail_from_ok("Dev Forge <no-reply@devforge.dev> x"));
	cr_assert_not(mail_from_ok("Dev\nBcc: x@y <no-reply@devforge.dev>"));
	cr_assert_not(mail_from_ok("D\xc3\xa9v <no-reply@devforge.dev>"));
}

/* ------------------------------------------------------------ messages */

static const struct mail_message ascii_msg = {
	.from = "Dev Forge <no-reply@devforge.dev>",
	.to = "ada@example.com",
	.subject = "Reset your Dev Forge password",
	.body = "Hello ada,\r\n\r\nhttps://devforge.dev/reset-password?token=abc\r\n",
	.date = 1795816408,
	.message_id = "<0123.7@devforge.dev>",
};

Test(mail_format, builds_the_whole_ascii_message)
{
	char *m;
	size_t len;

	cr_assert_eq(mail_format(&ascii_msg, &m, &len, NULL), 0);
	cr_assert_str_eq(m,
		"Date: Fri, 27 Nov 2026 21:53:28 +0000\n"
		"From: Dev Forge <no-reply@devforge.dev>\n"
		"To: ada@example.com\n"
		"Subject: Reset your Dev Forge password\n"
		"Message-ID: <0123.7@devforge.dev>\n"
		"MIME-Version: 1.0\n"
		"Content-Type: text/plain; charset=utf-8\n"
		"Content-Transfer-Encoding: 7bit\n"
		"Auto-Submitted: auto-generated\n"
		"\n"
		"Hello ada,\n"
		"\n"
		"https://devforge.dev/reset-password?token=abc\n");
	cr_assert_eq(len, strlen(m));
	free(m);
}

Test(mail_format, non_ascii_goes_encoded)
{
	struct mail_message msg = ascii_msg;
	char *m, *body;

	msg.subject = "Willkommen bei Dev Forge, J\xc3\xbcrgen";
	msg.body = "Gr\xc3\xbc\xc3\x9f" "e";
	cr_assert_eq(mail_format(&msg, &m, NULL, NULL), 0);
	cr_assert_not_null(strstr(m, "\nSubject: =?UTF-8?B?"), "%s", m);
	cr_assert_not_null(strstr(m, "\nContent-Transfer-Encoding: "
		"quoted-printable\n"), "%s", m);
	body = strstr(m, "\n\n");
	cr_assert_not_null(body);
	cr_assert_str_eq(body + 2, "Gr=C3=BC=C3=9Fe\n");
	free(m);
}

Test(mail_format, long_ascii_lines_go_quoted_printable)
{
	struct mail_message msg = ascii_msg;
	char *body = malloc(1200), *m;

	memset(body, 'x', 1100);
	body[1100] = '\0';
	msg.body = body;
	cr_assert_eq(mail_format(&msg, &m, NULL, NULL), 0);
	cr_assert_not_null(strstr(m, "Content-Transfer-Encoding: "
		"quoted-printable\n"));
	free(m);
	free(body);
}

Test(mail_format, refuses_what_could_inject_headers)
{
	struct mail_message msg = ascii_msg;
	const char *why = NULL;
	char *m = (char *)1;

	msg.to = "ada@example.com\nBcc: eve@example.com";
	cr_assert_eq(mail_format(&msg, &m, NULL, &why), DF_EINVAL);
	cr_assert_null(m);
	cr_assert_not_null(strstr(why, "recipient"));

	msg = ascii_msg;
	msg.from = "x\n@y";
	cr_assert_eq(mail_format(&msg, &m, NULL, &why), DF_EINVAL);
	msg = ascii_msg;
	msg.message_id = "<a@b>\nBcc: e@f";
	cr_assert_eq(mail_format(&msg, &m, NULL, &why), DF_EINVAL);
	msg = ascii_msg;
	msg.body = "bad \xff";
	cr_assert_eq(mail_format(&msg, &m, NULL, &why), DF_EINVAL);
}

Test(mail_format, reply_to_follows_to_when_given)
{
	struct mail_message msg = ascii_msg;
	char *m;

	msg.reply_to = "support+t42.0123456789abcdef01234567@devforge.dev";
	cr_assert_eq(mail_format(&msg, &m, NULL, NULL), 0);
	cr_assert_not_null(strstr(m, "\nTo: ada@example.com\n"
		"Reply-To: support+t42.0123456789abcdef01234567@devforge.dev\n"
		"Subject: "), "%s", m);
	free(m);
	/* None without one (the account mails). */
	cr_assert_eq(mail_format(&ascii_msg, &m, NULL, NULL), 0);
	cr_assert_null(strstr(m, "Reply-To"), "%s", m);
	free(m);
}

Test(mail_format, refuses_a_reply_to_that_could_inject_headers)
{
	struct mail_message msg = ascii_msg;
	const char *why = NULL;
	char *m = (char *)1;

	msg.reply_to = "a@b.example\nBcc: eve@example.com";
	cr_assert_eq(mail_format(&msg, &m, NULL, &why), DF_EINVAL);
	cr_assert_null(m);
	cr_assert_not_null(strstr(why, "reply"), "%s", why);
}

/* ---------------------------------------------------------- transports */

static char scratch[256];

static void make_scratch(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/df-test-mail-%d", getpid());
	mkdir(scratch, 0700);
}

static void remove_scratch(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	cr_assert_eq(system(cmd), 0);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

Test(mail_maildir, delivers_into_new_through_tmp, .init = make_scratch,
	.fini = remove_scratch)
{
	char dir[300], path[800], name[300], err[256], sub[320];
	const char *msg = "Subject: one\n\nbody\n";
	char *got;

	snprintf(dir, sizeof(dir), "%s/deep/mail", scratch);
	cr_assert_eq(mail_deliver_maildir(dir, msg, strlen(msg), name,
		sizeof(name), err, sizeof(err)), 0, "%s", err);
	snprintf(path, sizeof(path), "%s/new/%s", dir, name);
	got = unit_slurp(path);
	cr_assert_str_eq(got, msg);
	free(got);
	snprintf(sub, sizeof(sub), "%s/tmp", dir);
	cr_assert_eq(count_entries(sub), 0);
	snprintf(sub, sizeof(sub), "%s/cur", dir);
	cr_assert_eq(count_entries(sub), 0);

	/* A second message gets a name of its own. */
	cr_assert_eq(mail_deliver_maildir(dir, msg, strlen(msg), NULL, 0, err,
		sizeof(err)), 0, "%s", err);
	snprintf(sub, sizeof(sub), "%s/new", dir);
	cr_assert_eq(count_entries(sub), 2);
}

Test(mail_maildir, reports_an_unusable_directory, .init = make_scratch,
	.fini = remove_scratch)
{
	char file[300], dir[400], err[512];

	snprintf(file, sizeof(file), "%s/plain-file", scratch);
	fclose(fopen(file, "w"));
	snprintf(dir, sizeof(dir), "%s/sub", file);
	cr_assert_eq(mail_deliver_maildir(dir, "x", 1, NULL, 0, err,
		sizeof(err)), DF_EIO);
	cr_assert_not_null(strstr(err, "cannot create"), "%s", err);
	cr_assert_eq(mail_deliver_maildir("", "x", 1, NULL, 0, err,
		sizeof(err)), DF_EIO);
}

/* Writes an executable shell script into the scratch directory. */
static void script(const char *name, const char *text, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", scratch, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", text);
	fclose(f);
	chmod(path, 0700);
}

Test(mail_sendmail, pipes_the_message_with_t_and_i, .init = make_scratch,
	.fini = remove_scratch)
{
	char prog[400], text[1024], out[300], err[512];
	const char *msg = "To: ada@example.com\nSubject: hi\n\n.\nbody\n";
	char *got;

	snprintf(out, sizeof(out), "%s/out", scratch);
	snprintf(text, sizeof(text), "echo \"$@\" > '%s.args'; cat > '%s'", out,
		out);
	script("sendmail-ok", text, prog, sizeof(prog));
	cr_assert_eq(mail_deliver_sendmail(prog, msg, strlen(msg), 10, err,
		sizeof(err)), 0, "%s", err);
	got = unit_slurp(out);
	cr_assert_str_eq(got, msg);
	free(got);
	strcat(out, ".args");
	got = unit_slurp(out);
	cr_assert_str_eq(got, "-t -i\n");
	free(got);
}

Test(mail_sendmail, reports_the_exit_status_and_first_line,
	.init = make_scratch, .fini = remove_scratch)
{
	char prog[400], err[512];

	script("sendmail-fail", "cat >/dev/null; echo 'relay down' >&2; exit 75",
		prog, sizeof(prog));
	cr_assert_eq(mail_deliver_sendmail(prog, "x\n", 2, 10, err, sizeof(err)),
		DF_EIO);
	cr_assert_not_null(strstr(err, "exited with status 75: relay down"),
		"%s", err);
}

Test(mail_sendmail, a_program_that_reads_nothing_does_not_hang_us,
	.init = make_scratch, .fini = remove_scratch)
{
	char prog[400], err[512], *big = malloc(1 << 20);

	memset(big, 'a', 1 << 20);
	script("sendmail-deaf", "exit 0", prog, sizeof(prog));
	cr_assert_eq(mail_deliver_sendmail(prog, big, 1 << 20, 10, err,
		sizeof(err)), DF_EIO);
	cr_assert_not_null(strstr(err, "before reading the whole message"),
		"%s", err);
	free(big);
}

Test(mail_sendmail, a_missing_program_is_an_error)
{
	char err[512];

	cr_assert_eq(mail_deliver_sendmail("/nonexistent/sendmail", "x", 1, 10,
		err, sizeof(err)), DF_EIO);
	cr_assert_not_null(strstr(err, "status 127: cannot run"), "%s", err);
}

Test(mail_sendmail, a_hung_program_is_killed_at_the_deadline,
	.init = make_scratch, .fini = remove_scratch)
{
	char prog[400], err[512];

	script("sendmail-hang", "exec sleep 30", prog, sizeof(prog));
	cr_assert_eq(mail_deliver_sendmail(prog, "x", 1, 1, err, sizeof(err)),
		DF_EIO);
	cr_assert_not_null(strstr(err, "did not finish within 1 s"), "%s", err);
}
