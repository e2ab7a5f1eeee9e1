/* devforgectl demo-catalogue. The words are made here: a vocabulary of
 * programming and editor words (the common ones first, then compounds of
 * them as extension names are made, "gitlens", "pyformat"), drawn with a
 * Zipf distribution (the word of rank r about as often as 1/r), so a
 * search meets the mix of very common and rare words a real catalogue
 * has. The numbers (downloads Zipf over the extensions, most extensions
 * free, ratings mostly good) are made here too; the rows that hang off
 * the extensions are made in the database (store/catalogue.c). The
 * generator is seeded splitmix64: one seed, one catalogue. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "password.h"
#include "ctl_catalogue.h"
#include "ctl_search.h"
#include "store/catalogue.h"

enum { EXIT_OK = 0, EXIT_ERROR = 1 };

/* The password every generated account shares (hashed once, with the
 * configured cost, so logins of generated users cost what real ones do). */
#define CAT_PASSWORD "demo-password-2026"
/* Downloads over the whole catalogue at 60,000 extensions; scaled with
 * the size. */
#define CAT_DOWNLOADS_AT_60K 10000000.0
/* The longest one statement of the generation may take (seconds). */
#define CAT_STATEMENT_TIMEOUT_S 1800
/* Extensions staged per batch (the program's memory stays small). */
#define CAT_BATCH 2000

/* Most common first: the rank is the order. */
static const char *const base_words[] = {
	"code", "support", "language", "editor", "file", "files", "for", "with",
	"and", "theme", "dark", "light", "git", "python", "javascript",
	"typescript", "format", "formatter", "lint", "linter", "debug",
	"debugger", "snippets", "test", "tests", "run", "project", "syntax",
	"highlighting", "completion", "preview", "markdown", "json", "yaml",
	"docker", "rust", "java", "go", "golang", "c", "cpp", "csharp", "php",
	"ruby", "kotlin", "swift", "scala", "haskell", "elixir", "erlang",
	"clojure", "lua", "perl", "dart", "flutter", "react", "vue", "angular",
	"svelte", "node", "deno", "html", "css", "sass", "less", "tailwind",
	"sql", "mysql", "postgres", "mariadb", "sqlite", "mongodb", "redis",
	"graphql", "rest", "api", "http", "client", "server", "remote", "ssh",
	"container", "containers", "kubernetes", "helm", "terraform", "ansible",
	"cloud", "aws", "azure", "gcp", "deploy", "build", "tasks", "task",
	"terminal", "shell", "bash", "zsh", "powershell", "vim", "emacs",
	"keymap", "keybindings", "bindings", "icons", "icon", "pack", "color",
	"colors", "colour", "palette", "contrast", "solarized", "monokai",
	"dracula", "nord", "gruvbox", "material", "minimal", "clean", "modern",
	"retro", "pastel", "high", "fast", "simple", "smart", "auto", "tools",
	"toolkit", "utilities", "utils", "helper", "helpers", "manager",
	"explorer", "viewer", "view", "panel", "sidebar", "status", "bar",
	"workspace", "folder", "tree", "search", "replace", "find", "regex",
	"refactor", "refactoring", "rename", "navigation", "outline", "symbols",
	"definition", "references", "hover", "inlay", "hints", "diagnostics",
	"errors", "warnings", "problems", "quick", "fix", "fixes", "actions",
	"commands", "palette", "history", "blame", "diff", "merge", "conflicts",
	"commit", "messages", "branch", "branches", "rebase", "stash", "github",
	"gitlab", "bitbucket", "pull", "requests", "issues", "review", "reviews",
	"coverage", "unit", "integration", "jest", "mocha", "pytest", "junit",
	"runner", "explorer", "benchmark", "profiler", "profile", "memory",
	"performance", "trace", "logs", "log", "logging", "monitor", "metrics",
	"notebook", "notebooks", "jupyter", "data", "science", "pandas", "numpy",
	"plot", "charts", "csv", "excel", "table", "tables", "database",
	"query", "queries", "schema", "migration", "migrations", "orm", "ai",
	"assistant", "chat", "copilot", "generation", "generate", "generator",
	"model", "models", "prompt", "llm", "machine", "learning", "neural",
	"tensor", "pytorch", "tensorflow", "cuda", "gpu", "embedded", "arduino",
	"firmware", "microcontroller", "serial", "port", "device", "hardware",
	"verilog", "vhdl", "assembly", "wasm", "webassembly", "zig", "nim",
	"ocaml", "fsharp", "julia", "matlab", "fortran", "cobol", "pascal",
	"prolog", "lisp", "scheme", "racket", "elm", "purescript", "reason",
	"crystal", "groovy", "gradle", "maven", "cmake", "make", "makefile",
	"bazel", "ninja", "meson", "cargo", "npm", "yarn", "pnpm", "pip",
	"poetry", "conda", "virtualenv", "environment", "env", "dotenv",
	"config", "configuration", "settings", "sync", "backup", "cloud",
	"storage", "upload", "download", "ftp", "sftp", "s3", "bucket",
	"xml", "toml", "ini", "properties", "protobuf", "grpc", "thrift",
	"openapi", "swagger", "postman", "graph", "diagram", "diagrams",
	"uml", "mermaid", "plantuml", "drawio", "svg", "image", "images",
	"pdf", "latex", "tex", "bibtex", "writing", "spell", "checker",
	"spelling", "grammar", "prose", "docs", "documentation", "comments",
	"comment", "todo", "todos", "bookmarks", "notes", "note", "journal",
	"calendar", "time", "tracking", "tracker", "pomodoro", "focus", "zen",
	"mode", "layout", "window", "tabs", "tab", "split", "editor", "cursor",
	"cursors", "multi", "selection", "select", "expand", "fold", "folding",
	"indent", "indentation", "whitespace", "trailing", "spaces", "brackets",
	"bracket", "pair", "colorizer", "rainbow", "guides", "minimap",
	"scroll", "smooth", "animation", "font", "fonts", "ligatures",
	"emoji", "unicode", "encoding", "line", "endings", "sort", "lines",
	"case", "convert", "converter", "transform", "encode", "decode",
	"base64", "hash", "uuid", "random", "lorem", "ipsum", "placeholder",
	"template", "templates", "boilerplate", "scaffold", "starter", "kit",
	"framework", "library", "component", "components", "storybook",
	"webpack", "vite", "rollup", "esbuild", "babel", "eslint", "prettier",
	"stylelint", "black", "flake8", "mypy", "pylint", "ruff", "rustfmt",
	"clippy", "gofmt", "clang", "tidy", "cppcheck", "shellcheck",
	"hadolint", "yamllint", "markdownlint", "security", "vulnerability",
	"scanner", "secrets", "audit", "license", "licenses", "dependency",
	"dependencies", "update", "updates", "version", "versions", "release",
	"changelog", "semantic", "conventional", "hooks", "husky", "pipeline",
	"pipelines", "ci", "cd", "actions", "jenkins", "workflow", "workflows",
	"automation", "bot", "slack", "discord", "teams", "share", "live",
	"collaboration", "pair", "programming", "session", "sessions",
	"server", "localhost", "proxy", "tunnel", "network", "dns", "ssl",
	"certificate", "certificates", "nginx", "apache", "lighttpd", "caddy",
	"systemd", "linux", "windows", "macos", "wsl", "vm", "vagrant",
	"podman", "compose", "swarm", "istio", "prometheus", "grafana",
	"elastic", "kibana", "kafka", "rabbitmq", "queue", "events", "stream",
	"streaming", "realtime", "websocket", "socket", "sockets", "async",
	"await", "promise", "threads", "concurrency", "parallel", "worker",
	"workers", "lambda", "functions", "serverless", "edge", "cdn", "cache",
	"caching", "state", "store", "redux", "mobx", "hooks", "router",
	"routing", "forms", "validation", "i18n", "translation", "translate",
	"locale", "accessibility", "a11y", "screen", "reader", "voice", "speech",
	"game", "games", "unity", "godot", "unreal", "shader", "shaders",
	"glsl", "hlsl", "opengl", "vulkan", "graphics", "3d", "physics",
	"audio", "music", "midi", "video", "camera", "robotics", "ros",
	"blockchain", "solidity", "ethereum", "smart", "contracts", "crypto",
	"finance", "trading", "quantum", "bioinformatics", "chemistry", "math",
	"calculator", "units", "science", "research", "education", "learn",
	"tutorial", "interactive", "playground", "sandbox", "repl", "console",
	"output", "input", "keyboard", "mouse", "touch", "bar", "statusbar",
	"toolbar", "menu", "context", "explorer", "open", "recent", "favorites",
	"pinned", "sessions", "restore", "save", "autosave", "format",
	"pretty", "beautify", "minify", "compress", "archive", "zip",
};

/* Parts of compound words: "git" + "lens" = "gitlens". */
static const char *const heads[] = {
	"git", "py", "js", "ts", "go", "rust", "code", "dev", "doc", "data",
	"web", "net", "cloud", "dock", "kube", "test", "lint", "fmt", "snip",
	"vim", "term", "shell", "json", "yaml", "sql", "api", "log", "auto",
	"smart", "quick", "hyper", "super", "micro", "nano", "meta", "poly",
	"open", "easy", "live", "deep", "tiny", "swift", "clear", "bright",
	"night", "moon", "sun", "star", "ocean", "forest", "fire", "ice",
	"neo", "zen", "flux", "nova", "pixel", "byte", "bit", "stack",
};
static const char *const tails[] = {
	"lens", "lint", "fmt", "kit", "tools", "hub", "lab", "box", "flow",
	"craft", "forge", "smith", "scope", "view", "sense", "mate", "pilot",
	"buddy", "helper", "runner", "check", "guard", "watch", "sync", "link",
	"bridge", "path", "map", "trace", "spark", "wave", "light", "dark",
	"glow", "shade", "ink", "pad", "board", "deck", "dash", "line",
	"point", "base", "core", "plus", "pro", "ify", "er", "ly", "io",
};

/* The vocabulary in rank order, without repeats. */
static const char **vocab;
static size_t nvocab;

static int vocab_has(const char *w)
{
	size_t i;

	for (i = 0; i < nvocab; i++)
		if (strcmp(vocab[i], w) == 0)
			return 1;
	return 0;
}

static int vocab_build(void)
{
	size_t nb = sizeof(base_words) / sizeof(*base_words);
	size_t nh = sizeof(heads) / sizeof(*heads);
	size_t nt = sizeof(tails) / sizeof(*tails);
	size_t i, j;

	vocab = calloc(nb + nh * nt, sizeof(*vocab));
	if (vocab == NULL)
		return -1;
	/* MariaDB's full-text index skips words under three characters. */
	for (i = 0; i < nb; i++)
		if (strlen(base_words[i]) >= 3 && !vocab_has(base_words[i]))
			vocab[nvocab++] = base_words[i];
	/* Compounds after the plain words, interleaved so no head owns a
	 * band of ranks. */
	for (j = 0; j < nt; j++) {
		for (i = 0; i < nh; i++) {
			char w[64], *s;

			snprintf(w, sizeof(w), "%s%s", heads[(i + j) % nh], tails[j]);
			if (vocab_has(w))
				continue;
			s = strdup(w);
			if (s == NULL)
				return -1;
			vocab[nvocab++] = s;
		}
	}
	return 0;
}

/* Tags: a marketplace's tag vocabulary is short and even more skewed. */
static const char *const tag_words[] = {
	"javascript", "python", "typescript", "theme", "git", "linter",
	"formatter", "snippets", "debugger", "dark", "java", "rust", "go",
	"markdown", "docker", "testing", "json", "react", "php", "csharp",
	"cpp", "light", "icons", "yaml", "kubernetes", "sql", "vue", "ruby",
	"html", "css", "keymap", "vim", "emacs", "ai", "jupyter", "notebook",
	"shell", "terraform", "ansible", "aws", "azure", "kotlin", "swift",
	"scala", "haskell", "elixir", "lua", "dart", "flutter", "angular",
	"svelte", "node", "deno", "graphql", "rest", "http", "ssh", "remote",
	"coverage", "performance", "security", "documentation", "latex",
	"spelling", "productivity", "collaboration", "education", "data",
	"visualization", "database", "cloud", "devops", "ci", "embedded",
	"arduino", "wasm", "zig", "ocaml", "julia", "clojure",
};

/* Category weights (ids 1..12 of the seeded categories): languages and
 * themes dominate, as on every extension marketplace. */
static const int category_weight[12] = { 22, 18, 5, 8, 6, 8, 6, 6, 5, 6, 3, 7 };

static const char *const licenses[] = {
	"MIT", "MIT", "MIT", "MIT", "MIT", "Apache-2.0", "Apache-2.0",
	"GPL-3.0-only", "BSD-3-Clause", "MPL-2.0",
};
static const int64_t prices[] = { 99, 199, 299, 499, 999, 1499, 2999 };

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng01(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

static int64_t rng_below(int64_t n)
{
	return (int64_t)(rng() % (uint64_t)n);
}

/* A rank in [0, n) with P(r) about 1/(r+1): log-uniform. */
static size_t zipf(size_t n)
{
	size_t r = (size_t)floor(exp(rng01() * log((double)n + 1.0))) - 1;

	return r < n ? r : n - 1;
}

static const char *word(void)
{
	return vocab[zipf(nvocab)];
}

/* Appends words to buf (at most cap bytes, NUL included) as a sentence:
 * first letter upper case, a full stop at the end. Stops early rather
 * than cut a word. */
static void sentence(char *buf, size_t cap, int nwords)
{
	size_t len = strlen(buf), start;
	int i;

	if (len > 0 && len + 1 < cap)
		buf[len++] = ' ';
	buf[len] = '\0';
	start = len;
	for (i = 0; i < nwords; i++) {
		const char *w = word();
		size_t wl = strlen(w);

		if (len + wl + 3 > cap)
			break;
		if (i > 0)
			buf[len++] = ' ';
		memcpy(buf + len, w, wl);
		len += wl;
		buf[len] = '\0';
	}
	if (len > start) {
		if (buf[start] >= 'a' && buf[start] <= 'z')
			buf[start] = (char)(buf[start] - 'a' + 'A');
		buf[len++] = '.';
		buf[len] = '\0';
	} else if (start > 0) {
		buf[start - 1] = '\0';
	}
}

/* One extension's words and numbers. Strings live in slot (one per row
 * of a batch). */
struct slot {
	char slug[64], name[100], summary[200], description[1200], tags[400];
	char w1[48], w2[48];
};

static void make_ext(struct store_cat_ext *e, struct slot *s, int64_t n,
	const struct ctl_catalogue_opts *o, int64_t developers, double top,
	int64_t stride)
{
	size_t ntags, i, k;
	const char *chosen[5];
	int c, sum = 0, pick;

	snprintf(s->w1, sizeof(s->w1), "%s", word());
	do
		snprintf(s->w2, sizeof(s->w2), "%s", word());
	while (strcmp(s->w1, s->w2) == 0);
	snprintf(s->slug, sizeof(s->slug), "gen-%s-%s-%lld", s->w1, s->w2,
		(long long)n);
	snprintf(s->name, sizeof(s->name), "%c%s %c%s",
		s->w1[0] - ('a' <= s->w1[0] && s->w1[0] <= 'z' ? 32 : 0), s->w1 + 1,
		s->w2[0] - ('a' <= s->w2[0] && s->w2[0] <= 'z' ? 32 : 0), s->w2 + 1);
	s->summary[0] = '\0';
	sentence(s->summary, sizeof(s->summary), 6 + (int)rng_below(9));
	s->description[0] = '\0';
	for (i = 0, k = 2 + (size_t)rng_below(4); i < k; i++)
		sentence(s->description, sizeof(s->description),
			8 + (int)rng_below(12));
	ntags = 1 + (size_t)rng_below(5);
	s->tags[0] = '\0';
	for (i = 0, k = 0; i < ntags; i++) {
		size_t nt = sizeof(tag_words) / sizeof(*tag_words), j;
		const char *t = tag_words[zipf(nt)];

		for (j = 0; j < k && strcmp(chosen[j], t) != 0; j++)
			;
		if (j < k)
			continue;
		chosen[k++] = t;
		if (s->tags[0] != '\0')
			strcat(s->tags, " ");
		strcat(s->tags, t);
	}
	for (c = 0; c < 12; c++)
		sum += category_weight[c];
	pick = (int)rng_below(sum);
	for (c = 0; c < 11 && pick >= category_weight[c]; c++)
		pick -= category_weight[c];

	e->n = n;
	e->slug = s->slug;
	e->name = s->name;
	e->summary = s->summary;
	e->description = s->description;
	e->tags_text = s->tags;
	e->category_id = c + 1;
	e->price_amount = rng_below(100) < 85 ? 0 :
		prices[rng_below(sizeof(prices) / sizeof(*prices))];
	e->license = licenses[rng_below(sizeof(licenses) / sizeof(*licenses))];
	/* About one developer per six extensions, some with many: the first
	 * extensions give every developer one, the rest go Zipf-wise. */
	e->owner = n <= developers ? n :
		1 + (int64_t)zipf((size_t)developers) * 7 % developers;
	/* Zipf over the extensions, in an order unrelated to n: the
	 * download rank of n is a fixed permutation of 1..N. */
	e->downloads = (int64_t)(top / (double)(1 + ((n - 1) * stride) %
		o->extensions));
	e->age_days = 30 + 4 * o->versions + rng_below(6 * 365);
}

static int64_t gcd(int64_t a, int64_t b)
{
	while (b != 0) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* A positive whole number, or -1. */
static int64_t number(const char *s, int64_t max)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 1 || v > max)
		return -1;
	return v;
}

int ctl_catalogue_parse(int argc, char **argv, const char *prog,
	struct ctl_catalogue_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->versions = 10;
	o->seed = 1;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t *slot = NULL, max = 0;

		if (strcmp(a, "--force") == 0) {
			o->force = 1;
			continue;
		}
		if (strcmp(a, "--vocabulary") == 0) {
			o->vocabulary = 1;
			continue;
		}
		if (strcmp(a, "--extensions") == 0) {
			slot = &o->extensions;
			max = 10000000;
		} else if (strcmp(a, "--users") == 0) {
			slot = &o->users;
			max = 100000000;
		} else if (strcmp(a, "--versions") == 0) {
			slot = &o->versions;
			max = 100;
		} else if (strcmp(a, "--seed") == 0) {
			int64_t s = number(v, INT64_MAX);

			if (s < 0) {
				fprintf(stderr, "%s: demo-catalogue: --seed needs a "
					"positive whole number\n", prog);
				return -1;
			}
			o->seed = (uint64_t)s;
			i++;
			continue;
		} else {
			fprintf(stderr, "%s: demo-catalogue: unknown argument '%s'\n",
				prog, a);
			return -1;
		}
		if ((*slot = number(v, max)) < 0) {
			fprintf(stderr, "%s: demo-catalogue: %s needs a whole number "
				"from 1 to %lld\n", prog, a, (long long)max);
			return -1;
		}
		i++;
	}
	if (o->extensions == 0 && !o->vocabulary) {
		fprintf(stderr, "%s: demo-catalogue: --extensions N is required\n",
			prog);
		return -1;
	}
	if (o->users == 0)
		o->users = o->extensions * 10 / 3 > 10 ? o->extensions * 10 / 3 : 10;
	return 0;
}

static double t0;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(const char *step)
{
	printf("demo-catalogue: %6.1f s  %s\n", now_s() - t0, step);
	fflush(stdout);
}

int ctl_catalogue_run(const struct config *cfg,
	const struct ctl_catalogue_opts *o, const char *prog)
{
	struct store_cat_ext *rows = NULL;
	struct slot *slots = NULL;
	struct store_cat_plan plan;
	struct config bulk;
	char phc[PASSWORD_PHC_MAX];
	int64_t have_ext, have_users, n, developers, stride;
	double top, harmonic = 0;
	int rc = EXIT_ERROR, open = 0, made = 0;
	size_t i;

	if (vocab_build() != 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_ERROR;
	}
	if (o->vocabulary) {
		/* For the benchmark's search targets: the words in rank order. */
		for (i = 0; i < nvocab; i++)
			printf("%s\n", vocab[i]);
		return EXIT_OK;
	}
	if (cfg->mode == CONFIG_PRODUCTION && !o->force) {
		fprintf(stderr, "%s: demo-catalogue: refusing to fill a production "
			"database (mode = production) with generated accounts and "
			"extensions; --force if you mean it\n", prog);
		return EXIT_ERROR;
	}
	if (o->users < 7) {
		fprintf(stderr, "%s: demo-catalogue: --users must be at least 7\n",
			prog);
		return EXIT_ERROR;
	}
	/* The bulk statements each run for tens of seconds at 60,000
	 * extensions: the request path's read timeout would cut them off. */
	bulk = *cfg;
	bulk.db_read_timeout = CAT_STATEMENT_TIMEOUT_S;
	bulk.db_write_timeout = CAT_STATEMENT_TIMEOUT_S;
	if (db_init(&bulk) != 0 || db_connect() != 0) {
		fprintf(stderr, "%s: cannot connect to database '%s'\n", prog,
			cfg->db_name);
		goto out;
	}
	if (store_cat_existing(&have_ext, &have_users) != 0) {
		fprintf(stderr, "%s: cannot query the database\n", prog);
		goto out;
	}
	/* Run twice, the catalogue is there once: the whole catalogue
	 * commits in one transaction, so any generated row means a complete
	 * one. */
	if (have_ext == o->extensions) {
		printf("demo-catalogue: the database already holds a generated "
			"catalogue of %lld extensions and %lld users; nothing done\n",
			(long long)have_ext, (long long)have_users);
		rc = EXIT_OK;
		goto out;
	}
	if (have_ext != 0 || have_users != 0) {
		fprintf(stderr, "%s: demo-catalogue: the database already holds a "
			"generated catalogue of %lld extensions and %lld users (gen-*);"
			" refusing to add another of %lld (start from a fresh "
			"database)\n", prog, (long long)have_ext,
			(long long)have_users, (long long)o->extensions);
		goto out;
	}

	t0 = now_s();
	/* One hash for every account: scrypt at the configured cost takes
	 * tens of milliseconds, 200,000 of them would take hours. */
	if (password_hash(CAT_PASSWORD, strlen(CAT_PASSWORD), &cfg->password,
	    phc, sizeof(phc)) != 0) {
		fprintf(stderr, "%s: cannot hash the password\n", prog);
		goto out;
	}
	rng_state = o->seed;
	developers = o->users / 20 > 1 ? o->users / 20 : 1;
	if (developers > o->extensions)
		developers = o->extensions;
	/* A stride coprime with N walks every download rank once. */
	for (stride = 7919; gcd(stride, o->extensions) != 1; stride += 2)
		;
	for (n = 1; n <= o->extensions; n++)
		harmonic += 1.0 / (double)n;
	top = CAT_DOWNLOADS_AT_60K * (double)o->extensions / 60000.0 / harmonic;

	rows = calloc(CAT_BATCH, sizeof(*rows));
	slots = calloc(CAT_BATCH, sizeof(*slots));
	if (rows == NULL || slots == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (store_cat_begin() != 0) {
		fprintf(stderr, "%s: cannot create the staging table\n", prog);
		goto out;
	}
	open = 1;
	progress("staging extensions");
	for (n = 1; n <= o->extensions; ) {
		size_t k = 0;

		while (k < CAT_BATCH && n <= o->extensions) {
			make_ext(&rows[k], &slots[k], n, o, developers, top, stride);
			k++;
			n++;
		}
		if (store_cat_stage(rows, k) != 0) {
			fprintf(stderr, "%s: staging the extensions failed\n", prog);
			goto out;
		}
	}
	plan.seed = o->seed;
	plan.extensions = o->extensions;
	plan.users = o->users;
	plan.versions = o->versions;
	plan.developers = developers;
	plan.password_hash = phc;
	open = 0;
	if (store_cat_finish(&plan, progress) != 0) {
		fprintf(stderr, "%s: generating the catalogue failed (see above); "
			"nothing was kept\n", prog);
		goto out;
	}
	progress("analyze");
	if (store_cat_analyze() != 0)
		fprintf(stderr, "%s: warning: ANALYZE TABLE failed; the optimizer "
			"works from old statistics until the next one\n", prog);
	made = 1;
	printf("demo-catalogue: %lld extensions, %lld versions, %lld users "
		"(password %s) in %.1f s (seed %llu)\n",
		(long long)o->extensions, (long long)(o->extensions * o->versions),
		(long long)o->users, CAT_PASSWORD, now_s() - t0,
		(unsigned long long)o->seed);
	rc = EXIT_OK;
out:
	if (open)
		store_cat_abort();
	free(rows);
	free(slots);
	db_close();
	/* The search index (docs/OPERATIONS.md, "Search index") learns of
	 * changes from a log that workers apply 500 at a time: after a bulk
	 * load of this size, rebuild it at once, as search-reindex does. */
	if (made) {
		progress("search index (search-reindex)");
		if (ctl_search_reindex(&bulk) != 0) {
			fprintf(stderr, "%s: demo-catalogue: the catalogue is made, "
				"but rebuilding the search index failed: run "
				"devforgectl search-reindex\n", prog);
			rc = EXIT_ERROR;
		}
		db_close();
	}
	return rc;
}
