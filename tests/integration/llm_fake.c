/* The chat-completions stand-in of the assistant's integration program
 * (llm_fake.h): an answer as the test chose, served by the shared
 * loopback server thread (http_rx.h). */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_rx.h"
#include "llm_fake.h"

static struct {
	struct http_rx srv;
	enum llm_fake_mode mode;
	char *content, *last_body, *last_auth;
} fk = { .srv.mu = PTHREAD_MUTEX_INITIALIZER };

static void reply(int c, int status, const char *body)
{
	/* The worker may have given up (the slow case): http_rx_reply
	 * raises no SIGPIPE. */
	http_rx_reply(c, status, "application/json", body);
}

/* A chat-completions answer holding content, as llama-server sends it. */
static char *completion(const char *content)
{
	json_object *o = json_object_new_object(), *ch = json_object_new_array(),
		*c = json_object_new_object(), *m = json_object_new_object();
	char *s;

	json_object_object_add(m, "role", json_object_new_string("assistant"));
	json_object_object_add(m, "content", json_object_new_string(content));
	json_object_object_add(c, "index", json_object_new_int(0));
	json_object_object_add(c, "message", m);
	json_object_object_add(c, "finish_reason", json_object_new_string("stop"));
	json_object_array_add(ch, c);
	json_object_object_add(o, "id", json_object_new_string("chatcmpl-fake"));
	json_object_object_add(o, "object", json_object_new_string("chat.completion"));
	json_object_object_add(o, "choices", ch);
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static void serve(int c, const char *head, char *body)
{
	char auth[512];
	char *content, *out;
	enum llm_fake_mode mode;
	int counts;

	http_rx_header(head, "Authorization", auth, sizeof(auth));
	counts = strncmp(head, "POST /v1/chat/completions ", 26) == 0;
	pthread_mutex_lock(&fk.srv.mu);
	if (counts) {
		fk.srv.n++;
		free(fk.last_body);
		free(fk.last_auth);
		fk.last_body = body;
		fk.last_auth = strdup(auth);
		body = NULL;
	}
	mode = fk.mode;
	content = strdup(fk.content ? fk.content : "");
	pthread_mutex_unlock(&fk.srv.mu);
	free(body);
	if (!counts) {
		reply(c, 404, "{\"error\":{\"message\":\"not found\"}}");
	} else if (mode == LLM_FAKE_MALFORMED) {
		reply(c, 200, "{\"choices\":[{\"message\":{\"content\":\"Open [1");
	} else if (mode == LLM_FAKE_STATUS) {
		reply(c, 500, "{\"error\":{\"message\":\"model crashed\","
			"\"type\":\"server_error\"}}");
	} else {
		if (mode == LLM_FAKE_SLOW)
			nanosleep(&(struct timespec){ .tv_sec = 4 }, NULL);
		out = completion(content);
		reply(c, 200, out);
		free(out);
	}
	free(content);
}

void llm_fake_start(void)
{
	const char *url = getenv("DEVFORGE_ASSISTANT_LLM_URL");
	int port = 0;

	cr_assert(url != NULL && sscanf(url, "http://127.0.0.1:%d/v1", &port) == 1,
		"DEVFORGE_ASSISTANT_LLM_URL must be http://127.0.0.1:<port>/v1 "
		"for the stack and this program (scripts/test sets it)");
	fk.mode = LLM_FAKE_ANSWER;
	http_rx_start(&fk.srv, port, "the model stand-in's", serve);
}

void llm_fake_set(enum llm_fake_mode mode, const char *content)
{
	pthread_mutex_lock(&fk.srv.mu);
	fk.mode = mode;
	free(fk.content);
	fk.content = content ? strdup(content) : NULL;
	pthread_mutex_unlock(&fk.srv.mu);
}

size_t llm_fake_count(void)
{
	return http_rx_count(&fk.srv);
}

/* A copy of *field ("" when NULL), taken under the lock. */
static char *copy_locked(char *const *field)
{
	char *s;

	pthread_mutex_lock(&fk.srv.mu);
	s = strdup(*field ? *field : "");
	pthread_mutex_unlock(&fk.srv.mu);
	return s;
}

char *llm_fake_last_body(void)
{
	return copy_locked(&fk.last_body);
}

char *llm_fake_last_auth(void)
{
	return copy_locked(&fk.last_auth);
}
