// SPDX-License-Identifier: MIT
/*
 * The runner of svm_test_harness.h: registration, selection, one child
 * per test with a timeout, and the one TAP printer (ksft_*).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svm_test_harness.h"

struct __fixture_metadata _global_fixture_object = { .name = "global" };

static struct __fixture_metadata *fixtures, **fixtures_tail = &fixtures;

/* What the child tells the runner beyond its exit status. */
struct th_shared {
	bool failed;
	bool skipped;
	bool done;		/* the test function returned: exiting */
	char reason[256];
};
static struct th_shared *shared;

/* The runner's record of every test that ran, for th_result(). */
struct th_record {
	char *name;
	int result;
	char *reason;
};
static struct th_record *records;
static size_t nr_records;

struct th_filter {
	char kind;
	const char *name;
};
static struct th_filter *filters;
static size_t nr_filters;

/*
 * Lines, not blocks: a child's output must be out before it ends (it may
 * crash), and before the runner's next line.
 */
static void __attribute__((constructor)) th_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void __th_register_fixture(struct __fixture_metadata *f)
{
	if (f->variants_tail)
		return;		/* registered */
	f->variants_tail = &f->variants;
	f->tests_tail = &f->tests;
	*fixtures_tail = f;
	fixtures_tail = &f->next;
}

void __th_register_variant(struct __fixture_metadata *f,
			   struct __fixture_variant_metadata *v)
{
	__th_register_fixture(f);
	*f->variants_tail = v;
	f->variants_tail = &v->next;
}

void __th_register_test(struct __test_metadata *t)
{
	__th_register_fixture(t->fixt);
	*t->fixt->tests_tail = t;
	t->fixt->tests_tail = &t->next;
}

/**
 * th_add_test() - register a test at run time (TEST_F_ADD)
 * @f: its fixture
 * @fn: the child's side, TEST_F_TEMPLATE's wrapper
 * @self_size: the size of the fixture's data
 * @name: the test's name; must outlive the run
 * @variant: the one variant it runs in, NULL for each
 * @data: what the test finds in _metadata->data
 * @what: a description for the RUN line, or NULL
 * @timeout: seconds
 *
 * For tests that come from a table (svm-dma-test's scenarios). Exits on
 * allocation failure: there is nothing to run then.
 */
void th_add_test(struct __fixture_metadata *f, __test_fn fn, size_t self_size,
		 const char *name, const char *variant, const void *data,
		 const char *what, unsigned int timeout)
{
	struct __test_metadata *t = calloc(1, sizeof(*t));

	if (!t) {
		perror("th_add_test");
		exit(KSFT_FAIL);
	}
	t->name = name;
	t->fn = fn;
	t->fixt = f;
	t->self_size = self_size;
	t->timeout = timeout;
	t->only_variant = variant;
	t->data = data;
	t->what = what;
	__th_register_test(t);
}

bool __th_skipped(void)
{
	return shared && shared->skipped;
}

/* The test fails; in the child and in a parent's teardown alike. */
void __th_fail(struct __test_metadata *m)
{
	m->failed = true;
	if (shared)
		shared->failed = true;
}

void __th_bail(struct __test_metadata *_metadata)
{
	__th_fail(_metadata);
	siglongjmp(_metadata->env, 1);
}

void __th_skip(struct __test_metadata *_metadata, const char *fmt, ...)
{
	va_list ap;

	(void)_metadata;
	if (!shared)
		return;
	shared->skipped = true;
	va_start(ap, fmt);
	vsnprintf(shared->reason, sizeof(shared->reason), fmt, ap);
	va_end(ap);
}

void __th_log(struct __test_metadata *_metadata, const char *file, int line,
	      const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d:%s:", file, line, _metadata->full_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void __th_cmp_fail(struct __test_metadata *_metadata, const char *file,
		   int line, const char *expected, const char *op,
		   const char *seen, bool is_signed, unsigned long long e,
		   unsigned long long s)
{
	if (is_signed)
		__th_log(_metadata, file, line, "Expected %s (%lld) %s %s (%lld)",
			 expected, (long long)e, op, seen, (long long)s);
	else
		__th_log(_metadata, file, line, "Expected %s (%llu) %s %s (%llu)",
			 expected, e, op, seen, s);
	__th_fail(_metadata);
}

/* ---- selection ---- */

/**
 * th_filter() - select tests as kselftest's -f -v -t -F -V -T -r do
 * @kind: one of those letters
 * @name: the fixture, variant or test name; for 'r' the full name
 *
 * Return: 0, or -1 for an unknown @kind (or no memory).
 */
int th_filter(char kind, const char *name)
{
	struct th_filter *n;

	if (!strchr("fvtFVTr", kind))
		return -1;
	n = realloc(filters, (nr_filters + 1) * sizeof(*filters));
	if (!n)
		return -1;
	filters = n;
	filters[nr_filters++] = (struct th_filter){ kind, name };
	return 0;
}

static bool selected(const char *f, const char *v, const char *t,
		     const char *full)
{
	bool include = false, matched = false;
	size_t i;

	for (i = 0; i < nr_filters; i++) {
		const struct th_filter *x = &filters[i];
		const char *what = NULL;

		switch (x->kind) {
		case 'f': case 'F': what = f; break;
		case 'v': case 'V': what = v; break;
		case 't': case 'T': what = t; break;
		default: what = full; break;
		}
		if (x->kind >= 'a')
			include = true;
		if (!what || strcmp(what, x->name))
			continue;
		if (x->kind < 'a')
			return false;
		matched = true;
	}
	return !include || matched;
}

/* The variants a test runs in: the fixture's, or one without a name. */
static struct __fixture_variant_metadata no_variant;

static struct __fixture_variant_metadata *first_variant(struct __fixture_metadata *f)
{
	return f->variants ? f->variants : &no_variant;
}

static bool applies(const struct __test_metadata *t,
		    const struct __fixture_variant_metadata *v)
{
	return !t->only_variant || (v->name && !strcmp(v->name, t->only_variant));
}

static void full_name(char *buf, size_t len, const struct __fixture_metadata *f,
		      const struct __fixture_variant_metadata *v,
		      const struct __test_metadata *t)
{
	if (v->name)
		snprintf(buf, len, "%s.%s.%s", f->name, v->name, t->name);
	else
		snprintf(buf, len, "%s.%s", f->name, t->name);
}

/* Call @fn for every selected test in order; returns how many. */
static unsigned int for_each_selected(void (*fn)(struct __test_metadata *,
						 struct __fixture_variant_metadata *,
						 const char *))
{
	struct __fixture_metadata *f;
	struct __fixture_variant_metadata *v;
	struct __test_metadata *t;
	char name[sizeof(t->full_name)];
	unsigned int n = 0;

	for (f = fixtures; f; f = f->next)
		for (v = first_variant(f); v; v = v->next)
			for (t = f->tests; t; t = t->next) {
				if (!applies(t, v))
					continue;
				full_name(name, sizeof(name), f, v, t);
				if (!selected(f->name, v->name, t->name, name))
					continue;
				n++;
				if (fn)
					fn(t, v, name);
			}
	return n;
}

static void print_name(struct __test_metadata *t,
		       struct __fixture_variant_metadata *v, const char *name)
{
	(void)t;
	(void)v;
	printf("%s\n", name);
}

/**
 * th_list() - print the full name of every selected test, one a line
 */
void th_list(void)
{
	for_each_selected(print_name);
}

/* ---- running ---- */

/**
 * th_result() - what an earlier test of this run came to
 * @name: its full name
 * @reason: when not NULL, gets its skip reason ("" if none)
 *
 * Return: KSFT_PASS, KSFT_FAIL, KSFT_SKIP, or -1 when it has not run.
 */
int th_result(const char *name, const char **reason)
{
	size_t i;

	for (i = nr_records; i-- > 0;)
		if (!strcmp(records[i].name, name)) {
			if (reason)
				*reason = records[i].reason;
			return records[i].result;
		}
	return -1;
}

static void record(const char *name, int result, const char *reason)
{
	struct th_record *n = realloc(records, (nr_records + 1) * sizeof(*records));

	if (!n)
		return;		/* th_result() then says it did not run */
	records = n;
	records[nr_records].name = strdup(name);
	records[nr_records].reason = strdup(reason);
	records[nr_records].result = result;
	if (records[nr_records].name && records[nr_records].reason)
		nr_records++;
}

static void run_child(struct __test_metadata *t,
		      struct __fixture_variant_metadata *v, void *self)
{
	/* Its own process group: a timeout kills what it started too. */
	setpgid(0, 0);
	signal(SIGALRM, SIG_DFL);
	t->fn(t, self, v->data);
	if (t->failed)
		shared->failed = true;
	__atomic_store_n(&shared->done, true, __ATOMIC_RELEASE);
	fflush(NULL);
	_exit(t->failed || shared->failed ? KSFT_FAIL :
	      shared->skipped ? KSFT_SKIP : KSFT_PASS);
}

/*
 * How long a test may take to exit once its function returned, and to die
 * once killed, before the runner goes on without it.
 */
#define EXIT_GRACE_MS	10000
#define POLL_MS		10

/*
 * Wait for @pid, killing its process group after @seconds. A test stuck in
 * the kernel (uninterruptible, as a driver bug can leave it, say in the
 * release of its file when it exits) neither exits nor dies of SIGKILL:
 * EXIT_GRACE_MS after its function returned, or after the kill, the
 * runner reports it and goes on, rather than wait for ever. Return: 1 when
 * it timed out, -1 when it was left behind, else 0 with its @status.
 */
static int wait_child(pid_t pid, unsigned int seconds, int *status)
{
	unsigned int left = seconds * 1000, grace = EXIT_GRACE_MS;
	int ret = 0;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			break;
		if (__atomic_load_n(&shared->done, __ATOMIC_ACQUIRE) || ret) {
			if (grace < POLL_MS) {
				ksft_print_msg("pid %d did not %s %u s later (stuck "
					       "in the kernel?): left behind",
					       (int)pid, ret ? "die" : "exit",
					       EXIT_GRACE_MS / 1000);
				kill(-pid, SIGKILL);
				return -1;
			}
			grace -= POLL_MS;
		} else if (left < POLL_MS) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			ret = 1;
		} else {
			left -= POLL_MS;
		}
		usleep(POLL_MS * 1000);
	}
	/* Whatever the test left running goes with it. */
	kill(-pid, SIGKILL);
	return ret;
}

static void run_one(struct __test_metadata *t,
		    struct __fixture_variant_metadata *v, const char *name)
{
	struct __fixture_metadata *f = t->fixt;
	size_t size = t->self_size ? t->self_size : 1;
	int status = 0, result;
	int timeout;
	void *self;
	pid_t pid;

	ksft_print_msg(" RUN           %s%s%s ...", name, t->what ? ": " : "",
		       t->what ? t->what : "");
	memset(shared, 0, sizeof(*shared));
	snprintf(t->full_name, sizeof(t->full_name), "%s", name);
	t->variant_name = v->name;
	t->failed = false;
	t->setup_completed = false;
	/* Shared, so that a parent's teardown sees what the child set up. */
	self = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (self == MAP_FAILED) {
		ksft_print_msg("cannot map the fixture's data: %s", strerror(errno));
		ksft_test_result_fail("%s", name);
		record(name, KSFT_FAIL, "");
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("fork: %s", strerror(errno));
		shared->failed = true;
	} else if (pid == 0) {
		run_child(t, v, self);
	} else {
		timeout = wait_child(pid, t->timeout, &status);
		if (timeout > 0) {
			ksft_print_msg("%s: timed out after %u s", name, t->timeout);
			shared->failed = true;
		} else if (timeout < 0) {
			shared->failed = true;
		} else if (WIFSIGNALED(status)) {
			ksft_print_msg("%s: died by signal %d (%s)", name,
				       WTERMSIG(status), strsignal(WTERMSIG(status)));
			shared->failed = true;
		} else if (WIFEXITED(status) && WEXITSTATUS(status) != KSFT_PASS &&
			   WEXITSTATUS(status) != KSFT_SKIP) {
			if (!shared->failed)
				ksft_print_msg("%s: exited with status %d", name,
					       WEXITSTATUS(status));
			shared->failed = true;
		}
	}
	if (f->teardown_parent && pid > 0) {
		struct __test_metadata m = *t;

		m.failed = false;
		if (!sigsetjmp(m.env, 1))
			f->teardown_parent(&m, self, v->data);
	}
	munmap(self, size);

	if (shared->failed) {
		result = KSFT_FAIL;
		ksft_print_msg("         FAIL  %s", name);
		ksft_test_result_fail("%s", name);
	} else if (shared->skipped) {
		result = KSFT_SKIP;
		ksft_print_msg("      SKIP     %s", name);
		ksft_test_result_skip(shared->reason, "%s", name);
	} else {
		result = KSFT_PASS;
		ksft_print_msg("            OK  %s", name);
		ksft_test_result_pass("%s", name);
	}
	record(name, result, shared->reason);
}

/**
 * th_run() - run every selected test, each in a child with its timeout
 *
 * Return: KSFT_FAIL when a test failed, KSFT_SKIP when every test was
 * skipped or none was selected, else KSFT_PASS.
 */
int th_run(void)
{
	unsigned int n = for_each_selected(NULL);

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("svm_test_harness: mmap");
		return KSFT_FAIL;
	}
	ksft_print_header();
	ksft_set_plan(n);
	ksft_print_msg("Starting %u tests", n);
	for_each_selected(run_one);
	return ksft_finished();
}

/**
 * test_harness_run() - TEST_HARNESS_MAIN: kselftest's options, then th_run()
 * @argc: main's
 * @argv: main's
 *
 * Return: the exit status (2 on a usage error).
 */
int test_harness_run(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "hlf:v:t:F:V:T:r:")) != -1) {
		switch (opt) {
		case 'l':
			th_list();
			return KSFT_PASS;
		case 'h':
		case '?':
			fprintf(stderr, "usage: %s [-h|-l] [-f|-F FIXTURE] [-v|-V VARIANT] "
				"[-t|-T TEST] [-r FIXTURE.VARIANT.TEST]\n", argv[0]);
			return opt == 'h' ? KSFT_PASS : 2;
		default:
			th_filter(opt, optarg);
			break;
		}
	}
	return th_run();
}
