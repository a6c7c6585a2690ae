// SPDX-License-Identifier: MIT
/*
 * The one TAP printer of svm_test_harness.h, with kselftest.h's names:
 * "TAP version 13", the plan, "ok N - name", "not ok N - name",
 * "ok N - name # SKIP reason", "# " diagnostics and the totals.
 */
#include <stdarg.h>

#include "svm_test_harness.h"

static unsigned int n_pass, n_fail, n_skip;
static bool header_done, plan_done;

/**
 * ksft_print_header() - "TAP version 13", once, before anything else
 */
void ksft_print_header(void)
{
	if (!header_done)
		printf("TAP version 13\n");
	header_done = true;
}

/**
 * ksft_set_plan() - the plan "1..@plan", before the first result
 * @plan: how many results will follow
 */
void ksft_set_plan(unsigned int plan)
{
	printf("1..%u\n", plan);
	plan_done = true;
}

/**
 * ksft_print_msg() - a "# " diagnostic line
 * @fmt: printf format, without the newline
 */
void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void result(const char *prefix, const char *skip, const char *fmt,
		   va_list ap)
{
	printf("%sok %u - ", prefix, n_pass + n_fail + n_skip);
	vprintf(fmt, ap);
	if (skip)
		printf(" # SKIP%s%s", *skip ? " " : "", skip);
	putchar('\n');
	fflush(stdout);
}

/**
 * ksft_test_result() - one result line
 * @pass: ok or not ok
 * @fmt: the test's name, printf format
 */
void ksft_test_result(bool pass, const char *fmt, ...)
{
	va_list ap;

	if (pass)
		n_pass++;
	else
		n_fail++;
	va_start(ap, fmt);
	result(pass ? "" : "not ", NULL, fmt, ap);
	va_end(ap);
}

/**
 * ksft_test_result_pass() - "ok N - name"
 * @fmt: the name, printf format
 */
void ksft_test_result_pass(const char *fmt, ...)
{
	va_list ap;

	n_pass++;
	va_start(ap, fmt);
	result("", NULL, fmt, ap);
	va_end(ap);
}

/**
 * ksft_test_result_fail() - "not ok N - name"
 * @fmt: the name, printf format
 */
void ksft_test_result_fail(const char *fmt, ...)
{
	va_list ap;

	n_fail++;
	va_start(ap, fmt);
	result("not ", NULL, fmt, ap);
	va_end(ap);
}

/**
 * ksft_test_result_skip() - "ok N - name # SKIP reason"
 * @reason: why; a skip always says why
 * @fmt: the name
 */
void ksft_test_result_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	n_skip++;
	va_start(ap, fmt);
	result("", reason ? reason : "", fmt, ap);
	va_end(ap);
}

/* The counts so far, as kselftest.h's. */
unsigned int ksft_get_fail_cnt(void)
{
	return n_fail;
}

unsigned int ksft_get_pass_cnt(void)
{
	return n_pass;
}

unsigned int ksft_get_skip_cnt(void)
{
	return n_skip;
}

/**
 * ksft_finished() - the totals, the plan if none was printed; exit status
 *
 * Return: KSFT_FAIL on any failure, KSFT_SKIP when there was no pass
 * (every result a skip, or none), else KSFT_PASS.
 */
int ksft_finished(void)
{
	if (!plan_done)
		ksft_set_plan(n_pass + n_fail + n_skip);
	ksft_print_msg("Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0",
		       n_pass, n_fail, n_skip);
	if (n_fail)
		return KSFT_FAIL;
	return n_pass ? KSFT_PASS : KSFT_SKIP;
}
