// The search index on Xapian (see search.h). Each worker keeps one
// reader open and moves it to a new revision only when the caller says
// the change log moved; a writer is opened for one batch of changes and
// closed again, so Xapian's lock is held for milliseconds. Every Xapian
// exception is caught here and becomes a df_err.
#include <xapian.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "search.h"
extern "C" {
#include "log.h"
}

namespace {

std::string index_dir;
Xapian::Database *reader;
Xapian::WritableDatabase *writer;

// The metadata key holding the last change id a revision has applied.
const char APPLIED_KEY[] = "last_change";
// Boolean terms of the filters: category, tag, free/paid.
const char PFX_CATEGORY[] = "XC";
const char PFX_TAG[] = "XT";
const char PFX_PRICE[] = "XP";

// A sort key and the id as one value that compares as bytes in the
// order (key, id): each big-endian, the key's sign bit flipped. Sorting
// on it breaks ties by id, and a keyset position is a range on it.
std::string sort_value(int64_t key, int64_t id)
{
	unsigned char b[16];
	uint64_t k = static_cast<uint64_t>(key) ^ (UINT64_C(1) << 63);
	uint64_t i = static_cast<uint64_t>(id);

	for (int j = 0; j < 8; j++) {
		b[j] = static_cast<unsigned char>(k >> (56 - 8 * j));
		b[8 + j] = static_cast<unsigned char>(i >> (56 - 8 * j));
	}
	return std::string(reinterpret_cast<char *>(b), sizeof(b));
}

int64_t applied_of(const Xapian::Database &db)
{
	std::string s = db.get_metadata(APPLIED_KEY);

	return s.empty() ? 0 : std::strtoll(s.c_str(), nullptr, 10);
}

int fail(const char *what, const Xapian::Error &e)
{
	log_msg(LOG_ERROR, "search: %s: %s", what,
		e.get_description().c_str());
	return DF_EINTERNAL;
}

int open_reader()
{
	if (reader == nullptr)
		reader = new Xapian::Database(index_dir);
	return 0;
}

// Ranking by relevance, a word found in more than half the listings is
// left out when the query has a rarer one (MyISAM's natural-language
// rule): its BM25 weight is about nothing, so the pages keep their order,
// but matching its postings was most of a search's time. Such a word
// alone is still searched; the other sorts keep every word.
Xapian::Query without_common_words(const Xapian::Query &query)
{
	std::vector<Xapian::Query> keep;
	Xapian::doccount n = reader->get_doccount();
	bool dropped = false;

	// Only a plain OR of words (not a phrase QueryParser made of
	// "a-b", whose words are meant together).
	if (query.get_type() != Xapian::Query::OP_OR)
		return query;
	for (size_t i = 0; i < query.get_num_subqueries(); i++)
		if (query.get_subquery(i).get_type() !=
		    Xapian::Query::LEAF_TERM)
			return query;
	for (Xapian::TermIterator t = query.get_unique_terms_begin();
	     t != query.get_unique_terms_end(); ++t) {
		if (reader->get_termfreq(*t) > n / 2)
			dropped = true;
		else
			keep.emplace_back(*t);
	}
	if (!dropped || keep.empty())
		return query;
	return Xapian::Query(Xapian::Query::OP_OR, keep.begin(), keep.end());
}

Xapian::Query build_query(const search_query *q)
{
	Xapian::QueryParser qp;
	Xapian::Query query;

	// No operator flags: quotes, AND, OR, NOT, NEAR, *, -, + and ~ are
	// words like any other, so a query cannot change the query's
	// shape. OR of the words, as natural-language FULLTEXT matched.
	qp.set_default_op(Xapian::Query::OP_OR);
	query = qp.parse_query(q->q, 0);
	if (q->sort == SEARCH_SORT_RELEVANCE)
		query = without_common_words(query);
	if (q->category != nullptr)
		query = Xapian::Query(Xapian::Query::OP_FILTER, query,
			Xapian::Query(std::string(PFX_CATEGORY) + q->category));
	if (q->tag != nullptr)
		query = Xapian::Query(Xapian::Query::OP_FILTER, query,
			Xapian::Query(std::string(PFX_TAG) + q->tag));
	if (q->price >= 0)
		query = Xapian::Query(Xapian::Query::OP_FILTER, query,
			Xapian::Query(std::string(PFX_PRICE) +
				(q->price ? "1" : "0")));
	if (q->min_rating100 > 0)
		query = Xapian::Query(Xapian::Query::OP_FILTER, query,
			Xapian::Query(Xapian::Query::OP_VALUE_GE,
				SEARCH_SORT_RATING,
				sort_value(q->min_rating100, 0)));
	if (q->sort != SEARCH_SORT_RELEVANCE && q->has_after) {
		// After (key, id): below it when descending, above when
		// ascending (price). Ids are positive, so id - 1 and id + 1
		// stay in range.
		if (q->sort == SEARCH_SORT_PRICE)
			query = Xapian::Query(Xapian::Query::OP_FILTER, query,
				Xapian::Query(Xapian::Query::OP_VALUE_GE,
					q->sort, sort_value(q->after_key,
						q->after_id + 1)));
		else
			query = Xapian::Query(Xapian::Query::OP_FILTER, query,
				Xapian::Query(Xapian::Query::OP_VALUE_LE,
					q->sort, sort_value(q->after_key,
						q->after_id - 1)));
	}
	return query;
}

int find(const search_query *q, int64_t *ids, int64_t *keys, size_t *n,
	int64_t *applied)
{
	Xapian::Enquire enq(*reader);
	Xapian::doccount first = 0;
	Xapian::MSet m;

	enq.set_query(build_query(q));
	// Equal weights in id order, newest id first, as the SQL did.
	enq.set_docid_order(Xapian::Enquire::DESCENDING);
	if (q->sort == SEARCH_SORT_RELEVANCE) {
		// BM25 without length normalisation (b = 0): a listing is
		// not less about a word because its description is long (the
		// name's and summary's extra wdf already weigh the short
		// fields up), and without it a term's weight no longer
		// depends on the document's length, so its upper bound is
		// exact and the matcher skips most postings once the page's
		// weights are known: 0.5 ms to 0.13 ms a two-word search at
		// 60,000 listings (docs/PERFORMANCE.md). k1 and min_normlen
		// as Xapian's defaults.
		enq.set_weighting_scheme(Xapian::BM25Weight(1, 0, 1, 0, 0.5));
		if (q->has_after && q->after_key > 0)
			first = static_cast<Xapian::doccount>(q->after_key);
	} else {
		enq.set_weighting_scheme(Xapian::BoolWeight());
		enq.set_sort_by_value(q->sort, q->sort != SEARCH_SORT_PRICE);
	}
	m = enq.get_mset(first, static_cast<Xapian::doccount>(q->limit));
	*n = 0;
	for (Xapian::MSetIterator it = m.begin(); it != m.end(); ++it) {
		ids[*n] = *it;
		if (q->sort == SEARCH_SORT_RELEVANCE) {
			keys[*n] = static_cast<int64_t>(first + *n + 1);
		} else {
			std::string v = it.get_document().get_value(q->sort);
			uint64_t k = 0;

			for (size_t j = 0; j < 8 && j < v.size(); j++)
				k = (k << 8) |
					static_cast<unsigned char>(v[j]);
			keys[*n] = static_cast<int64_t>(k ^ (UINT64_C(1) << 63));
		}
		(*n)++;
	}
	*applied = applied_of(*reader);
	return 0;
}

} // namespace

extern "C" int search_set_dir(const char *dir)
{
	if (dir == nullptr || *dir == '\0')
		return DF_EINVAL;
	try {
		index_dir = dir;
	} catch (...) {
		return DF_ENOMEM;
	}
	return 0;
}

extern "C" int search_find(const search_query *q, int64_t *ids,
	int64_t *keys, size_t *n, int64_t *applied)
{
	*n = 0;
	*applied = 0;
	if (q->limit == 0 || q->q == nullptr)
		return DF_EINVAL;
	try {
		open_reader();
		try {
			return find(q, ids, keys, n, applied);
		} catch (const Xapian::DatabaseModifiedError &) {
			// A writer reused blocks of our revision: move on.
			reader->reopen();
			return find(q, ids, keys, n, applied);
		}
	} catch (const Xapian::Error &e) {
		return fail("query", e);
	} catch (const std::bad_alloc &) {
		return DF_ENOMEM;
	}
}

extern "C" int search_refresh(int64_t *applied)
{
	*applied = 0;
	try {
		if (reader == nullptr)
			open_reader();
		else
			reader->reopen();
		*applied = applied_of(*reader);
		return 0;
	} catch (const Xapian::Error &e) {
		return fail("reopen", e);
	} catch (const std::bad_alloc &) {
		return DF_ENOMEM;
	}
}

extern "C" int search_writer_open(int wait_ms, int64_t *applied)
{
	*applied = 0;
	if (writer != nullptr)
		return DF_EINVAL;
	try {
		if (wait_ms < 0) {
			writer = new Xapian::WritableDatabase(index_dir,
				Xapian::DB_CREATE_OR_OPEN |
				Xapian::DB_RETRY_LOCK);
		} else {
			for (int waited = 0; writer == nullptr; waited += 2) {
				try {
					writer = new Xapian::WritableDatabase(
						index_dir,
						Xapian::DB_CREATE_OR_OPEN);
				} catch (const Xapian::DatabaseLockError &) {
					if (waited >= wait_ms)
						return DF_ECONFLICT;
					usleep(2000);
				}
			}
		}
		*applied = applied_of(*writer);
		return 0;
	} catch (const Xapian::Error &e) {
		return fail("open for writing", e);
	} catch (const std::bad_alloc &) {
		return DF_ENOMEM;
	}
}

extern "C" int search_writer_put(const search_doc *d)
{
	if (writer == nullptr || d->id <= 0 || d->id > UINT32_MAX)
		return DF_EINVAL;
	try {
		Xapian::Document doc;
		Xapian::TermGenerator tg;
		const char *s, *e;

		tg.set_document(doc);
		// The name counts most, then summary and tags, as a reader
		// scanning a list weighs them.
		tg.index_text_without_positions(d->name, 3);
		tg.increase_termpos();
		tg.index_text_without_positions(d->summary, 2);
		tg.increase_termpos();
		tg.index_text_without_positions(d->tags_text, 2);
		tg.increase_termpos();
		tg.index_text_without_positions(d->description);
		doc.add_boolean_term(std::string(PFX_CATEGORY) + d->category);
		for (s = d->tags_text; *s != '\0'; s = e) {
			while (*s == ' ')
				s++;
			e = std::strchr(s, ' ');
			if (e == nullptr)
				e = s + std::strlen(s);
			if (e > s)
				doc.add_boolean_term(std::string(PFX_TAG) +
					std::string(s, static_cast<size_t>(e - s)));
		}
		doc.add_boolean_term(std::string(PFX_PRICE) +
			(d->keys[SEARCH_SORT_PRICE] > 0 ? "1" : "0"));
		for (int k = SEARCH_SORT_POPULAR; k < SEARCH_SORT__MAX; k++)
			doc.add_value(static_cast<Xapian::valueno>(k),
				sort_value(d->keys[k], d->id));
		writer->replace_document(static_cast<Xapian::docid>(d->id),
			doc);
		return 0;
	} catch (const Xapian::Error &e) {
		return fail("index", e);
	} catch (const std::bad_alloc &) {
		return DF_ENOMEM;
	}
}

extern "C" int search_writer_del(int64_t id)
{
	if (writer == nullptr || id <= 0 || id > UINT32_MAX)
		return DF_EINVAL;
	try {
		writer->delete_document(static_cast<Xapian::docid>(id));
		return 0;
	} catch (const Xapian::DocNotFoundError &) {
		return 0;
	} catch (const Xapian::Error &e) {
		return fail("delete", e);
	}
}

extern "C" int search_writer_ids(int64_t after, int64_t *ids, size_t max,
	size_t *n)
{
	*n = 0;
	if (writer == nullptr)
		return DF_EINVAL;
	try {
		Xapian::PostingIterator it = writer->postlist_begin("");

		if (after > 0)
			it.skip_to(static_cast<Xapian::docid>(after + 1));
		for (; it != writer->postlist_end("") && *n < max; ++it)
			ids[(*n)++] = *it;
		return 0;
	} catch (const Xapian::Error &e) {
		return fail("list", e);
	}
}

extern "C" int search_writer_commit(int64_t applied)
{
	char buf[24];

	if (writer == nullptr)
		return DF_EINVAL;
	std::snprintf(buf, sizeof(buf), "%" PRId64, applied);
	try {
		writer->set_metadata(APPLIED_KEY, buf);
		writer->commit();
		return 0;
	} catch (const Xapian::Error &e) {
		return fail("commit", e);
	} catch (const std::bad_alloc &) {
		return DF_ENOMEM;
	}
}

extern "C" void search_writer_close(void)
{
	if (writer == nullptr)
		return;
	// What was put and not committed is committed here by Xapian
	// without a new last change id: the next writer applies those
	// changes again, which changes nothing (put and del are idempotent).
	try {
		delete writer;
	} catch (...) {
	}
	writer = nullptr;
}
