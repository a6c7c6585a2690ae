// SPDX-License-Identifier: MIT
/*
 * The test harness of the guest programs (guest-userspace/harness/):
 * runs harness_demo, whose tests pass, fail, skip, crash and time out on
 * purpose, and checks what it reports: TAP 13, the plan, the names
 * fixture.variant.test, skip reasons, a crash and a timeout as failures
 * with the signal and the time, teardowns, selection and exit status.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static char demo[PATH_MAX];
static char out[1 << 16];

/* Run harness_demo with @args; its output in out[], its exit status. */
static int run_demo(const char *args)
{
	char cmd[PATH_MAX + 256];
	size_t n = 0, r;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", demo, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while ((r = fread(out + n, 1, sizeof(out) - 1 - n, p)) > 0)
		n += r;
	out[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A whole line of out[] that is @line. */
static bool has_line(const char *line)
{
	size_t len = strlen(line);
	const char *p = out;

	while ((p = strstr(p, line))) {
		if ((p == out || p[-1] == '\n') && (p[len] == '\n' || !p[len]))
			return true;
		p++;
	}
	return false;
}

/* A result line "PREFIX N - REST" for any N. */
static bool has_result(const char *prefix, const char *rest)
{
	const char *p = out;
	size_t pl = strlen(prefix), rl = strlen(rest);

	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *q = p + pl;
		const char *end = strchr(p, '\n');

		if (strncmp(p, prefix, pl) || *q < '0' || *q > '9')
			continue;
		while (*q >= '0' && *q <= '9')
			q++;
		if (strncmp(q, " - ", 3))
			continue;
		q += 3;
		if ((size_t)((end ? end : q + strlen(q)) - q) == rl &&
		    !strncmp(q, rest, rl))
			return true;
	}
	return false;
}

static int count(const char *prefix)
{
	const char *p = out;
	int n = 0;

	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

#define KSFT_OUT "TAP version 13\nok 1 - check 1\nnot ok 2 - check 2\n" \
		 "ok 3 - check 3 # SKIP not here\n1..3\n"

int main(int argc, char **argv)
{
	char *slash;
	int st;

	(void)argc;
	snprintf(demo, sizeof(demo), "%s", argv[0]);
	slash = strrchr(demo, '/');
	snprintf(slash ? slash + 1 : demo, sizeof(demo) - (slash ? slash + 1 - demo : 0),
		 "harness_demo");

	st = run_demo("");
	ok(st == 1, "a run with failures exits 1 (got %d)", st);
	ok(!strncmp(out, "TAP version 13\n1..15\n", 21), "TAP version 13, then the plan 1..15");
	ok(count("ok ") + count("not ok ") == 15, "15 result lines");
	ok(has_result("ok ", "global.pass_simple"), "a pass: ok N - global.pass_simple");
	ok(has_result("not ok ", "global.expect_fail") &&
	   has_line("# after the failed EXPECT"), "a failed EXPECT fails and goes on");
	ok(strstr(out, "Expected 1 (1) == 2 (2)") != NULL, "it says what it compared");
	ok(has_result("not ok ", "global.assert_fail") &&
	   !strstr(out, "not reached after ASSERT"), "a failed ASSERT ends the test");
	ok(strstr(out, "Expected -1 (-1) == (long)big (5)") != NULL, "signed values print signed");
	ok(has_result("ok ", "global.skip_reason # SKIP no such thing") &&
	   !strstr(out, "not reached after SKIP"), "SKIP: ok N - name, the SKIP directive and the reason, and it returns");
	ok(has_result("not ok ", "global.fail_then_skip"), "a skip after a failure is a failure");
	ok(has_result("not ok ", "global.crash") &&
	   strstr(out, "global.crash: died by signal 11") != NULL, "a crash: not ok with the signal");
	ok(has_result("not ok ", "global.hang") &&
	   strstr(out, "global.hang: timed out after 1 s") != NULL, "a timeout: not ok after its time");
	ok(has_result("not ok ", "global.exit_status") &&
	   strstr(out, "exited with status 3") != NULL, "another exit status: not ok with it");
	ok(has_result("ok ", "counter.one.value") && has_result("ok ", "counter.two.value"),
	   "variants: fixture.variant.test, one run each");
	ok(has_line("# teardown counter.one.value 1") && has_line("# teardown counter.two.value 2"),
	   "the teardown runs after each, with the variant's data");
	ok(has_result("ok ", "counter.one.assert_then_teardown") &&
	   has_result("not ok ", "counter.two.assert_then_teardown") &&
	   has_line("# teardown counter.two.assert_then_teardown 2"),
	   "a failed ASSERT still runs the teardown");
	ok(has_result("ok ", "counter.two.table") && !strstr(out, "counter.one.table") &&
	   has_line("# from_table data hello"),
	   "TEST_F_ADD: a test at run time, in its one variant, with its data and th_result()");
	ok(strstr(out, "#  RUN           counter.two.table: a test from a table ...") != NULL,
	   "its description on the RUN line");
	ok(has_result("not ok ", "parent.crash") &&
	   has_line("# parent teardown: parent.crash, in the runner 1, seen 42"),
	   "FIXTURE_TEARDOWN_PARENT runs in the runner after a crash, with the child's data");
	ok(has_result("ok ", "nosetup.body # SKIP setup says no") &&
	   !strstr(out, "body ran after a skipped setup") &&
	   !strstr(out, "teardown after a skipped setup"),
	   "a skip in the setup: no body, no teardown");
	ok(has_line("# Totals: pass:5 fail:8 xfail:0 xpass:0 skip:2 error:0"), "the totals");

	st = run_demo("-t pass_simple");
	ok(st == 0 && has_line("1..1") && has_result("ok ", "global.pass_simple"),
	   "-t runs one test, exit 0 (got %d)", st);
	st = run_demo("-t skip_reason");
	ok(st == 4 && has_line("1..1"), "all skipped: exit 4 (got %d)", st);
	st = run_demo("-f counter -V one");
	ok(st == 1 && has_line("1..3") && has_result("ok ", "counter.two.value") &&
	   !strstr(out, "counter.one."), "-f and -V: a fixture without one variant (got %d)", st);
	st = run_demo("-r counter.one.value");
	ok(st == 0 && has_line("1..1") && has_result("ok ", "counter.one.value"),
	   "-r runs fixture.variant.test (got %d)", st);
	st = run_demo("-f counter -T assert_then_teardown -T table");
	ok(st == 0 && has_line("1..2"), "-T leaves tests out (got %d)", st);
	st = run_demo("-l");
	ok(st == 0 && has_line("global.pass_simple") && has_line("counter.two.table") &&
	   !strstr(out, "ok "), "-l lists the names, runs nothing");
	st = run_demo("--ksft");
	ok(st == 1 && !strncmp(out, KSFT_OUT, strlen(KSFT_OUT)),
	   "ksft_*: the results, then the plan; exit 1 on a failure (got %d)", st);
	st = run_demo("--ksft skip");
	ok(st == 4 && has_line("1..1"), "ksft_*: only skips, exit 4 (got %d)", st);
	st = run_demo("-x");
	ok(st == 2, "an unknown option: exit 2 (got %d)", st);
	return tap_done();
}
