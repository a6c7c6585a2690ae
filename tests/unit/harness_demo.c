// SPDX-License-Identifier: MIT
/*
 * Tests of every outcome for test_harness.c to run and read: passes,
 * EXPECT and ASSERT failures, skips with a reason, a crash, a timeout,
 * fixture variants, setup and teardown (in the child and in the parent),
 * tests added at run time. Not a test itself: half of these fail on
 * purpose.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "svm_test_harness.h"

static pid_t runner;

TEST(pass_simple)
{
	EXPECT_EQ(1, 1);
	ASSERT_LE(0, 5);
}

TEST(expect_fail)
{
	EXPECT_EQ(1, 2);
	printf("# after the failed EXPECT\n");
}

TEST(assert_fail)
{
	size_t big = 5;

	ASSERT_EQ(-1, (long)big);
	printf("# not reached after ASSERT\n");
}

TEST(skip_reason)
{
	SKIP(return, "no such %s", "thing");
	printf("# not reached after SKIP\n");
}

TEST(fail_then_skip)
{
	EXPECT_TRUE(0);
	SKIP(return, "too late");
}

TEST(crash)
{
	raise(SIGSEGV);
}

TEST_TIMEOUT(hang, 1)
{
	sleep(30);
}

TEST(exit_status)
{
	exit(3);
}

FIXTURE(counter) {
	int set;
};

FIXTURE_VARIANT(counter) {
	int want;
};

FIXTURE_VARIANT_ADD(counter, one) {
	.want = 1,
};

FIXTURE_VARIANT_ADD(counter, two) {
	.want = 2,
};

FIXTURE_SETUP(counter)
{
	self->set = variant->want;
}

FIXTURE_TEARDOWN(counter)
{
	printf("# teardown %s %d\n", _metadata->full_name, self->set);
}

TEST_F(counter, value)
{
	EXPECT_EQ(variant->want, self->set);
}

TEST_F(counter, assert_then_teardown)
{
	ASSERT_EQ(1, variant->want);
}

/* Added from main() with TEST_F_ADD: _metadata->data is its string. */
TEST_F_TEMPLATE(counter, from_table)
{
	const char *reason;

	ASSERT_TRUE(_metadata->data != NULL);
	printf("# from_table data %s\n", (const char *)_metadata->data);
	/* counter.two.value ran before this one and passed. */
	EXPECT_EQ(KSFT_PASS, th_result("counter.two.value", &reason));
	EXPECT_EQ(-1, th_result("counter.two.nonexistent", NULL));
}

FIXTURE(parent) {
	int seen;
};

FIXTURE_SETUP(parent)
{
	self->seen = 1;
}

FIXTURE_TEARDOWN_PARENT(parent)
{
	printf("# parent teardown: %s, in the runner %d, seen %d\n",
	       _metadata->full_name, getpid() == runner, self->seen);
}

TEST_F(parent, crash)
{
	self->seen = 42;
	raise(SIGKILL);
}

FIXTURE(nosetup) {
	int unused;
};

FIXTURE_SETUP(nosetup)
{
	SKIP(return, "setup says no");
}

FIXTURE_TEARDOWN(nosetup)
{
	printf("# teardown after a skipped setup\n");
}

TEST_F(nosetup, body)
{
	printf("# body ran after a skipped setup\n");
}

/* The lower layer alone, as the programs that report checks of one run. */
static int ksft_demo(bool all_skip)
{
	ksft_print_header();
	if (!all_skip) {
		ksft_test_result(true, "check %d", 1);
		ksft_test_result_fail("check %d", 2);
	}
	ksft_test_result_skip("not here", "check %d", 3);
	return ksft_finished();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--ksft"))
		return ksft_demo(argc > 2);
	runner = getpid();
	TEST_F_ADD(counter, from_table, "table", "two", "hello",
		   "a test from a table", 5);
	return test_harness_run(argc, argv);
}
