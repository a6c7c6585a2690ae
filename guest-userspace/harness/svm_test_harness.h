/* SPDX-License-Identifier: MIT */
/*
 * A small test harness with the macro names and the semantics of the
 * kernel's tools/testing/selftests/kselftest_harness.h that svm-edu's
 * guest programs use, written for this project (the kernel's header is
 * GPL and wants the kernel tree; guest-userspace is MIT).
 *
 * Output is TAP 13: "TAP version 13", the plan "1..N", then one line per
 * test, "ok N - fixture.variant.test", "not ok N - ..." or
 * "ok N - ... # SKIP reason", with "# " diagnostics in between.
 *
 * Every test runs in a child of its own (fork), in a process group of its
 * own, with a timeout: a test that crashes or outlives its timeout fails
 * with the signal or the time, and its process group is killed. The
 * fixture's data lives in shared memory, so that FIXTURE_TEARDOWN_PARENT
 * runs in the runner after the child ended, whatever became of it.
 *
 *	FIXTURE(dev) { int fd; };
 *	FIXTURE_VARIANT(dev) { bool broken; };
 *	FIXTURE_VARIANT_ADD(dev, good) { .broken = false };
 *	FIXTURE_VARIANT_ADD(dev, bad) { .broken = true };
 *	FIXTURE_SETUP(dev) { self->fd = open(...); ASSERT_LE(0, self->fd); }
 *	FIXTURE_TEARDOWN(dev) { close(self->fd); }
 *	TEST_F(dev, read) { EXPECT_EQ(0, read(self->fd, ...)); }
 *	TEST_HARNESS_MAIN
 *
 * runs dev.good.read and dev.bad.read. The lower layer (ksft_*) prints
 * the lines, for programs that report checks of one run themselves.
 */
#ifndef SVM_TEST_HARNESS_H
#define SVM_TEST_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Exit status, as kselftest's. */
#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

/* Seconds a test may run unless it says otherwise (kselftest's default). */
#define TEST_TIMEOUT_DEFAULT	30

struct __test_metadata;
struct __fixture_variant_metadata;

/* Runs in the child: setup, the test, the teardown (unless the parent's). */
typedef void (*__test_fn)(struct __test_metadata *_metadata, void *self,
			  const void *variant);

struct __fixture_variant_metadata {
	const char *name;
	const void *data;
	struct __fixture_variant_metadata *next;
};

struct __fixture_metadata {
	const char *name;
	struct __fixture_variant_metadata *variants, **variants_tail;
	struct __test_metadata *tests, **tests_tail;
	struct __fixture_metadata *next;
	/* Only for fixtures with FIXTURE_TEARDOWN_PARENT. */
	__test_fn teardown_parent;
};

struct __test_metadata {
	const char *name;			/* the test's own name */
	__test_fn fn;
	struct __fixture_metadata *fixt;
	size_t self_size;
	unsigned int timeout;			/* seconds */
	const char *only_variant;		/* NULL: every variant */
	const void *data;			/* th_add_test()'s */
	const char *what;			/* one line on the RUN line */
	struct __test_metadata *next;
	/* Filled in while it runs, in the child. */
	const char *variant_name;
	char full_name[192];
	bool setup_completed;
	bool failed;
	sigjmp_buf env;
};

void __th_register_fixture(struct __fixture_metadata *f);
void __th_register_variant(struct __fixture_metadata *f,
			   struct __fixture_variant_metadata *v);
void __th_register_test(struct __test_metadata *t);
void __th_fail(struct __test_metadata *_metadata);
void __th_bail(struct __test_metadata *_metadata) __attribute__((noreturn));
void __th_skip(struct __test_metadata *_metadata, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void __th_cmp_fail(struct __test_metadata *_metadata, const char *file,
		   int line, const char *expected, const char *op,
		   const char *seen, bool is_signed, unsigned long long e,
		   unsigned long long s);
void __th_log(struct __test_metadata *_metadata, const char *file, int line,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The global fixture of TEST(): no data, one unnamed variant. */
extern struct __fixture_metadata _global_fixture_object;

#define FIXTURE_DATA(fixture)		struct _test_data_##fixture
#define FIXTURE_VARIANT(fixture)	struct _fixture_variant_##fixture

/*
 * FIXTURE(name) { members };  the data each test of the fixture gets as
 * @self, zeroed before FIXTURE_SETUP.
 */
#define FIXTURE(fixture)						\
	FIXTURE_VARIANT(fixture);					\
	static struct __fixture_metadata _##fixture##_fixture_object = {	\
		.name = #fixture,					\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture##_fixture(void)				\
	{								\
		__th_register_fixture(&_##fixture##_fixture_object);	\
	}								\
	FIXTURE_DATA(fixture)

/* Runs in the child before each test; ASSERT_* and SKIP() end the test. */
#define FIXTURE_SETUP(fixture)						\
	static void fixture##_setup(					\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture) __attribute__((unused)) *variant)

/* Runs in the child after each test whose setup completed. */
#define FIXTURE_TEARDOWN(fixture)					\
	static void fixture##_teardown(					\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture) __attribute__((unused)) *variant); \
	static const bool fixture##_teardown_in_parent			\
		__attribute__((unused)) = false;				\
	static void fixture##_teardown(					\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture) __attribute__((unused)) *variant)

/*
 * Instead of FIXTURE_TEARDOWN: runs in the runner after the child ended,
 * also when it crashed or timed out (put back what the test changed
 * outside its own process). @self is the child's, in shared memory; the
 * child's own resources (files, mappings) are already gone.
 */
#define FIXTURE_TEARDOWN_PARENT(fixture)				\
	static void fixture##_teardown(					\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture) __attribute__((unused)) *variant); \
	static const bool fixture##_teardown_in_parent			\
		__attribute__((unused)) = true;				\
	static void fixture##_teardown_parent_fn(			\
		struct __test_metadata *_metadata, void *self,		\
		const void *variant)					\
	{								\
		fixture##_teardown(_metadata, self, variant);		\
	}								\
	static void __attribute__((constructor))			\
	_register_##fixture##_teardown_parent(void)			\
	{								\
		_##fixture##_fixture_object.teardown_parent =		\
			fixture##_teardown_parent_fn;			\
	}								\
	static void fixture##_teardown(					\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture) __attribute__((unused)) *variant)

/*
 * FIXTURE_VARIANT_ADD(fixture, name) { initialiser };  each test of the
 * fixture runs once per variant, as fixture.name.test, with @variant
 * pointing at this.
 */
#define FIXTURE_VARIANT_ADD(fixture, vname)				\
	extern const FIXTURE_VARIANT(fixture)				\
		_##fixture##_##vname##_variant;				\
	static struct __fixture_variant_metadata			\
		_##fixture##_##vname##_object = {			\
		.name = #vname,						\
		.data = &_##fixture##_##vname##_variant,		\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture##_##vname(void)				\
	{								\
		__th_register_variant(&_##fixture##_fixture_object,	\
				      &_##fixture##_##vname##_object);	\
	}								\
	const FIXTURE_VARIANT(fixture) _##fixture##_##vname##_variant =

/*
 * The child's side of a test of @fixture: setup, @body, teardown. An
 * ASSERT_* that fails jumps back here (siglongjmp), so that the teardown
 * still runs when the setup had completed.
 */
#define __TEST_F_WRAPPER(fixture, body)					\
	static void __wrapper_##fixture##_##body(			\
		struct __test_metadata *_metadata, void *self_,		\
		const void *variant_)					\
	{								\
		FIXTURE_DATA(fixture) *self = self_;			\
		const FIXTURE_VARIANT(fixture) *variant = variant_;	\
									\
		if (!sigsetjmp(_metadata->env, 1)) {			\
			fixture##_setup(_metadata, self, variant);	\
			/* A failed or skipped setup ends the test. */	\
			if (_metadata->failed || __th_skipped())	\
				return;					\
			_metadata->setup_completed = true;		\
			fixture##_##body(_metadata, self, variant);	\
		}							\
		if (_metadata->setup_completed &&			\
		    !fixture##_teardown_in_parent &&			\
		    !sigsetjmp(_metadata->env, 1))			\
			fixture##_teardown(_metadata, self, variant);	\
	}

#define __TEST_F_DECL(fixture, body)					\
	static void fixture##_##body(					\
		struct __test_metadata __attribute__((unused)) *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self,	\
		const FIXTURE_VARIANT(fixture) __attribute__((unused)) *variant)

#define __TEST_F_IMPL(fixture, test, seconds)				\
	__TEST_F_DECL(fixture, test);					\
	__TEST_F_WRAPPER(fixture, test)					\
	static struct __test_metadata _##fixture##_##test##_object = {	\
		.name = #test,						\
		.fn = __wrapper_##fixture##_##test,			\
		.fixt = &_##fixture##_fixture_object,		\
		.self_size = sizeof(FIXTURE_DATA(fixture)),		\
		.timeout = seconds,					\
	};								\
	static void __attribute__((constructor))			\
	_register_##fixture##_##test(void)				\
	{								\
		__th_register_test(&_##fixture##_##test##_object);	\
	}								\
	__TEST_F_DECL(fixture, test)

/* A test of @fixture, run once per variant: fixture.variant.test. */
#define TEST_F(fixture, test)	__TEST_F_IMPL(fixture, test, TEST_TIMEOUT_DEFAULT)
#define TEST_F_TIMEOUT(fixture, test, seconds)				\
	__TEST_F_IMPL(fixture, test, seconds)

/*
 * Tests made at run time from a table: TEST_F_TEMPLATE(fixture, body)
 * defines @body like a TEST_F, and TEST_F_ADD(fixture, body, name, ...)
 * registers a test of it called @name (a string that must outlive the
 * run), for one variant (NULL: each), with @data in _metadata->data and a
 * one-line description @what. Call TEST_F_ADD before th_run().
 */
#define TEST_F_TEMPLATE(fixture, body)					\
	__TEST_F_DECL(fixture, body);					\
	__TEST_F_WRAPPER(fixture, body)					\
	__TEST_F_DECL(fixture, body)

#define TEST_F_ADD(fixture, body, tname, vname, tdata, twhat, seconds)	\
	th_add_test(&_##fixture##_fixture_object,			\
		    __wrapper_##fixture##_##body,			\
		    sizeof(FIXTURE_DATA(fixture)), tname, vname, tdata,	\
		    twhat, seconds)

void th_add_test(struct __fixture_metadata *f, __test_fn fn, size_t self_size,
		 const char *name, const char *variant, const void *data,
		 const char *what, unsigned int timeout);

/* A test without a fixture: global.test. */
struct _test_data_global { char unused; };
FIXTURE_VARIANT(global) { char unused; };
static inline void global_setup(struct __test_metadata *m,
				struct _test_data_global *s,
				const FIXTURE_VARIANT(global) *v)
{
	(void)m; (void)s; (void)v;
}
static const bool global_teardown_in_parent __attribute__((unused)) = false;
static inline void global_teardown(struct __test_metadata *m,
				   struct _test_data_global *s,
				   const FIXTURE_VARIANT(global) *v)
{
	(void)m; (void)s; (void)v;
}
#define __TEST_IMPL(test, seconds)					\
	static void test(struct __test_metadata *_metadata);		\
	static void global_##test(struct __test_metadata *_metadata,	\
				  struct _test_data_global *self,	\
				  const FIXTURE_VARIANT(global) *variant) \
	{								\
		(void)self; (void)variant;				\
		test(_metadata);					\
	}								\
	__TEST_F_WRAPPER(global, test)					\
	static struct __test_metadata _global_##test##_object = {	\
		.name = #test,						\
		.fn = __wrapper_global_##test,				\
		.fixt = &_global_fixture_object,			\
		.self_size = sizeof(struct _test_data_global),		\
		.timeout = seconds,					\
	};								\
	static void __attribute__((constructor))			\
	_register_global_##test(void)					\
	{								\
		__th_register_test(&_global_##test##_object);		\
	}								\
	static void test(struct __test_metadata __attribute__((unused)) *_metadata)

#define TEST(test)			__TEST_IMPL(test, TEST_TIMEOUT_DEFAULT)
#define TEST_TIMEOUT(test, seconds)	__TEST_IMPL(test, seconds)

/* Inside a test: is it being skipped (SKIP() was called)? */
bool __th_skipped(void);

/*
 * SKIP(statement, fmt, ...): the test is skipped with the reason; then
 * @statement (usually "return"). A test that failed before stays failed.
 */
#define SKIP(statement, fmt, ...)					\
	do {								\
		__th_skip(_metadata, fmt, ##__VA_ARGS__);		\
		statement;						\
	} while (0)

/* A diagnostic line with where it was printed from. */
#define TH_LOG(fmt, ...)						\
	__th_log(_metadata, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#define __th_is_signed(v)	(!!(((__typeof__(v))(-1)) < (__typeof__(v))1))

/*
 * The comparison; on failure a diagnostic, and for an ASSERT the end of
 * the test. Each operand is evaluated once.
 */
#define __TH_CMP(expected, seen, op, is_assert)				\
	do {								\
		__typeof__(expected) __exp = (expected);		\
		__typeof__(seen) __seen = (seen);			\
		bool __ok;						\
									\
		/* ASSERT_EQ(0, size) compares as C does: no warning. */ \
		_Pragma("GCC diagnostic push")				\
		_Pragma("GCC diagnostic ignored \"-Wsign-compare\"")	\
		__ok = __exp op __seen;					\
		_Pragma("GCC diagnostic pop")				\
		if (!__ok) {						\
			__th_cmp_fail(_metadata, __FILE__, __LINE__,	\
				      #expected, #op, #seen,		\
				      __th_is_signed(__exp),		\
				      (unsigned long long)(uintptr_t)__exp, \
				      (unsigned long long)(uintptr_t)__seen); \
			if (is_assert)					\
				__th_bail(_metadata);			\
		}							\
	} while (0)

#define __TH_BOOL(cond, want, text, is_assert)				\
	do {								\
		if ((bool)(cond) != (want)) {			\
			__th_log(_metadata, __FILE__, __LINE__,		\
				 "expected %s to be %s", text,		\
				 (want) ? "true" : "false");		\
			__th_fail(_metadata);				\
			if (is_assert)					\
				__th_bail(_metadata);			\
		}							\
	} while (0)

#define ASSERT_EQ(expected, seen)	__TH_CMP(expected, seen, ==, 1)
#define ASSERT_NE(expected, seen)	__TH_CMP(expected, seen, !=, 1)
#define ASSERT_LT(expected, seen)	__TH_CMP(expected, seen, <, 1)
#define ASSERT_LE(expected, seen)	__TH_CMP(expected, seen, <=, 1)
#define ASSERT_GT(expected, seen)	__TH_CMP(expected, seen, >, 1)
#define ASSERT_GE(expected, seen)	__TH_CMP(expected, seen, >=, 1)
#define ASSERT_TRUE(cond)		__TH_BOOL(cond, true, #cond, 1)
#define ASSERT_FALSE(cond)		__TH_BOOL(cond, false, #cond, 1)
#define ASSERT_NULL(p)			__TH_BOOL((p) == NULL, true, #p " == NULL", 1)
#define EXPECT_EQ(expected, seen)	__TH_CMP(expected, seen, ==, 0)
#define EXPECT_NE(expected, seen)	__TH_CMP(expected, seen, !=, 0)
#define EXPECT_LT(expected, seen)	__TH_CMP(expected, seen, <, 0)
#define EXPECT_LE(expected, seen)	__TH_CMP(expected, seen, <=, 0)
#define EXPECT_GT(expected, seen)	__TH_CMP(expected, seen, >, 0)
#define EXPECT_GE(expected, seen)	__TH_CMP(expected, seen, >=, 0)
#define EXPECT_TRUE(cond)		__TH_BOOL(cond, true, #cond, 0)
#define EXPECT_FALSE(cond)		__TH_BOOL(cond, false, #cond, 0)
#define EXPECT_NULL(p)			__TH_BOOL((p) == NULL, true, #p " == NULL", 0)

/*
 * The runner. th_filter() adds a selection, as kselftest's options:
 * 'f', 'v', 't' run the fixtures, variants, tests of that name (any that
 * matches; everything when there is none), 'F', 'V', 'T' leave them out,
 * 'r' runs one "fixture.variant.test" (or "fixture.test"). 0, or -1 for
 * an unknown kind.
 */
int th_filter(char kind, const char *name);
/* Print every selected test's full name, one a line. */
void th_list(void);
/*
 * Run every selected test, in order of fixture, variant, test; the exit
 * status: KSFT_PASS, KSFT_FAIL when one failed, KSFT_SKIP when all were
 * skipped (or none was selected).
 */
int th_run(void);
/* kselftest's options (-l -h -f -v -t -F -V -T -r), then th_run(). */
int test_harness_run(int argc, char **argv);

/*
 * What an earlier test of this run came to, by full name: KSFT_PASS,
 * KSFT_FAIL, KSFT_SKIP, or -1 when it did not run (yet). @reason, when not
 * NULL, gets its skip reason.
 */
int th_result(const char *full_name, const char **reason);

#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		return test_harness_run(argc, argv);			\
	}

/*
 * The lower layer, as kselftest.h's: for a program that reports several
 * checks of one run. One printer for every TAP line of the harness.
 */
void ksft_print_header(void);
/* The plan, before the results; ksft_finished() prints it when not set. */
void ksft_set_plan(unsigned int plan);
void ksft_print_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ksft_test_result(bool pass, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ksft_test_result_pass(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void ksft_test_result_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* @reason, then the line: "ok N - name # SKIP reason". */
void ksft_test_result_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
unsigned int ksft_get_fail_cnt(void);
unsigned int ksft_get_pass_cnt(void);
unsigned int ksft_get_skip_cnt(void);
/*
 * The totals and, if none was set, the plan; returns the exit status
 * (KSFT_FAIL on any failure, KSFT_SKIP when every result was a skip).
 */
int ksft_finished(void);

#endif /* SVM_TEST_HARNESS_H */
