/* The support assistant's optional language model: an OpenAI-compatible
 * chat-completions endpoint (llama.cpp's llama-server, Ollama, a hosted
 * service) asked to answer a question from the numbered passages that
 * retrieval found, and to cite them as [1], [2]...
 *
 * The model is not trusted. Its answer is used only when it cites at
 * least one source, every citation names a source it was given, and it
 * holds no link that is not in one of those sources; anything else is a
 * failure with a reason, and the caller keeps the retrieval answer. The
 * sources and the question travel as JSON data inside the user message,
 * so text in them cannot close a section of the prompt.
 *
 * llm_chat_request, llm_chat_parse and llm_chat_check are pure;
 * llm_chat_ask does the whole exchange through core/httpc. */
#ifndef DF_LLM_CHAT_H
#define DF_LLM_CHAT_H

#include <stddef.h>
#include "err.h"

struct arena;

#define LLM_CHAT_MAX_SOURCES 10      /* assistant_max_sources is 1..10 */
#define LLM_CHAT_MAX_ANSWER 4000     /* bytes of a model answer we accept */

/* Why a model answer was not used (the label of
 * devforge_assistant_llm_fallbacks_total). */
enum llm_fail {
	LLM_OK = 0,
	LLM_TIMEOUT,        /* no answer within assistant_llm_timeout_ms */
	LLM_UNREACHABLE,    /* refused, dropped, not resolvable */
	LLM_STATUS,         /* an answer other than 200 */
	LLM_MALFORMED,      /* not the chat-completions JSON, empty, cut by
	                       max_tokens, over LLM_CHAT_MAX_ANSWER, bad UTF-8 */
	LLM_UNKNOWN_SOURCE, /* a citation of a source it was not given, or a
	                       link found in none of them */
	LLM_NO_CITATION,    /* cites nothing (includes "I don't know") */
	LLM_FAIL_COUNT
};

/* The label of a reason: "timeout", "unreachable", "status",
 * "malformed", "unknown_source", "no_citation" ("ok" for LLM_OK). */
const char *llm_fail_name(enum llm_fail f);

struct llm_source {
	const char *title;
	const char *text;           /* the passage the model may quote */
};

/* The request body (application/json) for model with max_tokens:
 * the rules as the system message, then {"sources":[{"n","title",
 * "text"}],"question"} as the user message's text. *body is
 * NUL-terminated in the arena. 0, DF_EINVAL (no source, more than
 * LLM_CHAT_MAX_SOURCES, NULL question), DF_ENOMEM. */
DF_MUST_CHECK int llm_chat_request(struct arena *a, const char *model,
	unsigned max_tokens, const char *question,
	const struct llm_source *src, size_t nsrc, char **body, size_t *len);

/* The answer text of a chat-completions response body:
 * choices[0].message.content, trimmed, a leading <think>...</think>
 * block dropped. 0 with *content in the arena; DF_EINVAL when the body
 * is not that (LLM_MALFORMED); DF_ENOMEM. */
DF_MUST_CHECK int llm_chat_parse(struct arena *a, const char *body,
	size_t len, char **content);

/* Checks the citations of text against nsrc sources and renumbers them
 * in the order of the sources kept: cited[i] is set to 1 for each source
 * i (0-based) that text cites, *out is text with each citation written
 * as [k] where k counts only the cited sources (a list "[1, 3]" becomes
 * "[1][2]"). A citation is a bracket holding numbers, optionally after
 * "^", "#" or the word "source"; any number outside 1..nsrc, a range, a
 * link (http://, https://, www.) not found in some source's text →
 * DF_EINVAL with *why LLM_UNKNOWN_SOURCE; nothing cited → DF_EINVAL
 * with LLM_NO_CITATION. 0, DF_EINVAL, DF_ENOMEM. */
DF_MUST_CHECK int llm_chat_check(struct arena *a, const char *text,
	const struct llm_source *src, size_t nsrc, unsigned char *cited,
	char **out, enum llm_fail *why);

struct llm_chat_cfg {
	const char *url;            /* base, e.g. http://127.0.0.1:8081/v1 */
	const char *model;
	const char *key;            /* Bearer token; NULL: none */
	unsigned timeout_ms;
	unsigned max_tokens;
};

/* Asks the model and checks its answer: 0 with *text (renumbered) and
 * cited[] as llm_chat_check gives them; DF_EUPSTREAM with *why saying
 * which failure (never LLM_OK); DF_EINVAL for bad arguments; DF_ENOMEM.
 * POSTs to <url>/chat/completions. */
DF_MUST_CHECK int llm_chat_ask(struct arena *a, const struct llm_chat_cfg *c,
	const char *question, const struct llm_source *src, size_t nsrc,
	unsigned char *cited, char **text, enum llm_fail *why);

#endif
