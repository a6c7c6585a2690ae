/* SPDX-License-Identifier: MIT */
/*
 * Minimal TAP producer for the host unit tests.
 */
#ifndef SVM_EDU_TAP_H
#define SVM_EDU_TAP_H

#include <inttypes.h>
#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_u64(got, want, ...)						\
	do {								\
		uint64_t g_ = (got), w_ = (want);			\
		if (!ok(g_ == w_, __VA_ARGS__))				\
			printf("#   got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", \
			       g_, w_);					\
	} while (0)

static inline int tap_ok(int pass, const char *file, int line,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static inline int tap_ok(int pass, const char *file, int line,
			 const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		printf("#   at %s:%d\n", file, line);
		tap_failed++;
	}
	return pass;
}

/* Prints the plan; the exit status of the test program. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* SVM_EDU_TAP_H */
