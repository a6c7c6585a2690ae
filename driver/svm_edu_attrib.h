/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SVM_EDU_ATTRIB_H
#define SVM_EDU_ATTRIB_H

#include <linux/atomic.h>

/*
 * Kernel paths an invalidate callback is attributed to (svm_edu_attrib.c),
 * as debugfs svm_edu/sources names them.
 */
#define SVM_EDU_SOURCES(X) \
	X(ZAP_VMA_PTES, "zap_vma_ptes") \
	X(EXIT, "exit") \
	X(FORK, "fork") \
	X(KSM, "ksm") \
	X(THP, "thp") \
	X(MIGRATION, "migration") \
	X(COW, "cow") \
	X(MPROTECT, "mprotect") \
	X(MADVISE, "madvise") \
	X(MREMAP, "mremap") \
	X(UNMAP, "unmap") \
	X(RECLAIM, "reclaim") \
	X(OTHER, "other")

/*
 * The size of the range a callback got. x86 flushes up to 33 pages
 * (tlb_single_page_flush_ceiling) page by page; since 6.6 it reports a
 * larger flush to the notifier as the whole address space.
 */
#define SVM_EDU_RANGE_CLASSES(X) \
	X(ONE, "1")		/* one page */ \
	X(SMALL, "2-33")	/* 2 to 33 pages */ \
	X(LARGE, "34+")		/* more, but not everything */ \
	X(ALL, "all")		/* [0, ULONG_MAX) */

#define SVM_EDU_SRC_ENUM_(id, name)	SVM_EDU_SRC_##id,
enum svm_edu_source {
	SVM_EDU_SOURCES(SVM_EDU_SRC_ENUM_)
	SVM_EDU_NR_SOURCES
};
#undef SVM_EDU_SRC_ENUM_

#define SVM_EDU_RNG_ENUM_(id, name)	SVM_EDU_RNG_##id,
enum svm_edu_range_class {
	SVM_EDU_RANGE_CLASSES(SVM_EDU_RNG_ENUM_)
	SVM_EDU_NR_RANGES
};
#undef SVM_EDU_RNG_ENUM_

extern const char *const svm_edu_source_names[SVM_EDU_NR_SOURCES];
extern const char *const svm_edu_range_names[SVM_EDU_NR_RANGES];
extern bool svm_edu_attribution;
extern atomic64_t svm_edu_sources[SVM_EDU_NR_SOURCES][SVM_EDU_NR_RANGES];

void svm_edu_attrib_reset(void);

#endif /* SVM_EDU_ATTRIB_H */
