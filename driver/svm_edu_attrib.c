// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: which kernel path caused each invalidate callback.
 *
 * While attribution is on (debugfs svm_edu/attribution), the callback saves
 * its stack and names the first rule, in the order below, that a frame's
 * function matches, and notes how large a range it got. This is the
 * dump_stack() exploration of "who calls the notifier, with what" made
 * into a table: debugfs svm_edu/sources.
 *
 * The secondary-TLB callback, the one that flushes, gets no
 * mmu_notifier_range and so no event: the stack is all there is. Naming
 * each frame (kallsyms) and matching the names costs microseconds per
 * frame, so each return address is named and matched once: the verdict,
 * the best rule its function matches or none, goes into a lock-free cache
 * that every later callback only reads. The stack walk remains.
 * Writing to debugfs svm_edu/sources empties the cache with the counts.
 */
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "svm_edu.h"
#include "svm_edu_attrib.h"

#define SVM_EDU_NAME_(id, name) \
	name,
const char *const svm_edu_source_names[SVM_EDU_NR_SOURCES] = {
	SVM_EDU_SOURCES(SVM_EDU_NAME_)
};

const char *const svm_edu_range_names[SVM_EDU_NR_RANGES] = {
	SVM_EDU_RANGE_CLASSES(SVM_EDU_NAME_)
};
#undef SVM_EDU_NAME_

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

/*
 * The verdict cache. A slot is 0 (free) or, written once by cmpxchg, the
 * return address's low 32 bits above the verdict byte: the index of the
 * best rule its function matches, plus 1, or NO_RULE. Kernel and module
 * text lie in the top 2 GiB on x86-64 (and in 32 bits elsewhere), so the
 * low half names the address; any other address is named every time. A
 * slot never changes once written, so a reader needs no lock: a text
 * address that module unloading frees and reuses could only get a stale
 * verdict until the table is reset (module init, or a write to sources).
 */
#define CACHE_BITS	10
#define CACHE_PROBES	8
#define NO_RULE		0xff
static u64 cache[1 << CACHE_BITS];

static_assert(ARRAY_SIZE(rules) + 1 < NO_RULE);

/* The high half every cacheable text address has. */
#define TEXT_HIGH	(BITS_PER_LONG == 64 ? U32_MAX : 0)

/* Name the function at @addr and find the best rule it matches: slow. */
static u8 resolve(unsigned long addr)
{
	/* KSYM_SYMBOL_LEN is too big for the stack of a notifier callback. */
	static char name[KSYM_SYMBOL_LEN];
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	unsigned int r;

	spin_lock_irqsave(&lock, flags);
	sprint_symbol_no_offset(name, addr);
	for (r = 0; r < ARRAY_SIZE(rules); r++)
		if (strstr(name, rules[r].fn))
			break;
	spin_unlock_irqrestore(&lock, flags);
	return r < ARRAY_SIZE(rules) ? r + 1 : NO_RULE;
}

/* The verdict for the return address @addr, from the cache if there. */
static u8 frame_verdict(unsigned long addr)
{
	u32 key = lower_32_bits(addr), h, i;
	u64 slot;
	u8 v;

	if (upper_32_bits(addr) != TEXT_HIGH)
		return resolve(addr);
	h = hash_32(key, CACHE_BITS);
	for (i = 0; i < CACHE_PROBES; i++) {
		u64 *p = &cache[(h + i) & (ARRAY_SIZE(cache) - 1)];

		slot = READ_ONCE(*p);
		if (slot && upper_32_bits(slot) == key)
			return slot & 0xff;
		if (slot)
			continue;
		/* First time here: name it, and keep the verdict if the slot
		 * is still free (another CPU may have taken it meanwhile).
		 */
		v = resolve(addr);
		(void)cmpxchg64(p, 0, (u64)key << 32 | v);
		return v;
	}
	/* The neighbourhood is full: rare with 1024 slots, just slower. */
	return resolve(addr);
}

static enum svm_edu_source classify(void)
{
	unsigned long entries[SVM_EDU_ATTRIB_DEPTH];
	unsigned int n, i;
	u8 best = NO_RULE;

	n = stack_trace_save(entries, ARRAY_SIZE(entries), 1);
	for (i = 0; i < n && best > 1; i++)
		best = min(best, frame_verdict(entries[i]));
	return best == NO_RULE ? SVM_EDU_SRC_OTHER : rules[best - 1].src;
}

/**
 * svm_edu_attrib_reset() - forget the verdicts of return addresses
 *
 * For a text address that may now belong to another function (a module
 * unloaded and another loaded at its place). Callbacks running meanwhile
 * may still use an old verdict or name a frame twice; both are harmless.
 */
void svm_edu_attrib_reset(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cache); i++)
		WRITE_ONCE(cache[i], 0);
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
