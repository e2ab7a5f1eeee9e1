/* The messages route's call of the language model (assist_llm.h). */
#include <string.h>

#include "arena.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "api/shared/assist_llm.h"

int assist_llm_ask(struct request *req, const char *question,
	const struct llm_source *src, size_t n, unsigned char *cited,
	char **text)
{
	const struct config *cfg = req->cfg;
	struct llm_chat_cfg c;
	enum llm_fail why;
	int rc;

	*text = NULL;
	if (cfg->assistant_llm_url == NULL || cfg->assistant_llm_url[0] == '\0' ||
	    n == 0)
		return DF_ENOTFOUND;
	if (n > LLM_CHAT_MAX_SOURCES)
		n = LLM_CHAT_MAX_SOURCES;
	memset(&c, 0, sizeof(c));
	c.url = cfg->assistant_llm_url;
	c.model = cfg->assistant_llm_model;
	c.key = cfg->assistant_llm_key;
	c.timeout_ms = cfg->assistant_llm_timeout_ms;
	c.max_tokens = cfg->assistant_llm_max_tokens;
	rc = llm_chat_ask(req->arena, &c, question, src, n, cited, text, &why);
	if (rc == DF_EUPSTREAM || rc == DF_EINVAL) {
		if (why == LLM_OK)
			why = LLM_MALFORMED;
		metrics_llm_fallback(why);
		/* The reason only: the question and the answer are the user's
		 * and the model's words, not the log's. */
		log_req_msg(req, LOG_WARN, "assistant: model answer not used: %s",
			llm_fail_name(why));
		*text = NULL;
		return DF_EUPSTREAM;
	}
	return rc;
}
