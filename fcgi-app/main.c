/* devforge-fcgi: the FastCGI worker. Reads and checks its config, then
 * either serves requests itself (--workers 1, as under mod_fcgid) or
 * becomes a small supervisor that forks `workers` children sharing the
 * inherited listen socket and starts a new one whenever a child dies, so
 * a crash costs one request and never shrinks the pool. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcgiapp.h>
#include "api/api.h"
#include "arena.h"
#include "cache.h"
#include "clock.h"
#include "search.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "problem.h"
#include "router.h"
#include "shm.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.0.0"
#endif
#ifndef DF_SYSCONF_CONFIG
#define DF_SYSCONF_CONFIG "/etc/devforge/devforge.conf"
#endif

#define MAX_WORKERS 256
#define STOP_GRACE_S 10          /* SIGTERM to SIGKILL for children */
#define RESPAWN_FAST_S 2         /* a child dying sooner is "crashing" */
#define RESPAWN_BACKOFF_MAX_S 5

extern char **environ;

/* Signal handlers only set these; the loops act on them. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reopen_requested;

static struct config cfg;
static struct router router;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
	FCGX_ShutdownPending();
}

static void on_hup(int sig)
{
	(void)sig;
	reopen_requested = 1;
}

/* Without SA_RESTART, so a blocked accept() or waitpid() returns EINTR
 * and an idle process notices SIGTERM at once. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static long fcgx_read(void *ctx, char *buf, size_t len)
{
	int n = FCGX_GetStr(buf, len > 65536 ? 65536 : (int)len, ctx);

	if (n < 0 || FCGX_GetError(ctx) != 0)
		return -1;
	return n;
}

/* The answer as http_write_response hands it over: the header block and
 * the body, in the request's arena (or the response cache's buffer, valid
 * until this worker's next lookup), so kept by reference until sent. */
#define OUT_PIECES 4
struct out_pieces {
	const char *p[OUT_PIECES];
	size_t n[OUT_PIECES];
	size_t count;
};

static int collect_write(void *ctx, const char *buf, size_t len)
{
	struct out_pieces *o = ctx;

	if (o->count >= OUT_PIECES)
		return -1;
	o->p[o->count] = buf;
	o->n[o->count++] = len;
	return 0;
}

/* All of iov[0..cnt) to fd, whatever the kernel takes per call. */
static int writev_all(int fd, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t w = writev(fd, iov, cnt);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (cnt > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

#define FCGI_VERSION_1 1
#define FCGI_END_REQUEST 3
#define FCGI_STDOUT 6
/* Content per FCGI_STDOUT record: the protocol allows 65535; a multiple
 * of 8 keeps every record but the last aligned without padding. */
#define FCGI_RECORD_MAX 65528
/* iovecs per writev: room for a record's header and its two pieces. */
#define OUT_IOV 48

static void fcgi_header(unsigned char *h, int type, int id, size_t len)
{
	h[0] = FCGI_VERSION_1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)(id >> 8);
	h[3] = (unsigned char)id;
	h[4] = (unsigned char)(len >> 8);
	h[5] = (unsigned char)len;
	h[6] = 0;               /* no padding */
	h[7] = 0;
}

/* Sends the answer as FCGI_STDOUT records of up to 64 KiB, then the
 * stream's end and FCGI_END_REQUEST, in one writev for any answer of
 * up to about 900 KB (fourteen records). libfcgi's own stream copies
 * everything through an 8 KiB buffer and writes each time it fills: a
 * 22 KB cached list took four write()s and a copy. The out stream is
 * then marked closed (its public fields), so FCGX_Finish_r writes
 * nothing more and only drains the input and closes or keeps the
 * connection as before; a failed write is recorded as the stream's
 * error, so the connection is closed. */
static int fcgi_send(FCGX_Request *fr, struct arena *a,
	const struct out_pieces *o)
{
	struct iovec iov[OUT_IOV];
	unsigned char *hdr, *h, *tail;
	size_t total = 0, nrec, i, piece = 0, off = 0;
	int cnt = 0, rc = 0;

	for (i = 0; i < o->count; i++)
		total += o->n[i];
	nrec = (total + FCGI_RECORD_MAX - 1) / FCGI_RECORD_MAX;
	hdr = arena_alloc(a, 8 * nrec + 24);
	if (hdr == NULL) {
		rc = -1;
		errno = ENOMEM;
		goto out;
	}
	h = hdr;
	while (total > 0) {
		size_t rec = total < FCGI_RECORD_MAX ? total : FCGI_RECORD_MAX;

		if (cnt > OUT_IOV - 1 - OUT_PIECES) {
			if ((rc = writev_all(fr->ipcFd, iov, cnt)) != 0)
				goto out;
			cnt = 0;
		}
		fcgi_header(h, FCGI_STDOUT, fr->requestId, rec);
		iov[cnt].iov_base = h;
		iov[cnt++].iov_len = 8;
		h += 8;
		total -= rec;
		while (rec > 0) {
			size_t take = o->n[piece] - off;

			if (take > rec)
				take = rec;
			if (take > 0) {
				iov[cnt].iov_base = (char *)o->p[piece] + off;
				iov[cnt++].iov_len = take;
			}
			rec -= take;
			off += take;
			if (off == o->n[piece]) {
				piece++;
				off = 0;
			}
		}
	}
	/* The stream's end (an empty record), then the request's. */
	tail = h;
	fcgi_header(tail, FCGI_STDOUT, fr->requestId, 0);
	fcgi_header(tail + 8, FCGI_END_REQUEST, fr->requestId, 8);
	memset(tail + 16, 0, 8); /* appStatus 0, FCGI_REQUEST_COMPLETE */
	iov[cnt].iov_base = tail;
	iov[cnt++].iov_len = 24;
	rc = writev_all(fr->ipcFd, iov, cnt);
out:
	fr->out->wasFCloseCalled = 1;
	fr->out->isClosed = 1;
	if (rc != 0 && fr->out->FCGI_errno == 0)
		fr->out->FCGI_errno = errno != 0 ? errno : EIO;
	return rc;
}

/* One request, start to end; its memory is released by the caller's
 * arena_reset before the next one. */
/* This worker's slot in the segment's worker table (-1: none). */
static int worker_slot = -1;

static void handle(FCGX_Request *fr, struct arena *a)
{
	struct request req;
	struct out_pieces out = { .count = 0 };
	const char *why = NULL;
	int status;
	uint64_t dur_us;

	http_request_init(&req, a, fr->envp);
	req.cfg = &cfg;
	req.router = &router;
	router.read_ctx = fr->in;
	status = http_parse(&req, &cfg.limits, &why);
	if (status != 0)
		problem_send(&req, status, NULL, why);
	else
		router_dispatch(&router, &req);
	if (http_write_response(&req, collect_write, &out) != 0 ||
	    fcgi_send(fr, a, &out) != 0)
		log_req_msg(&req, LOG_INFO, "client went away before the answer");
	dur_us = (http_now_ns() - req.t_start_ns) / 1000;
	metrics_observe_request(router_route_index(&router, req.route),
		req.method, req.resp.status, dur_us);
	log_access(&req, req.route ? req.route->pattern : NULL);
}

/* Each login's scrypt takes a 16 MiB buffer (N 2^14, r 8). By default
 * glibc mmaps the first one, and its free raises the dynamic mmap
 * threshold to 16 MiB and the trim threshold to 32 MiB: every later one
 * comes from the heap and stays there, so a worker that served one login
 * kept 17 MB private for good. Fixed thresholds end the adjustment: a
 * block of 1 MiB or more is mmapped and unmapped at free (the next login
 * faults its buffer in again, a small share of scrypt's own time), and
 * more than 2 MiB free at the top of the heap goes back too, while the
 * arena's larger answer chunks (lists, a few hundred KB) still reuse heap
 * memory without a syscall each request. */
static void worker_malloc_policy(void)
{
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
	if (mallopt(M_MMAP_THRESHOLD, 1024 * 1024) != 1 ||
	    mallopt(M_TRIM_THRESHOLD, 2 * 1024 * 1024) != 1)
		log_msg(LOG_WARN, "malloc thresholds not set; a login's "
			"scrypt buffer may stay in the worker");
#endif
}

static int worker_run(int listen_fd)
{
	FCGX_Request fr;
	struct arena *a;

	install_signals();
	shm_count(SHM_C_WORKER_STARTS, 1);
	worker_slot = shm_worker_register((uint64_t)getpid(),
		(uint64_t)time(NULL));
	worker_malloc_policy();
	a = arena_new(16384);
	if (a == NULL || FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		log_msg(LOG_ERROR, "worker cannot allocate its request state");
		return 1;
	}
	if (search_set_dir(cfg.search_index_dir) != 0)
		log_msg(LOG_WARN, "no search index directory; searches fail");
	/* Connect now so the first request does not pay for it; a database
	 * that is down is retried by the first request that needs it. */
	if (db_connect() != 0)
		log_msg(LOG_WARN, "database not reachable at worker start");
	log_msg(LOG_INFO, "worker ready");
	while (!stop_requested) {
		/* Queued download counts are written at most every
		 * downloads_flush_seconds by one worker of the host. A worker
		 * that knows some are pending waits for its next connection
		 * with that timeout rather than blocking in accept: the last
		 * worker to serve a request always gets here, so an idle pool
		 * still writes them within the interval. A kept-alive
		 * connection (fr.ipcFd open) is read by FCGX_Accept_r itself. */
		int wait_ms;

		/* A failed write keeps the counts queued for the next
		 * one; the store has logged why. */
		int kb_wait_ms;

		if (api_dl_tick(a, cfg.downloads_flush_seconds, &wait_ms) != 0)
			log_msg(LOG_WARN, "downloads: flush failed, retried "
				"in %u s", cfg.downloads_flush_seconds);
		/* Knowledge-base views: the same interval, the same rule. */
		if (api_kb_tick(a, cfg.downloads_flush_seconds, &kb_wait_ms) != 0)
			log_msg(LOG_WARN, "kb views: flush failed, retried "
				"in %u s", cfg.downloads_flush_seconds);
		if (kb_wait_ms >= 0 && (wait_ms < 0 || kb_wait_ms < wait_ms))
			wait_ms = kb_wait_ms;
		arena_reset(a);
		if (wait_ms >= 0 && fr.ipcFd < 0) {
			struct pollfd p = { .fd = listen_fd, .events = POLLIN };

			if (poll(&p, 1, wait_ms) <= 0)
				continue; /* timeout, or a signal: look again */
		}
		if (FCGX_Accept_r(&fr) < 0)
			break;
		/* Busy from the accepted request to its answer sent: the
		 * devforge_workers{state} gauges read these flags. */
		shm_worker_busy(worker_slot, 1);
		handle(&fr, a);
		FCGX_Finish_r(&fr);
		shm_worker_busy(worker_slot, 0);
		arena_reset(a);
		if (reopen_requested) {
			reopen_requested = 0;
			if (log_reopen() != 0)
				log_msg(LOG_ERROR, "log: reopen failed: %s",
					strerror(errno));
		}
	}
	/* A clean stop loses no count: write everything still queued (other
	 * workers stopping at the same time share the work). */
	if (api_dl_flush(a, 1) != 0)
		log_msg(LOG_ERROR, "download counts still queued at stop: %llu",
			(unsigned long long)shm_dl_pending());
	if (api_kb_flush(a, 1) != 0)
		log_msg(LOG_ERROR, "kb views still queued at stop: %llu",
			(unsigned long long)shm_kb_views_pending());
	FCGX_Free(&fr, 0);
	arena_free(a);
	cache_free();
	db_close();
	shm_worker_unregister(worker_slot);
	log_msg(LOG_INFO, "worker stopped");
	return 0;
}

static pid_t spawn_worker(int listen_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* A child must not outlive its supervisor. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(0);
		_exit(worker_run(listen_fd));
	}
	if (pid < 0)
		log_msg(LOG_ERROR, "fork failed: %s", strerror(errno));
	return pid;
}

static void sleep_unless_stopped(unsigned seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };

	while (!stop_requested && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int supervise(int listen_fd, unsigned n)
{
	pid_t pids[MAX_WORKERS];
	time_t started[MAX_WORKERS];
	unsigned backoff = 0;

	install_signals();
	for (unsigned i = 0; i < n; i++) {
		pids[i] = spawn_worker(listen_fd);
		started[i] = time(NULL);
	}
	log_msg(LOG_INFO, "supervisor started %u workers", n);

	while (!stop_requested) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);

		if (reopen_requested) {
			reopen_requested = 0;
			if (log_reopen() != 0)
				log_msg(LOG_ERROR, "log: reopen failed: %s",
					strerror(errno));
			for (unsigned i = 0; i < n; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGHUP);
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD) {
				/* fork failed for every slot: retry them all */
				sleep_unless_stopped(1);
				for (unsigned i = 0; i < n && !stop_requested; i++)
					if (pids[i] <= 0)
						pids[i] = spawn_worker(listen_fd);
				continue;
			}
			break;
		}
		for (unsigned i = 0; i < n; i++) {
			if (pids[i] != pid)
				continue;
			if (WIFSIGNALED(st))
				log_msg(LOG_ERROR, "worker %d killed by signal %d",
					(int)pid, WTERMSIG(st));
			else
				log_msg(LOG_WARN, "worker %d exited with %d",
					(int)pid, WEXITSTATUS(st));
			if (stop_requested)
				break;
			/* A child that keeps dying at start (bad database
			 * grant, broken file) must not spin the CPU. */
			if (time(NULL) - started[i] < RESPAWN_FAST_S) {
				backoff = backoff ? backoff * 2 : 1;
				if (backoff > RESPAWN_BACKOFF_MAX_S)
					backoff = RESPAWN_BACKOFF_MAX_S;
				sleep_unless_stopped(backoff);
			} else {
				backoff = 0;
			}
			if (stop_requested)
				break;
			shm_count(SHM_C_WORKER_RESTARTS, 1);
			pids[i] = spawn_worker(listen_fd);
			started[i] = time(NULL);
			break;
		}
	}

	/* Shutdown: ask every child to finish its request, then insist. */
	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (int waited = 0; waited < STOP_GRACE_S * 10; waited++) {
		unsigned alive = 0;
		for (unsigned i = 0; i < n; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], NULL, WNOHANG) == pids[i])
				pids[i] = 0;
			else
				alive++;
		}
		if (alive == 0)
			break;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0) {
			log_msg(LOG_WARN, "worker %d did not stop; killing it",
				(int)pids[i]);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	log_msg(LOG_INFO, "supervisor stopped");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: devforge-fcgi [-c CONFIG] [--workers N] [--socket PATH|:PORT]\n"
		"  -c, --config FILE   configuration (default %s)\n"
		"  -w, --workers N     worker processes (overrides the config;\n"
		"                      1 = serve in this process, no supervisor)\n"
		"  -s, --socket ADDR   listen here instead of the FastCGI socket\n"
		"                      inherited on fd 0 (spawn-fcgi, mod_fcgid)\n"
		"  -V, --version       print the version\n", DF_SYSCONF_CONFIG);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "workers", required_argument, NULL, 'w' },
		{ "socket", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf_path = DF_SYSCONF_CONFIG, *sock = NULL;
	long workers = 0;
	char err[512];
	int c, listen_fd = 0, rc;

	while ((c = getopt_long(argc, argv, "c:w:s:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf_path = optarg; break;
		case 's': sock = optarg; break;
		case 'w': {
			char *end;
			errno = 0;
			workers = strtol(optarg, &end, 10);
			if (errno || *end || workers < 1 || workers > MAX_WORKERS) {
				fprintf(stderr, "devforge-fcgi: --workers takes 1-%d\n",
					MAX_WORKERS);
				return 2;
			}
			break;
		}
		case 'V': printf("devforge-fcgi %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	if (config_load(&cfg, conf_path, environ, err, sizeof(err)) != 0) {
		fprintf(stderr, "devforge-fcgi: %s\n", err);
		return 1;
	}
	if (workers == 0)
		workers = cfg.workers;
	if (log_open(cfg.log_file, cfg.log_level) != 0) {
		fprintf(stderr, "devforge-fcgi: cannot open log_file %s\n",
			cfg.log_file);
		return 1;
	}
	if (FCGX_Init() != 0) {
		log_msg(LOG_ERROR, "FCGX_Init failed");
		return 1;
	}
	if (sock != NULL) {
		listen_fd = FCGX_OpenSocket(sock, 128);
		if (listen_fd < 0) {
			log_msg(LOG_ERROR, "cannot listen on %s", sock);
			return 1;
		}
	} else {
		struct stat st;
		if (fstat(0, &st) != 0 || !S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "devforge-fcgi: fd 0 is not a FastCGI "
				"socket; start it with spawn-fcgi or a FastCGI "
				"server, or give --socket\n");
			return 1;
		}
	}

	router.cfg = &cfg;
	router.tables = api_tables;
	router.ntables = api_ntables;
	router.hooks.authenticate = api_authenticate;
	router.read_body = fcgx_read;
	if (router_init(&router) != 0) {
		log_msg(LOG_ERROR, "route tables are inconsistent");
		return 1;
	}
	/* Before api_init: everything licensing decides reads clock_now(). */
	clock_set_offset(cfg.clock_offset_seconds);
	if (cfg.clock_offset_seconds != 0)
		log_msg(LOG_WARN, "the licensing clock is moved by %lld s "
			"(clock_offset_seconds, for tests)",
			(long long)cfg.clock_offset_seconds);
	if (api_init(&cfg) != 0)
		return 1;
	if (db_init(&cfg) != 0) {
		log_msg(LOG_ERROR, "database setup failed");
		return 1;
	}
	/* The workers' bound on one statement (devforgectl has none). */
	db_set_statement_bound(cfg.db_statement_timeout_ms);
	/* Mapped before fork: every child shares this one segment. */
	if (shm_attach(cfg.shm_name, &shm_current) != 0)
		log_msg(LOG_WARN, "no shared segment %s: rate limits and "
			"metrics are per process", cfg.shm_name);
	if (shm_current != NULL) {
		/* What the metrics and GET /admin/system report as the
		 * pool's size and start. */
		__atomic_store_n(&shm_current->workers_configured,
			(uint64_t)workers, __ATOMIC_RELAXED);
		__atomic_store_n(&shm_current->pool_started_unix,
			(uint64_t)time(NULL), __ATOMIC_RELAXED);
	}

	/* Before fork, like the segment: one cache for the whole pool, and
	 * workers forked later (restarts) map the same one. */
	if (cache_init(cfg.cache_max_entries, cfg.cache_max_bytes) != 0)
		log_msg(LOG_WARN, "no memory for the response cache; "
			"serving without it");
	else if (cache_max_answer() > 0)
		log_msg(LOG_INFO, "response cache: %zu bytes shared by the "
			"pool, answers up to %zu bytes", cfg.cache_max_bytes,
			cache_max_answer());

	log_msg(LOG_INFO, "devforge-fcgi %s starting, %ld worker(s), %s mode",
		PACKAGE_VERSION, workers,
		cfg.mode == CONFIG_PRODUCTION ? "production" : "development");
	if (workers == 1)
		rc = worker_run(listen_fd);
	else
		rc = supervise(listen_fd, (unsigned)workers);

	if (shm_current != NULL) {
		shm_detach(shm_current);
		/* The supervisor owns the pool: a clean stop leaves no
		 * segment behind. Single workers (mod_fcgid) share theirs
		 * with siblings and leave it. */
		if (workers > 1 && shm_unlink_name(cfg.shm_name) != 0)
			log_msg(LOG_WARN, "shared segment %s left behind",
				cfg.shm_name);
	}
	shm_current = NULL;
	cache_free();
	config_free(&cfg);
	log_close();
	return rc;
}
