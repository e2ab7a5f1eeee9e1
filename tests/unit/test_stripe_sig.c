/* Unit tests of the Stripe-Signature check: a header made by Stripe's
 * own library verifies, rotation and several v1 work, anything tampered,
 * stale or malformed is refused with the right code. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "err.h"
#include "stripe_sig.h"

/* Made with Stripe's official Node library (npm stripe 20.4.1, the
 * version tests/stripe/package.json pins):
 *   const s = new (require("stripe"))("sk_test_x");
 *   s.webhooks.generateTestHeaderString({payload: BODY,
 *       secret: "whsec_devforge_unit_vector", timestamp: 1767225600});
 */
#define VEC_BODY "{\"id\":\"evt_test_webhook\",\"object\":\"event\"}"
#define VEC_SECRET "whsec_devforge_unit_vector"
#define VEC_T 1767225600
#define VEC_SIG "f2be7ff65600c03dc2bce147b51eb07e91ad0f4ced59b52f19965dd444f3d65e"
#define VEC_HEADER "t=1767225600,v1=" VEC_SIG

static const char *const one[] = { VEC_SECRET };

static int verify(const char *header, const char *body, time_t now)
{
	return stripe_sig_verify(header, body, strlen(body), one, 1, now,
		STRIPE_SIG_TOLERANCE);
}

Test(stripe_sig, accepts_header_made_by_stripes_library)
{
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY, VEC_T), 0);
}

Test(stripe_sig, header_we_make_equals_stripes)
{
	char out[128];

	cr_assert_eq(stripe_sig_header(VEC_SECRET, VEC_T, VEC_BODY,
		strlen(VEC_BODY), out, sizeof(out)), 0);
	cr_assert_str_eq(out, VEC_HEADER);
}

Test(stripe_sig, header_too_small_buffer_is_etoobig)
{
	char out[20];

	cr_assert_eq(stripe_sig_header(VEC_SECRET, VEC_T, VEC_BODY,
		strlen(VEC_BODY), out, sizeof(out)), DF_ETOOBIG);
	cr_assert_eq(stripe_sig_header("", VEC_T, "x", 1, out, sizeof(out)),
		DF_EINVAL);
}

Test(stripe_sig, accepts_second_secret_of_a_rotation)
{
	const char *const both[] = { "whsec_the_new_one", VEC_SECRET };
	const char *const other[] = { VEC_SECRET, "whsec_the_new_one" };

	cr_assert_eq(stripe_sig_verify(VEC_HEADER, VEC_BODY, strlen(VEC_BODY),
		both, 2, VEC_T, STRIPE_SIG_TOLERANCE), 0);
	cr_assert_eq(stripe_sig_verify(VEC_HEADER, VEC_BODY, strlen(VEC_BODY),
		other, 2, VEC_T, STRIPE_SIG_TOLERANCE), 0);
}

Test(stripe_sig, refuses_when_no_secret_matches)
{
	const char *const wrong[] = { "whsec_wrong", "whsec_" VEC_SECRET };

	cr_assert_eq(stripe_sig_verify(VEC_HEADER, VEC_BODY, strlen(VEC_BODY),
		wrong, 2, VEC_T, STRIPE_SIG_TOLERANCE), DF_EAUTH);
	cr_assert_eq(stripe_sig_verify(VEC_HEADER, VEC_BODY, strlen(VEC_BODY),
		wrong, 0, VEC_T, STRIPE_SIG_TOLERANCE), DF_EAUTH);
}

Test(stripe_sig, accepts_any_of_several_v1_in_any_order)
{
	const char *zero = "0000000000000000000000000000000000000000000000000000000000000000";
	char h[512];

	snprintf(h, sizeof(h), "v1=%s,t=1767225600,v0=%s,v1=%s", zero, zero,
		VEC_SIG);
	cr_assert_eq(verify(h, VEC_BODY, VEC_T), 0);
	snprintf(h, sizeof(h), "t=1767225600,v1=%s,v1=%s", VEC_SIG, zero);
	cr_assert_eq(verify(h, VEC_BODY, VEC_T), 0);
}

Test(stripe_sig, ignores_unknown_schemes)
{
	cr_assert_eq(verify("t=1767225600,v0=abc,v9=whatever,x=,v1=" VEC_SIG,
		VEC_BODY, VEC_T), 0);
}

Test(stripe_sig, accepts_upper_case_hex)
{
	char h[128];

	snprintf(h, sizeof(h), "%s", VEC_HEADER);
	for (char *p = h + strlen("t=1767225600,v1="); *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	cr_assert_eq(verify(h, VEC_BODY, VEC_T), 0);
}

Test(stripe_sig, refuses_tampered_body)
{
	cr_assert_eq(verify(VEC_HEADER,
		"{\"id\":\"evt_test_webhook\",\"object\":\"evenT\"}", VEC_T), DF_EAUTH);
	cr_assert_eq(verify(VEC_HEADER, "", VEC_T), DF_EAUTH);
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY " ", VEC_T), DF_EAUTH);
}

Test(stripe_sig, refuses_tampered_timestamp_or_signature)
{
	cr_assert_eq(verify("t=1767225601,v1=" VEC_SIG, VEC_BODY, VEC_T),
		DF_EAUTH);
	cr_assert_eq(verify("t=1767225600,v1=f2be7ff65600c03dc2bce147b51eb07e91ad0f4ced59b52f19965dd444f3d65f",
		VEC_BODY, VEC_T), DF_EAUTH);
	/* The signature under the v0 scheme only is not enough. */
	cr_assert_eq(verify("t=1767225600,v0=" VEC_SIG ",v1=0000000000000000000000000000000000000000000000000000000000000000",
		VEC_BODY, VEC_T), DF_EAUTH);
}

Test(stripe_sig, timestamp_tolerance_is_inclusive_both_ways)
{
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY, VEC_T + STRIPE_SIG_TOLERANCE), 0);
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY, VEC_T - STRIPE_SIG_TOLERANCE), 0);
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY, VEC_T + STRIPE_SIG_TOLERANCE + 1),
		DF_EAUTH);
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY, VEC_T - STRIPE_SIG_TOLERANCE - 1),
		DF_EAUTH);
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY, 0), DF_EAUTH);
	cr_assert_eq(verify(VEC_HEADER, VEC_BODY, -1), DF_EAUTH);
}

Test(stripe_sig, tolerance_is_the_callers)
{
	cr_assert_eq(stripe_sig_verify(VEC_HEADER, VEC_BODY, strlen(VEC_BODY),
		one, 1, VEC_T + 10, 10), 0);
	cr_assert_eq(stripe_sig_verify(VEC_HEADER, VEC_BODY, strlen(VEC_BODY),
		one, 1, VEC_T + 11, 10), DF_EAUTH);
}

Test(stripe_sig, refuses_malformed_headers)
{
	static const char *const bad[] = {
		"",
		",",
		"t=1767225600",                        /* no v1 */
		"v1=" VEC_SIG,                         /* no t */
		"t=,v1=" VEC_SIG,                      /* empty t */
		"t=-1767225600,v1=" VEC_SIG,           /* sign */
		"t=+1767225600,v1=" VEC_SIG,
		"t= 1767225600,v1=" VEC_SIG,           /* space */
		"t=1767225600 ,v1=" VEC_SIG,
		"t=1767225600x,v1=" VEC_SIG,
		"t=0x10,v1=" VEC_SIG,
		"t=1767225600.5,v1=" VEC_SIG,
		"t=9999999999999999999999,v1=" VEC_SIG, /* overflow */
		"t=1767225600,t=1767225600,v1=" VEC_SIG, /* two t */
		"t=1767225600,v1=",                    /* empty v1 */
		"t=1767225600,v1=abc",                 /* short v1 */
		"t=1767225600,v1=" VEC_SIG "00",       /* long v1 */
		"t=1767225600,v1=g2be7ff65600c03dc2bce147b51eb07e91ad0f4ced59b52f19965dd444f3d65e",
		"t=1767225600,v1=" VEC_SIG ",",        /* empty element */
		",t=1767225600,v1=" VEC_SIG,
		"t=1767225600,,v1=" VEC_SIG,
		"t=1767225600,v1" VEC_SIG,             /* no '=' */
		"t=1767225600,=" VEC_SIG,              /* empty key */
		"t=1767225600;v1=" VEC_SIG,            /* wrong separator */
		"t=1767225600, v1=" VEC_SIG,           /* " v1" is an unknown key */
		"T=1767225600,v1=" VEC_SIG,
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(verify(bad[i], VEC_BODY, VEC_T), DF_EINVAL,
			"header \"%s\"", bad[i]);
	cr_assert_eq(stripe_sig_verify(NULL, VEC_BODY, strlen(VEC_BODY), one, 1,
		VEC_T, STRIPE_SIG_TOLERANCE), DF_EINVAL);
}

Test(stripe_sig, refuses_more_than_16_elements)
{
	char h[1024];
	size_t n;

	/* 16 elements: t, the v1 and 14 unknown ones: fine. */
	n = (size_t)snprintf(h, sizeof(h), "%s", VEC_HEADER);
	for (int i = 0; i < 14; i++)
		n += (size_t)snprintf(h + n, sizeof(h) - n, ",v0=%d", i);
	cr_assert_eq(verify(h, VEC_BODY, VEC_T), 0);
	snprintf(h + n, sizeof(h) - n, ",v0=x");
	cr_assert_eq(verify(h, VEC_BODY, VEC_T), DF_EINVAL);
}

Test(stripe_sig, refuses_header_over_4_kib)
{
	static char h[STRIPE_SIG_MAX_HEADER + 2];
	size_t n = (size_t)snprintf(h, sizeof(h), "%s,x=", VEC_HEADER);

	/* Exactly 4096 bytes: fine. */
	memset(h + n, 'a', STRIPE_SIG_MAX_HEADER - n);
	h[STRIPE_SIG_MAX_HEADER] = '\0';
	cr_assert_eq(verify(h, VEC_BODY, VEC_T), 0);
	h[STRIPE_SIG_MAX_HEADER] = 'a';
	h[STRIPE_SIG_MAX_HEADER + 1] = '\0';
	cr_assert_eq(verify(h, VEC_BODY, VEC_T), DF_EINVAL);
}

Test(stripe_sig, empty_body_round_trips)
{
	char out[128];

	cr_assert_eq(stripe_sig_header(VEC_SECRET, VEC_T, "", 0, out,
		sizeof(out)), 0);
	cr_assert_eq(verify(out, "", VEC_T), 0);
	cr_assert_eq(verify(out, "x", VEC_T), DF_EAUTH);
}
