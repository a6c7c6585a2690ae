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

extern const char *const svm_edu_source_names[SVM_EDU_NR_SOURCES];
extern bool svm_edu_attribution;
extern atomic64_t svm_edu_sources[SVM_EDU_NR_SOURCES];

#endif /* SVM_EDU_ATTRIB_H */
