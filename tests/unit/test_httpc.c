/* Unit tests of the HTTP client's parts that need no server: form
 * encoding as Stripe reads it, refused arguments, and DF_EUPSTREAM for a
 * server that is not there or a scheme other than http(s). Exchanges
 * with a server are tested against the Stripe stand-in
 * (tests/integration/test_stripe.c). */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "arena.h"
#include "err.h"
#include "httpc.h"

static struct arena *a;

static void setup(void)
{
	a = arena_new(4096);
	cr_assert_not_null(a);
	cr_assert_eq(httpc_global_init(), 0);
}

static void teardown(void)
{
	arena_free(a);
}

TestSuite(httpc, .init = setup, .fini = teardown);

Test(httpc, form_encodes_nested_keys_and_reserved_characters)
{
	struct httpc_form f;

	httpc_form_init(&f, a);
	cr_assert_str_eq(f.body, "");
	cr_assert_eq(httpc_form_add(&f, "mode", "payment"), 0);
	cr_assert_eq(httpc_form_add(&f, "line_items[0][price_data][product_data][name]",
		"Dark & light: 100% \"themes\"+ü"), 0);
	cr_assert_eq(httpc_form_add_int(&f, "expires_at", 1767225600), 0);
	cr_assert_eq(httpc_form_add(&f, "empty", ""), 0);
	cr_assert_str_eq(f.body, "mode=payment"
		"&line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D="
		"Dark%20%26%20light%3A%20100%25%20%22themes%22%2B%C3%BC"
		"&expires_at=1767225600&empty=");
	cr_assert_eq(f.len, strlen(f.body));
}

Test(httpc, form_grows_past_its_first_buffer)
{
	struct httpc_form f;
	char key[32];

	httpc_form_init(&f, a);
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "metadata[k%d]", i);
		cr_assert_eq(httpc_form_add(&f, key, "value-value-value"), 0);
	}
	cr_assert_eq(f.len, strlen(f.body));
	cr_assert(strstr(f.body, "&metadata%5Bk199%5D=value-value-value") != NULL);
	cr_assert_eq(strncmp(f.body, "metadata%5Bk0%5D=value", 22), 0);
}

Test(httpc, escape_keeps_only_unreserved_characters)
{
	cr_assert_str_eq(httpc_escape(a, "cs_test_AZaz09-._~"), "cs_test_AZaz09-._~");
	cr_assert_str_eq(httpc_escape(a, "../x?y#z/"), "..%2Fx%3Fy%23z%2F");
}

Test(httpc, refuses_bad_requests)
{
	struct httpc_req req = { .method = "GET", .url = "http://127.0.0.1:1/",
		.timeout_ms = 0 };
	struct httpc_resp r;

	cr_assert_eq(httpc_request(a, &req, &r), DF_EINVAL);
	req.timeout_ms = 1000;
	req.method = "DELETE";
	cr_assert_eq(httpc_request(a, &req, &r), DF_EINVAL);
	req.method = "GET";
	req.url = NULL;
	cr_assert_eq(httpc_request(a, &req, &r), DF_EINVAL);
}

Test(httpc, nothing_listening_is_upstream_failure)
{
	/* Port 1 on loopback: refused at once. */
	struct httpc_req req = { .method = "POST", .url = "http://127.0.0.1:1/v1/x",
		.bearer = "sk_test_secret", .body = "a=b", .body_len = 3,
		.timeout_ms = 2000 };
	struct httpc_resp r;

	cr_assert_eq(httpc_request(a, &req, &r), DF_EUPSTREAM);
	cr_assert_eq(r.status, 0);
	cr_assert_not_null(r.error);
	cr_assert_null(strstr(r.error, "sk_test_secret"));
}

Test(httpc, only_http_and_https_are_spoken)
{
	struct httpc_req req = { .method = "GET", .url = "file:///etc/passwd",
		.timeout_ms = 2000 };
	struct httpc_resp r;

	cr_assert_eq(httpc_request(a, &req, &r), DF_EUPSTREAM);
	cr_assert_null(r.body);
}
