/* A stand-in for an OpenAI-compatible chat-completions endpoint
 * (llama-server, Ollama), run by the integration program itself on the
 * loopback port the stack's workers are told to call
 * (DEVFORGE_ASSISTANT_LLM_URL, set by scripts/test): a thread that
 * records each request and answers as the test chose. One per test
 * process; the programs run with -j1, so one at a time binds the port. */
#ifndef DF_TEST_LLM_FAKE_H
#define DF_TEST_LLM_FAKE_H

#include <stddef.h>

enum llm_fake_mode {
	LLM_FAKE_ANSWER,    /* 200 with the content given to llm_fake_set */
	LLM_FAKE_SLOW,      /* the same, 4 s late: past the stack's 1.5 s */
	LLM_FAKE_MALFORMED, /* 200 with a body that is not JSON */
	LLM_FAKE_STATUS,    /* 500 with an OpenAI-style error object */
};

/* Starts the stand-in on the port of DEVFORGE_ASSISTANT_LLM_URL (the
 * test fails when it is unset or the port is taken). */
void llm_fake_start(void);
/* Answers as mode from now on; content (copied) is the assistant
 * message's text for LLM_FAKE_ANSWER and LLM_FAKE_SLOW. */
void llm_fake_set(enum llm_fake_mode mode, const char *content);
/* Requests to /v1/chat/completions so far. */
size_t llm_fake_count(void);
/* The last such request's body and Authorization header (malloc'd; ""
 * when none came). */
char *llm_fake_last_body(void);
char *llm_fake_last_auth(void);

#endif
