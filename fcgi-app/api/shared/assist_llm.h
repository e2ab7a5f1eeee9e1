/* The assistant's optional language model (core/llm_chat) as the
 * messages route uses it: asked only when assistant_llm_url is set and
 * retrieval found sources; any failure is counted in
 * devforge_assistant_llm_fallbacks_total{reason}, logged, and leaves the
 * retrieval reply to go out. */
#ifndef DF_API_ASSIST_LLM_H
#define DF_API_ASSIST_LLM_H

#include <stddef.h>
#include "err.h"
#include "llm_chat.h"

struct request;

/* Asks the model to answer question from src[0..n). 0 when its answer is
 * to be used: *text (renumbered citations) and cited[i] = 1 for each
 * source it cites (at least one); DF_ENOTFOUND when no model is
 * configured or n is 0; DF_EUPSTREAM when the model failed (already
 * counted and logged: keep the retrieval reply); DF_ENOMEM. */
DF_MUST_CHECK int assist_llm_ask(struct request *req, const char *question,
	const struct llm_source *src, size_t n, unsigned char *cited,
	char **text);

#endif
