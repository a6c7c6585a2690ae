/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SVM_EDU_ATTRIB_H
#define SVM_EDU_ATTRIB_H

#include <linux/atomic.h>

/* Kernel paths an invalidate callback is attributed to (svm_edu_attrib.c). */
enum svm_edu_source {
	SVM_EDU_SRC_ZAP_VMA_PTES,
	SVM_EDU_SRC_EXIT,
	SVM_EDU_SRC_FORK,
	SVM_EDU_SRC_KSM,
	SVM_EDU_SRC_THP,
	SVM_EDU_SRC_MIGRATION,
	SVM_EDU_SRC_COW,
	SVM_EDU_SRC_MPROTECT,
	SVM_EDU_SRC_MADVISE,
	SVM_EDU_SRC_MREMAP,
	SVM_EDU_SRC_UNMAP,
	SVM_EDU_SRC_RECLAIM,
	SVM_EDU_SRC_OTHER,
	SVM_EDU_NR_SOURCES
};

/*
 * The size of the range a callback got. x86 flushes up to 33 pages
 * (tlb_single_page_flush_ceiling) page by page; since 6.6 it reports a
 * larger flush to the notifier as the whole address space.
 */
enum svm_edu_range_class {
	SVM_EDU_RNG_ONE,	/* one page */
	SVM_EDU_RNG_SMALL,	/* 2 to 33 pages */
	SVM_EDU_RNG_LARGE,	/* more, but not everything */
	SVM_EDU_RNG_ALL,	/* [0, ULONG_MAX) */
	SVM_EDU_NR_RANGES
};

extern const char *const svm_edu_source_names[SVM_EDU_NR_SOURCES];
extern const char *const svm_edu_range_names[SVM_EDU_NR_RANGES];
extern bool svm_edu_attribution;
extern atomic64_t svm_edu_sources[SVM_EDU_NR_SOURCES][SVM_EDU_NR_RANGES];

void svm_edu_attrib_reset(void);

#endif /* SVM_EDU_ATTRIB_H */
