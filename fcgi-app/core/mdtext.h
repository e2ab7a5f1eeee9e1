/* Markdown to plain text for full-text search: what a reader sees of an
 * article, without the syntax (emphasis marks, heading and list markers,
 * link targets, HTML tags), so that FULLTEXT indexes words, not URLs and
 * asterisks. Pure and bounded: one pass, output never longer than the
 * input, valid UTF-8 in gives valid UTF-8 out. */
#ifndef DF_MDTEXT_H
#define DF_MDTEXT_H

#include <stddef.h>
#include "err.h"

/* Writes the text of md (len bytes) into out (cap bytes, NUL-terminated)
 * and its length into *outlen: headings, emphasis and list markers
 * dropped, a link's or an image's text kept without its target, code
 * (inline and fenced) kept as text, HTML tags dropped, the entities
 * &amp; &lt; &gt; &quot; &#39; &nbsp; decoded, runs of blank space
 * folded to one space or line break. cap >= len + 1 always suffices.
 * 0, DF_ETOOBIG when out is too small (out then holds a truncated,
 * still valid, prefix), DF_EINVAL for NULL arguments. */
DF_MUST_CHECK int mdtext_plain(const char *md, size_t len, char *out,
	size_t cap, size_t *outlen);

#endif
