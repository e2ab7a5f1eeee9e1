/* The assistant's retrieval (assist_rank.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "api/shared/assist_rank.h"
#include "arena.h"
#include "assist_text.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "store/assist.h"

/* How a passage ranks for the question: mostly how many of the
 * question's terms it holds (over title and text), then how many its
 * title holds (a title says what the whole source is about: a term
 * there is better evidence than one met in passing), the engine's
 * relevance relative to the best only breaking ties between passages
 * that cover alike: it knows neither stems nor the thesaurus, and its
 * prefix search counts words that merely begin alike ("work*" and
 * "workspace"), so it must not outweigh a difference in coverage. */
static double rank(double cover, double title_cover, double rel, double top)
{
	return 0.6 * cover + 0.35 * title_cover +
		0.05 * (top > 0.0 ? rel / top : 0.0);
}

/* How much a term says, from the number of candidate passages holding
 * it (an inverse document frequency over what the engine retrieved): a
 * term few passages hold picks the answer out (3 for one passage, about
 * 1 when most hold it); a term none holds is a word the help center
 * does not use, which counts half against every passage alike. */
static double term_weight(size_t df)
{
	return df == 0 ? 0.75 : 1.0 + 4.0 / (double)(df + 1);
}

int assist_rank(struct request *req, const char *q, size_t max,
	int min_confidence, struct assist_source *out, size_t *n)
{
	struct store_assist_hit *hits;
	struct assist_source best[STORE_ASSIST_CANDIDATES];
	size_t df[ASSIST_TERMS_MAX];
	double weight[ASSIST_TERMS_MAX];
	struct assist_text_bag *texts, title;
	char **terms, *query, *joined;
	size_t nhits, nterms, nbest = 0, i, j, nhit;
	double top = 0.0, cover, tcover, s;
	int rc;

	*n = 0;
	if (max > ASSIST_RANK_MAX)
		max = ASSIST_RANK_MAX;
	/* Orders planted in the question are not searched for. */
	q = assist_text_clean(req->arena, q);
	if (q == NULL)
		return DF_ENOMEM;
	rc = assist_text_terms(req->arena, q, &terms, &nterms);
	if (rc != 0 || nterms == 0)
		return rc;
	query = assist_text_query(req->arena, terms, nterms);
	texts = arena_alloc(req->arena, STORE_ASSIST_CANDIDATES * sizeof(*texts));
	if (query == NULL || texts == NULL)
		return DF_ENOMEM;
	rc = store_assist_search(req->arena, query, STORE_ASSIST_CANDIDATES,
		&hits, &nhits);
	if (rc != 0)
		return rc;
	/* Which terms the candidates use at all (see coverage). */
	memset(df, 0, sizeof(df));
	for (i = 0; i < nhits && i < STORE_ASSIST_CANDIDATES; i++) {
		if (hits[i].rel > top)
			top = hits[i].rel;
		joined = arena_printf(req->arena, "%s\n%s", hits[i].title,
			hits[i].text);
		if (joined == NULL)
			return DF_ENOMEM;
		rc = assist_text_bag(req->arena, joined, &texts[i]);
		if (rc != 0)
			return rc;
		for (j = 0; j < nterms; j++)
			df[j] += (size_t)assist_text_bag_has(&texts[i], terms[j]);
	}
	for (j = 0; j < nterms; j++)
		weight[j] = term_weight(df[j]);
	/* The best passage of each source. */
	for (i = 0; i < nhits && i < STORE_ASSIST_CANDIDATES; i++) {
		rc = assist_text_bag(req->arena, hits[i].title, &title);
		if (rc != 0)
			return rc;
		cover = assist_text_bag_coverage(terms, weight, nterms,
			&texts[i], &nhit);
		tcover = assist_text_bag_coverage(terms, weight, nterms, &title,
			NULL);
		s = rank(cover, tcover, hits[i].rel, top);
		for (j = 0; j < nbest; j++)
			if (strcmp(best[j].kind, hits[i].kind) == 0 &&
			    strcmp(best[j].ref, hits[i].ref) == 0)
				break;
		if (j < nbest && best[j].score >= s)
			continue;
		if (j == nbest)
			nbest++;
		best[j].kind = arena_strdup(req->arena, hits[i].kind);
		best[j].source_id = hits[i].source_id;
		best[j].ref = arena_strdup(req->arena, hits[i].ref);
		best[j].title = hits[i].title;
		best[j].passage = hits[i].text;
		best[j].score = s;
		best[j].confidence = assist_text_confidence(cover, tcover, nhit);
		if (best[j].kind == NULL || best[j].ref == NULL)
			return DF_ENOMEM;
	}
	/* Best first (a handful: insertion sort), ties by the engine. */
	for (i = 1; i < nbest; i++) {
		struct assist_source t = best[i];

		for (j = i; j > 0 && best[j - 1].score < t.score; j--)
			best[j] = best[j - 1];
		best[j] = t;
	}
	for (i = 0; i < nbest && *n < max; i++)
		if (best[i].confidence >= min_confidence)
			out[(*n)++] = best[i];
	return 0;
}

struct json_object *assist_rank_score_json(struct request *req, double s)
{
	char text[16];

	int n;

	n = snprintf(text, sizeof(text), "%.3f", s < 0 ? 0.0 : s > 1 ? 1.0 : s);
	/* "0.500" -> "0.5", "1.000" -> "1.0": the shortest exact form. */
	while (n > 2 && text[n - 1] == '0' && text[n - 2] != '.')
		text[--n] = '\0';
	return json_own(req, json_object_new_double_s(strtod(text, NULL),
		text));
}
