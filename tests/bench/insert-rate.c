/* The single-row autocommit INSERT rate of a MariaDB server: N threads,
 * one connection each, insert one row per statement (a prepared INSERT,
 * autocommit on, so every row is its own transaction and its own commit)
 * into a table shaped like payment_events, for a given time. The
 * baseline tests/bench/webhook.sh compares POST /payments/webhook with:
 * a webhook event can be no cheaper than the one row it records. Not a
 * test: it only measures.
 * Usage: insert-rate -S socket -u user -P password-file -D database
 *        -T table [-c connections] [-t seconds]
 * Prints one line: "rows=N seconds=S rows_per_s=R p50_ms=A p99_ms=B". */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <mysql.h>

/* Latencies kept per thread for the percentiles; beyond this the count
 * still grows but no more samples are kept (a rate this high has its
 * percentiles well settled by then). */
#define SAMPLES_MAX 200000

struct worker {
	pthread_t th;
	int index;
	long rows;
	double *lat_ms;
	size_t nlat;
	int failed;
};

static const char *sock, *user, *db, *table;
static char password[256];
static double deadline;
static unsigned run_id;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	MYSQL *m = mysql_init(NULL);
	MYSQL_STMT *st = NULL;
	MYSQL_BIND b[5];
	char sql[512], event_id[64], pref[64];
	unsigned long event_len, pref_len;
	long long order_id, amount, created;

	if (m == NULL ||
	    mysql_real_connect(m, NULL, user, password, db, 0, sock, 0) == NULL) {
		fprintf(stderr, "insert-rate: connect: %s\n",
			m != NULL ? mysql_error(m) : "out of memory");
		w->failed = 1;
		goto out;
	}
	/* The workers' rows: the same columns, a new unique event id per
	 * row, the server's clock for received_at. */
	snprintf(sql, sizeof(sql), "INSERT INTO `%s` (event_id, type, kind,"
		" order_id, payment_ref, ref, amount, currency, event_created,"
		" received_at) VALUES (?, 'checkout.session.completed', 'paid',"
		" ?, ?, NULL, ?, 'USD', FROM_UNIXTIME(?), UTC_TIMESTAMP(6))",
		table);
	st = mysql_stmt_init(m);
	if (st == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		fprintf(stderr, "insert-rate: prepare: %s\n", mysql_error(m));
		w->failed = 1;
		goto out;
	}
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = event_id;
	b[0].length = &event_len;
	b[1].buffer_type = MYSQL_TYPE_LONGLONG;
	b[1].buffer = &order_id;
	b[2].buffer_type = MYSQL_TYPE_STRING;
	b[2].buffer = pref;
	b[2].length = &pref_len;
	b[3].buffer_type = MYSQL_TYPE_LONGLONG;
	b[3].buffer = &amount;
	b[4].buffer_type = MYSQL_TYPE_LONGLONG;
	b[4].buffer = &created;
	amount = 1999;
	while (now_s() < deadline) {
		double t0 = now_s();

		event_len = (unsigned long)snprintf(event_id, sizeof(event_id),
			"evt_bench_%08x_%03d_%ld", run_id, w->index, w->rows);
		pref_len = (unsigned long)snprintf(pref, sizeof(pref),
			"pi_bench_%08x_%03d_%ld", run_id, w->index, w->rows);
		order_id = w->rows + 1;
		created = (long long)time(NULL);
		if (mysql_stmt_bind_param(st, b) != 0 ||
		    mysql_stmt_execute(st) != 0) {
			fprintf(stderr, "insert-rate: insert: %s\n",
				mysql_stmt_error(st));
			w->failed = 1;
			goto out;
		}
		if (w->nlat < SAMPLES_MAX)
			w->lat_ms[w->nlat++] = (now_s() - t0) * 1000.0;
		w->rows++;
	}
out:
	if (st != NULL)
		mysql_stmt_close(st);
	if (m != NULL)
		mysql_close(m);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr, "usage: insert-rate -S socket -u user -P password-file"
		" -D database -T table [-c connections] [-t seconds]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *pwfile = NULL;
	struct worker *w;
	double *all, start, elapsed;
	long conns = 64, secs = 10, rows = 0, i;
	size_t n = 0, k;
	FILE *f;
	int opt;

	while ((opt = getopt(argc, argv, "S:u:P:D:T:c:t:")) != -1) {
		switch (opt) {
		case 'S': sock = optarg; break;
		case 'u': user = optarg; break;
		case 'P': pwfile = optarg; break;
		case 'D': db = optarg; break;
		case 'T': table = optarg; break;
		case 'c': conns = strtol(optarg, NULL, 10); break;
		case 't': secs = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (sock == NULL || user == NULL || pwfile == NULL || db == NULL ||
	    table == NULL || conns < 1 || conns > 1000 || secs < 1 ||
	    strchr(table, '`') != NULL)
		usage();
	f = fopen(pwfile, "r");
	if (f == NULL || fgets(password, sizeof(password), f) == NULL) {
		fprintf(stderr, "insert-rate: %s: %s\n", pwfile,
			f == NULL ? strerror(errno) : "empty");
		return 1;
	}
	fclose(f);
	password[strcspn(password, "\r\n")] = '\0';
	if (mysql_library_init(0, NULL, NULL) != 0)
		return 1;
	w = calloc((size_t)conns, sizeof(*w));
	if (w == NULL)
		return 1;
	run_id = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
	start = now_s();
	deadline = start + (double)secs;
	for (i = 0; i < conns; i++) {
		w[i].index = (int)i;
		w[i].lat_ms = malloc(SAMPLES_MAX * sizeof(double));
		if (w[i].lat_ms == NULL ||
		    pthread_create(&w[i].th, NULL, work, &w[i]) != 0)
			return 1;
	}
	for (i = 0; i < conns; i++) {
		pthread_join(w[i].th, NULL);
		if (w[i].failed)
			return 1;
		rows += w[i].rows;
		n += w[i].nlat;
	}
	elapsed = now_s() - start;
	all = malloc((n + 1) * sizeof(double));
	if (all == NULL)
		return 1;
	for (i = 0, k = 0; i < conns; i++) {
		memcpy(all + k, w[i].lat_ms, w[i].nlat * sizeof(double));
		k += w[i].nlat;
		free(w[i].lat_ms);
	}
	qsort(all, n, sizeof(double), cmp_double);
	printf("rows=%ld seconds=%.2f rows_per_s=%.2f p50_ms=%.2f p99_ms=%.2f\n",
		rows, elapsed, (double)rows / elapsed,
		n ? all[n / 2] : 0.0, n ? all[(size_t)((double)n * 0.99)] : 0.0);
	free(all);
	free(w);
	mysql_library_end();
	return 0;
}
