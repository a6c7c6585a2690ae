// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: which kernel path caused each invalidate callback.
 *
 * While attribution is on (debugfs svm_edu/attribution), the callback saves
 * its stack and names the first rule, in the order below, that a frame's
 * function matches, and notes how large a range it got. This is the
 * dump_stack() exploration of "who calls the notifier, with what" made
 * into a table: debugfs svm_edu/sources.
 */
#include <linux/atomic.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "svm_edu.h"
#include "svm_edu_attrib.h"

const char *const svm_edu_source_names[SVM_EDU_NR_SOURCES] = {
	[SVM_EDU_SRC_ZAP_VMA_PTES] = "zap_vma_ptes",
	[SVM_EDU_SRC_EXIT] = "exit",
	[SVM_EDU_SRC_FORK] = "fork",
	[SVM_EDU_SRC_KSM] = "ksm",
	[SVM_EDU_SRC_THP] = "thp",
	[SVM_EDU_SRC_MIGRATION] = "migration",
	[SVM_EDU_SRC_COW] = "cow",
	[SVM_EDU_SRC_MPROTECT] = "mprotect",
	[SVM_EDU_SRC_MADVISE] = "madvise",
	[SVM_EDU_SRC_MREMAP] = "mremap",
	[SVM_EDU_SRC_UNMAP] = "unmap",
	[SVM_EDU_SRC_RECLAIM] = "reclaim",
	[SVM_EDU_SRC_OTHER] = "other",
};

const char *const svm_edu_range_names[SVM_EDU_NR_RANGES] = {
	[SVM_EDU_RNG_ONE] = "1",
	[SVM_EDU_RNG_SMALL] = "2-33",
	[SVM_EDU_RNG_LARGE] = "34+",
	[SVM_EDU_RNG_ALL] = "all",
};

/* Checked in this order; the first rule any frame matches wins. */
static const struct {
	const char *fn;		/* a substring of the function name */
	enum svm_edu_source src;
} rules[] = {
	/*
	 * zap_vma_ptes() (zap_special_vma_range() since 7.1) tail-calls the
	 * zapping and is never on the stack: our own ioctl frame is.
	 */
	{ "svm_edu_zap", SVM_EDU_SRC_ZAP_VMA_PTES },
	{ "zap_vma_ptes", SVM_EDU_SRC_ZAP_VMA_PTES },
	{ "zap_special_vma_range", SVM_EDU_SRC_ZAP_VMA_PTES },
	{ "exit_mmap", SVM_EDU_SRC_EXIT },
	{ "dup_mmap", SVM_EDU_SRC_FORK },	/* write-protects COW pages */
	{ "ksm", SVM_EDU_SRC_KSM },
	{ "khugepaged", SVM_EDU_SRC_THP },
	{ "collapse", SVM_EDU_SRC_THP },
	{ "split_huge", SVM_EDU_SRC_THP },
	{ "migrat", SVM_EDU_SRC_MIGRATION },
	{ "move_pages", SVM_EDU_SRC_MIGRATION },
	{ "wp_page_copy", SVM_EDU_SRC_COW },
	{ "do_wp_page", SVM_EDU_SRC_COW },
	/*
	 * Since 6.13 a write fault on the huge zero page gets a THP in
	 * do_huge_pmd_wp_page() (a PMD-level COW); before, the PMD was split
	 * (the "split_huge" rule above).
	 */
	{ "do_huge_pmd_wp_page", SVM_EDU_SRC_COW },
	{ "mprotect", SVM_EDU_SRC_MPROTECT },
	{ "madvise", SVM_EDU_SRC_MADVISE },
	{ "mremap", SVM_EDU_SRC_MREMAP },
	{ "move_page_tables", SVM_EDU_SRC_MREMAP },
	{ "munmap", SVM_EDU_SRC_UNMAP },
	{ "unmap_region", SVM_EDU_SRC_UNMAP },
	{ "try_to_unmap", SVM_EDU_SRC_RECLAIM },
	{ "shrink_", SVM_EDU_SRC_RECLAIM },
};

#define SVM_EDU_ATTRIB_DEPTH	40

bool svm_edu_attribution;
atomic64_t svm_edu_sources[SVM_EDU_NR_SOURCES][SVM_EDU_NR_RANGES];

static enum svm_edu_source classify(void)
{
	static char names[SVM_EDU_ATTRIB_DEPTH][KSYM_SYMBOL_LEN];
	static DEFINE_SPINLOCK(lock);
	unsigned long entries[SVM_EDU_ATTRIB_DEPTH], flags;
	enum svm_edu_source src = SVM_EDU_SRC_OTHER;
	unsigned int n, i, r;

	n = stack_trace_save(entries, ARRAY_SIZE(entries), 1);
	/* The name buffers are big: share one set, callbacks may nest. */
	spin_lock_irqsave(&lock, flags);
	for (i = 0; i < n; i++)
		sprint_symbol_no_offset(names[i], entries[i]);
	for (r = 0; r < ARRAY_SIZE(rules) && src == SVM_EDU_SRC_OTHER; r++)
		for (i = 0; i < n; i++)
			if (strstr(names[i], rules[r].fn)) {
				src = rules[r].src;
				break;
			}
	spin_unlock_irqrestore(&lock, flags);
	return src;
}

static enum svm_edu_range_class range_class(unsigned long start,
					    unsigned long end)
{
	unsigned long pages;

	if (!start && end == ULONG_MAX)
		return SVM_EDU_RNG_ALL;
	pages = (end - start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (pages <= 1)
		return SVM_EDU_RNG_ONE;
	return pages <= 33 ? SVM_EDU_RNG_SMALL : SVM_EDU_RNG_LARGE;
}

/**
 * svm_edu_attribute() - count the current invalidate callback by its cause
 * @start: first byte of the range the callback got
 * @end: one past its last byte (ULONG_MAX: the whole address space)
 *
 * Counts the callback under the kernel path that made it and the size of
 * its range. Does nothing unless attribution is enabled. Safe in atomic
 * context.
 */
void svm_edu_attribute(unsigned long start, unsigned long end)
{
	if (!READ_ONCE(svm_edu_attribution))
		return;
	atomic64_inc(&svm_edu_sources[classify()][range_class(start, end)]);
}
