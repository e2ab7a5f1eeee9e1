/* Unit tests of the mail reader: each message shape in tests/mail/ as a
 * mail client writes it (headers, recipients, body text after transfer
 * and charset decoding), RFC 2047 words, address lists, HTML to text,
 * and malformed or oversized input refused with a reason. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "kit.h"
#include "mime.h"
#include "reply_strip.h"

#define REPLY "support+t0.000000000000000000000000@devforge.dev"

static struct arena *a;

static void setup(void)
{
	a = arena_new(65536);
	cr_assert_not_null(a);
}

static void teardown(void)
{
	arena_free(a);
}

TestSuite(mime, .init = setup, .fini = teardown);

/* Parses tests/mail/<name>; returns rc, fills msg. */
static int parse_fixture(const char *name, struct mime_msg *msg)
{
	char path[1024], rel[256];
	char *raw, *copy;
	size_t n;

	snprintf(rel, sizeof(rel), "tests/mail/%s", name);
	unit_shipped_path(path, sizeof(path), rel);
	raw = unit_slurp(path);
	n = strlen(raw);
	copy = arena_memdup(a, raw, n);
	free(raw);
	cr_assert_not_null(copy);
	return mime_parse(a, copy, n, msg);
}

static int has_rcpt(const struct mime_msg *m, enum mime_rcpt_from f,
	const char *addr)
{
	size_t i;

	for (i = 0; i < m->n_rcpt; i++)
		if (m->rcpt[i].from == f && strcmp(m->rcpt[i].addr, addr) == 0)
			return 1;
	return 0;
}

static const char *stripped(const struct mime_msg *m)
{
	char *out;

	cr_assert_eq(reply_strip(a, m->text, &out), 0);
	return out;
}

Test(mime, gmail_multipart_alternative_qp_takes_the_plain_part)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("gmail_reply.eml", &m), 0, "%s", m.error);
	cr_assert_str_eq(m.from, "jane.doe@example.com");
	cr_assert_str_eq(m.subject,
		"Re: [Ticket #42] Licence not accepted on second machine");
	cr_assert_str_eq(m.message_id,
		"CAJ7fH3u0Ryq9x1Kd5VqTqLZrY6xG-8Y1cV=A7X0q5YhJ2pA+Jw@mail.gmail.com");
	cr_assert_str_eq(m.in_reply_to, "20261207101500.4242.support@devforge.dev");
	cr_assert(has_rcpt(&m, MIME_TO, REPLY));
	cr_assert(has_rcpt(&m, MIME_DELIVERED_TO, REPLY));
	cr_assert_eq(m.html, 0);
	/* The soft line breaks are gone, the em dash decoded. */
	cr_assert(strstr(m.text, "the desktop still says \"machine limit reached\" when") != NULL);
	cr_assert_str_eq(stripped(&m),
		"Hi,\n\nThanks \xE2\x80\x94 the licence key works now on my laptop, "
		"but the desktop still says \"machine limit reached\" when I start "
		"the extension after the update to 2.4.1. Could you reset the "
		"activations?\n\nBest,\nJane");
}

Test(mime, outlook_base64_utf8_and_from_sent_block)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("outlook_reply.eml", &m), 0, "%s", m.error);
	cr_assert_str_eq(m.from, "jane.doe@example.com");
	cr_assert_str_eq(m.message_id,
		"AM9PR01MB1234A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6A@AM9PR01MB1234.eurprd01.prod.exchangelabs.com");
	cr_assert(has_rcpt(&m, MIME_TO, REPLY));
	cr_assert_eq(strchr(m.text, '\r'), NULL);
	cr_assert_str_eq(stripped(&m),
		"Hello,\n\nI attached nothing this time, sorry. The error is still "
		"there: \xE2\x80\x9CSignature invalid\xE2\x80\x9D. It happens on "
		"Windows 11 only.\n\nKind regards\nJane Doe");
}

Test(mime, iphone_format_flowed_delsp)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("iphone_reply.eml", &m), 0, "%s", m.error);
	cr_assert_str_eq(m.message_id, "5B7C9E2A-1F3D-4C8B-9A6E-2D4F6B8A0C1E@example.com");
	cr_assert(has_rcpt(&m, MIME_X_ORIGINAL_TO, REPLY));
	cr_assert_str_eq(stripped(&m),
		"Still the same after the reset. I restarted the editor twice and "
		"it keeps asking for the key.");
}

Test(mime, thunderbird_flowed_reply_below_quote_with_signature)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("thunderbird_reply.eml", &m), 0, "%s", m.error);
	/* The flowed quote is joined and still quoted. */
	cr_assert(strstr(m.text, "> could you send us the log file of the "
		"extension? It is in the editor's data folder.\n") != NULL, "%s", m.text);
	cr_assert_str_eq(stripped(&m),
		"Here it is, pasted inline: \"licence check failed: clock skew "
		"3612 s\". The clock of that machine was one hour off; fixed now, "
		"and it works. Thanks!");
}

Test(mime, utf8_subject_split_inside_a_character)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("utf8_subject.eml", &m), 0, "%s", m.error);
	cr_assert_str_eq(m.subject, "Re: [Ticket #42] Lizenz f\xC3\xBCr Stra\xC3\x9F"
		"e \xE2\x80\x93 \xC3\x9C" "bersicht \xE2\x9C\x93");
	cr_assert_str_eq(m.from, "jane.doe@example.com");
	cr_assert_str_eq(stripped(&m), "Danke, die \xC3\x9C" "bersicht ist jetzt korrekt.");
}

Test(mime, latin1_quoted_printable_and_original_message)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("latin1_qp.eml", &m), 0, "%s", m.error);
	cr_assert_str_eq(m.from, "jane.doe@example.com");
	cr_assert(has_rcpt(&m, MIME_TO, REPLY));
	cr_assert(has_rcpt(&m, MIME_CC, "team@example.com"));
	cr_assert_str_eq(stripped(&m), "Sch\xC3\xB6ne Gr\xC3\xBC\xC3\x9F" "e aus "
		"M\xC3\xBCnchen \xE2\x80\x93 the caf\xC3\xA9 laptop works now.");
}

Test(mime, forged_and_other_sender_parse_cleanly)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("forged_token.eml", &m), 0, "%s", m.error);
	cr_assert(has_rcpt(&m, MIME_TO,
		"support+tNNN.deadbeefdeadbeefdeadbeef@devforge.dev"));
	cr_assert_eq(parse_fixture("other_sender.eml", &m), 0, "%s", m.error);
	cr_assert_str_eq(m.from, "mallory@example.net");
}

Test(mime, malformed_fixture_is_einval_with_reason)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture("malformed_mime.eml", &m), DF_EINVAL);
	cr_assert_str_eq(m.error, "multipart boundary never appears");
	/* The headers read before the body failed are still there. */
	cr_assert_str_eq(m.from, "jane.doe@example.com");
}

static int parse_str(const char *s, struct mime_msg *m)
{
	return mime_parse(a, s, strlen(s), m);
}

Test(mime, malformed_inputs_refused_with_reasons)
{
	struct mime_msg m;

	cr_assert_eq(parse_str("", &m), DF_EINVAL);
	cr_assert_str_eq(m.error, "no header fields");
	cr_assert_eq(parse_str("just some text\n\nbody\n", &m), DF_EINVAL);
	cr_assert_str_eq(m.error, "header line without a field name and colon");
	cr_assert_eq(parse_str(" folded first\nA: b\n\nx", &m), DF_EINVAL);
	cr_assert_eq(parse_str("Content-Type: multipart/mixed\n\n--x\n\nhi\n", &m),
		DF_EINVAL);
	cr_assert_str_eq(m.error, "multipart without a boundary");
	cr_assert_eq(parse_str("Content-Type: text/plain\nContent-Transfer-Encoding: x-uu\n\nhi\n",
		&m), DF_EINVAL);
	cr_assert_str_eq(m.error, "unknown Content-Transfer-Encoding");
	cr_assert_eq(parse_str("Content-Type: text/plain; charset=x-no-such-charset\n\nhi\n",
		&m), DF_EINVAL);
	cr_assert_str_eq(m.error, "unknown charset");
}

Test(mime, nesting_and_part_limits)
{
	char *s = arena_alloc(a, 1 << 16);
	size_t o = 0;
	struct mime_msg m;
	int i;

	/* MIME_MAX_DEPTH + 2 nested multiparts. */
	o += (size_t)sprintf(s + o, "From: a@b.c\n");
	for (i = 0; i < MIME_MAX_DEPTH + 2; i++)
		o += (size_t)sprintf(s + o, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	o += (size_t)sprintf(s + o, "Content-Type: text/plain\n\ndeep\n");
	cr_assert_eq(mime_parse(a, s, o, &m), DF_EINVAL);
	cr_assert_str_eq(m.error, "multipart nested too deeply");
	/* Within the limit it reads. */
	o = (size_t)sprintf(s, "From: a@b.c\n");
	for (i = 0; i < 3; i++)
		o += (size_t)sprintf(s + o, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	o += (size_t)sprintf(s + o, "Content-Type: text/plain\n\ndeep\n");
	cr_assert_eq(mime_parse(a, s, o, &m), 0, "%s", m.error);
	cr_assert_str_eq(m.text, "deep\n");
	/* Too many parts. */
	o = (size_t)sprintf(s, "From: a@b.c\nContent-Type: multipart/mixed; boundary=z\n\n");
	for (i = 0; i < MIME_MAX_PARTS + 1; i++)
		o += (size_t)sprintf(s + o, "--z\n\npart\n");
	cr_assert_eq(mime_parse(a, s, o, &m), DF_EINVAL);
	cr_assert_str_eq(m.error, "too many MIME parts");
}

Test(mime, oversized_is_etoobig)
{
	struct mime_msg m;

	cr_assert_eq(mime_parse(a, "From: a@b.c\n\n", MIME_MAX_INPUT + 1u, &m),
		DF_ETOOBIG);
}

Test(mime, html_only_message_becomes_text_with_quotes_marked)
{
	struct mime_msg m;
	const char *msg =
		"From: a@b.c\nContent-Type: text/html; charset=windows-1252\n\n"
		"<html><head><title>x</title><style>p{}</style></head><body>"
		"<p>Caf\xE9 &amp; cr&egrave;me &#8211; ok&#x21;<br>second&nbsp;line</p>"
		"<script>alert(1)</script><!-- hidden -->"
		"<blockquote>old text<br>more</blockquote></body></html>";

	cr_assert_eq(parse_str(msg, &m), 0, "%s", m.error);
	cr_assert_eq(m.html, 1);
	/* &egrave; is not in the small table: kept as written. */
	cr_assert_str_eq(m.text, "Caf\xC3\xA9 & cr&egrave;me \xE2\x80\x93 ok!\n"
		"second line\n> old text\n> more\n");
}

Test(mime, outlook_desktop_paragraphs_and_table_cells)
{
	const char *h = "<p class=MsoNormal>Hello<o:p></o:p></p>"
		"<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
		"<p class=MsoNormal>World</p><table><tr><td>a</td><td>b</td></tr></table>";
	char *s = mime_html_text(a, h, strlen(h));

	cr_assert_str_eq(s, "Hello\n\nWorld\na b\n");
}

Test(mime, plain_preferred_and_attachments_skipped)
{
	struct mime_msg m;
	const char *msg =
		"From: a@b.c\nContent-Type: multipart/mixed; boundary=\"o\"\n\n"
		"preamble\n--o\nContent-Type: text/plain; name=log.txt\n"
		"Content-Disposition: attachment; filename=log.txt\n\nLOG\n"
		"--o\nContent-Type: multipart/alternative; boundary=i\n\n"
		"--i\nContent-Type: text/html\n\n<p>html</p>\n"
		"--i\nContent-Type: text/plain\n\nplain\n--i--\n--o--\nepilogue\n";

	cr_assert_eq(parse_str(msg, &m), 0, "%s", m.error);
	cr_assert_str_eq(m.text, "plain");
	cr_assert_eq(m.html, 0);
}

static char *dec(const char *v)
{
	char *s = mime_decode_header(a, v, strlen(v));

	cr_assert_not_null(s);
	return s;
}

Test(mime, encoded_words)
{
	char *s;

	s = dec("=?iso-8859-1?q?caf=E9_cr=E8me?= and =?utf-8?B?4pyT?=");
	cr_assert_str_eq(s, "caf\xC3\xA9 cr\xC3\xA8me and \xE2\x9C\x93");
	/* Blanks between two words are dropped, between word and text kept. */
	s = dec("=?UTF-8?Q?a?= =?UTF-8?Q?b?= c");
	cr_assert_str_eq(s, "ab c");
	/* An unknown charset leaves the word as it was. */
	s = dec("=?x-nope?Q?a?=");
	cr_assert_str_eq(s, "=?x-nope?Q?a?=");
	/* Not an encoded word at all. */
	s = dec("=?broken");
	cr_assert_str_eq(s, "=?broken");
	/* Raw 8-bit: UTF-8 as it is, windows-1252 otherwise. */
	s = dec("Gr\xC3\xBC\xC3\x9F" "e");
	cr_assert_str_eq(s, "Gr\xC3\xBC\xC3\x9F" "e");
	s = dec("Gr\xFC\xDF" "e \x80");
	cr_assert_str_eq(s, "Gr\xC3\xBC\xC3\x9F" "e \xE2\x82\xAC");
	/* us-ascii label, koi8-r through iconv. */
	s = dec("=?koi8-r?B?8NLJ18XU?=");
	cr_assert_str_eq(s, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
}

Test(mime, address_lists)
{
	const char *out[8];
	size_t n;

	cr_assert_eq(mime_addresses(a, "\"Doe, Jane\" <Jane.Doe@Example.com>, "
		"bob@example.org (Bob), team: c@d.e, f@g.h;, undisclosed-recipients:;, "
		"<x@y.z>, not an address", out, 8, &n), 0);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(out[0], "Jane.Doe@Example.com");
	cr_assert_str_eq(out[1], "bob@example.org");
	cr_assert_str_eq(out[2], "c@d.e");
	cr_assert_str_eq(out[3], "f@g.h");
	cr_assert_str_eq(out[4], "x@y.z");
	cr_assert_eq(mime_addresses(a, "a@b.c, d@e.f", out, 1, &n), 0);
	cr_assert_eq(n, 1);
}

Test(mime, bare_lf_crlf_and_mbox_from_line)
{
	struct mime_msg m;

	cr_assert_eq(parse_str("From jane@x.y Mon Dec  7 10:00:00 2026\r\n"
		"From: Jane <jane@x.y>\r\nSubject: hi\r\n\tthere\r\n\r\nbody\r\n", &m), 0,
		"%s", m.error);
	cr_assert_str_eq(m.from, "jane@x.y");
	cr_assert_str_eq(m.subject, "hi there");
	cr_assert_str_eq(m.text, "body\n");
	cr_assert_null(m.message_id);
}

Test(mime, auto_replies_are_marked)
{
	struct mime_msg m;

	cr_assert_eq(parse_str("From: a@b.c\nAuto-Submitted: auto-replied\n\nOut of office\n",
		&m), 0);
	cr_assert_eq(m.auto_reply, 1);
	cr_assert_eq(parse_str("From: a@b.c\nAuto-Submitted: no\n\nhi\n", &m), 0);
	cr_assert_eq(m.auto_reply, 0);
	cr_assert_eq(parse_str("From: a@b.c\nAuto-Submitted: No (typed)\n\nhi\n", &m), 0);
	cr_assert_eq(m.auto_reply, 0);
	cr_assert_eq(parse_str("From: a@b.c\nX-Autoreply: yes\n\nhi\n", &m), 0);
	cr_assert_eq(m.auto_reply, 1);
	cr_assert_eq(parse_str("From: a@b.c\nPrecedence: auto_reply\n\nhi\n", &m), 0);
	cr_assert_eq(m.auto_reply, 1);
	cr_assert_eq(parse_fixture("gmail_reply.eml", &m), 0);
	cr_assert_eq(m.auto_reply, 0);
}

/* The fixture with its text/plain part renamed away, so the reader falls
 * back to the HTML part. */
static int parse_fixture_html(const char *name, struct mime_msg *msg)
{
	char path[1024], rel[256];
	char *raw, *p;
	int rc;

	snprintf(rel, sizeof(rel), "tests/mail/%s", name);
	unit_shipped_path(path, sizeof(path), rel);
	raw = unit_slurp(path);
	p = strstr(raw, "Content-Type: text/plain");
	cr_assert_not_null(p);
	memcpy(p + strlen("Content-Type: text/"), "xlain", 5);
	p = arena_memdup(a, raw, strlen(raw));
	rc = mime_parse(a, p, strlen(raw), msg);
	free(raw);
	return rc;
}

Test(mime, html_parts_of_gmail_and_outlook_strip_to_the_same_text)
{
	struct mime_msg m;

	cr_assert_eq(parse_fixture_html("gmail_reply.eml", &m), 0, "%s", m.error);
	cr_assert_eq(m.html, 1);
	cr_assert_str_eq(stripped(&m),
		"Hi,\n\nThanks \xE2\x80\x94 the licence key works now on my laptop, "
		"but the desktop still says \"machine limit reached\" when I start "
		"the extension after the update to 2.4.1. Could you reset the "
		"activations?\n\nBest,\nJane", "%s", m.text);
	cr_assert_eq(parse_fixture_html("outlook_reply.eml", &m), 0, "%s", m.error);
	cr_assert_eq(m.html, 1);
	cr_assert_str_eq(stripped(&m),
		"Hello,\n\nI attached nothing this time, sorry. The error is still "
		"there: \xE2\x80\x9CSignature invalid\xE2\x80\x9D. It happens on "
		"Windows 11 only.\n\nKind regards\nJane Doe", "%s", m.text);
}
