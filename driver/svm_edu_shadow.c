// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: shadow page-table bindings, the HMM way (docs/design.md, "Shadow
 * page-table mode").
 *
 * A shadow bond gives the device a page table of the driver's own, in the
 * device's x86-64 format, instead of the process's. It is filled with
 * hmm_range_fault() under the interval notifier's sequence protocol
 * (Documentation/mm/hmm.rst) on page requests and on SVM_EDU_IOC_PREFAULT,
 * and kept coherent by one mmu_interval_notifier over the whole address
 * space, whose invalidate clears the leaves of the range and flushes the
 * device IOTLB. The PASID entry carries the process's root as CROOT, for
 * the device's stale checker only.
 *
 * Locking: sh->lock (mutex) serializes fills, invalidations and the
 * statistics. It nests inside sdev->rwsem and outside sdev->inv_lock (the
 * flush). Nothing is allocated under it: reclaim can call the invalidate
 * callback, which takes it.
 */
#include <linux/delay.h>
#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/userfaultfd_k.h>

#include "svm_edu.h"

#define SH_P		BIT_ULL(0)
#define SH_RW		BIT_ULL(1)
#define SH_US		BIT_ULL(2)
#define SH_A		BIT_ULL(5)
#define SH_D		BIT_ULL(6)
#define SH_PS		BIT_ULL(7)
#define SH_ADDR		0x000ffffffffff000ull
/* A table entry pointing at the next level: every right, A preset. */
#define SH_TABLE	(SH_P | SH_RW | SH_US | SH_A)
#define SH_MAX_LEVELS	5
#define SH_PMD_PAGES	512
#define SH_PMD_SIZE	(SH_PMD_PAGES * PAGE_SIZE)
/* A page-request group's fill-around: one short try, never a wait. */
#define SH_AROUND_TIMEOUT_MS	10

/**
 * struct svm_edu_shadow - the device's page table of one shadow bond
 * @notifier: the interval notifier, over the whole user address space
 * @bond: the bond (device, PASID)
 * @lock: serializes fills, invalidations and the statistics
 * @root: the root table page
 * @levels: 4 or 5, as the CPU's
 * @inserted: @notifier is registered
 * @blocked: the bond's PASID is blocked (unbind): the device can use no
 *	translation of it, invalidations need no flush any more
 * @deaf: TEST ONLY (skip_release): invalidations are ignored since the
 *	address space's release
 * @planted: TEST ONLY: a knob left entries whose pages may be gone
 *	(shadow_skip_clear, shadow_skip_retry, skip_release): no page of this
 *	shadow is dirtied any more, it could be a free page
 * @pool: zeroed table pages allocated ahead of a fill (@lock)
 * @pool_n: how many
 * @stats: table pages, present leaves, fills, retries, invalidations
 */
struct svm_edu_shadow {
	struct mmu_interval_notifier notifier;
	struct svm_edu_bond *bond;
	struct mutex lock;	/* fills, invalidations, @stats */
	struct page *root;
	unsigned int levels;
	bool inserted;
	bool blocked;
	bool deaf;
	bool planted;
	struct page *pool[SH_MAX_LEVELS];
	unsigned int pool_n;
	struct svm_edu_shadow_stats stats;
};

#if IS_ENABLED(CONFIG_HMM_MIRROR)

static __le64 *sh_table(u64 e)
{
	return phys_to_virt(e & SH_ADDR);
}

static unsigned int sh_shift(unsigned int level)
{
	return PAGE_SHIFT + 9 * (level - 1);
}

/* The user half of the shadow's address space: [0, 2^47) or [0, 2^56). */
static unsigned long sh_top(struct svm_edu_shadow *sh)
{
	return 1UL << (sh_shift(sh->levels) + 8);
}

/*
 * A writable leaf's page, as it leaves the shadow: marked dirty, as RDMA
 * ODP does at unmap. Shadow entries are made dirty (D set) when filled, so
 * the device never writes the D bit of the process's PTE, which may be
 * clean while writable (MADV_FREE, a read swap-in of an exclusive page).
 * Without this, reclaim would take such a page for clean and drop what
 * the device wrote. Called before the CPU's PTE changes (the notifier runs
 * from invalidate_range_start), so the page is still mapped; set_page_dirty()
 * without the page lock, as ODP, because the range's unmap waits on
 * sh->lock, which the caller holds.
 */
static void sh_dirty(struct svm_edu_shadow *sh, u64 e)
{
	if (!(e & SH_RW) || sh->planted ||
	    svm_edu_injected(SVM_EDU_INJ_SHADOW_SKIP_DIRTY))
		return;
	set_page_dirty(pfn_to_page(PHYS_PFN(e & SH_ADDR)));
}

/*
 * Clear the leaves of [start, end) in @table of @level, which spans
 * [base, base + 2^(shift + 9)), dirtying the pages of writable ones. A
 * 2 MiB leaf overlapping the range is cleared whole. Returns how many
 * leaves were present.
 */
static u64 sh_clear(struct svm_edu_shadow *sh, __le64 *table,
		    unsigned int level, unsigned long start, unsigned long end)
{
	unsigned int shift = sh_shift(level);
	unsigned long va = start;
	u64 cleared = 0;

	while (va < end) {
		unsigned int idx = (va >> shift) & 511;
		unsigned long next = ((va >> shift) + 1) << shift;
		u64 e = le64_to_cpu(READ_ONCE(table[idx]));

		if (!next || next > end)
			next = end;
		if (e & SH_P) {
			if (level == 1 || (e & SH_PS)) {
				WRITE_ONCE(table[idx], 0);
				sh_dirty(sh, e);
				cleared++;
			} else {
				cleared += sh_clear(sh, sh_table(e), level - 1,
						    va, next);
			}
		}
		va = next;
	}
	return cleared;
}

static void sh_free_tables(u64 e, unsigned int level)
{
	__le64 *table = sh_table(e);
	unsigned int i;

	if (level > 1) {
		for (i = 0; i < 512; i++) {
			u64 c = le64_to_cpu(table[i]);

			if ((c & SH_P) && !(c & SH_PS))
				sh_free_tables(c, level - 1);
		}
	}
	free_page((unsigned long)table);
}

/* Room for one 2 MiB block's tables, allocated without sh->lock. */
static int sh_refill(struct svm_edu_shadow *sh)
{
	struct page *pages[SH_MAX_LEVELS];
	unsigned int n = 0, need, i;

	mutex_lock(&sh->lock);
	need = sh->levels - 1 - min(sh->pool_n, sh->levels - 1);
	mutex_unlock(&sh->lock);
	for (i = 0; i < need; i++) {
		pages[n] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[n])
			break;
		n++;
	}
	mutex_lock(&sh->lock);
	while (n && sh->pool_n < sh->levels - 1)
		sh->pool[sh->pool_n++] = pages[--n];
	need = sh->pool_n < sh->levels - 1;
	mutex_unlock(&sh->lock);
	while (n)
		__free_page(pages[--n]);
	return need ? -ENOMEM : 0;
}

/*
 * The entry of @va at @level (1: the PTE, 2: the PDE), creating the tables
 * above it from the pool. A 2 MiB leaf in the way of a 4 KiB one is
 * replaced by a table (and the device's copy of it flushed). sh->lock held.
 */
static __le64 *sh_entry(struct svm_edu_shadow *sh, unsigned long va,
			unsigned int level)
{
	__le64 *table = page_address(sh->root);
	unsigned int l;

	for (l = sh->levels; l > level; l--) {
		__le64 *slot = &table[(va >> sh_shift(l)) & 511];
		u64 e = le64_to_cpu(READ_ONCE(*slot));

		if (!(e & SH_P) || (e & SH_PS)) {
			struct page *page;

			if (WARN_ON_ONCE(!sh->pool_n))
				return NULL;
			page = sh->pool[--sh->pool_n];
			sh->stats.table_pages++;
			/* The zeroed table before the entry that links it. */
			dma_wmb();
			WRITE_ONCE(*slot, cpu_to_le64(page_to_phys(page) |
						      SH_TABLE));
			if (e & SH_PS) {
				unsigned long base = va & ~(SH_PMD_SIZE - 1);

				sh_dirty(sh, e);
				sh->stats.entries--;
				svm_edu_flush_range(sh->bond->sdev,
						    sh->bond->smm->pasid, base,
						    base + SH_PMD_SIZE);
			}
			e = le64_to_cpu(READ_ONCE(*slot));
		}
		table = sh_table(e);
	}
	return &table[(va >> sh_shift(level)) & 511];
}

static bool sh_table_empty(const __le64 *table)
{
	unsigned int i;

	for (i = 0; i < 512; i++)
		if (READ_ONCE(table[i]))
			return false;
	return true;
}

/*
 * A table page unlinked from the tree: once the device has finished any
 * walk that may have read the old link (a flush waits for its chunk in
 * progress), the page is back in the pool, or freed. sh->lock held.
 */
static void sh_retire(struct svm_edu_shadow *sh, u64 e, unsigned long base)
{
	struct page *page = virt_to_page(sh_table(e));

	svm_edu_flush_range(sh->bond->sdev, sh->bond->smm->pasid, base,
			    base + SH_PMD_SIZE);
	sh->stats.table_pages--;
	if (sh->pool_n < ARRAY_SIZE(sh->pool))
		sh->pool[sh->pool_n++] = page;
	else
		__free_page(page);
}

static void sh_set_leaf(struct svm_edu_shadow *sh, __le64 *slot, u64 val)
{
	if (!(le64_to_cpu(READ_ONCE(*slot)) & SH_P))
		sh->stats.entries++;
	WRITE_ONCE(*slot, cpu_to_le64(val));
}

/*
 * Write the leaves of [start, end), one 2 MiB block at most, from the
 * hmm_range_fault() result @pfns. sh->lock held, the pool full.
 */
static int sh_write(struct svm_edu_shadow *sh, unsigned long start,
		    unsigned long end, const unsigned long *pfns)
{
	unsigned long va, n = (end - start) >> PAGE_SHIFT, i;
	__le64 *slot;

	if (hmm_pfn_to_map_order(pfns[0]) >= 9) {
		unsigned long base = start & ~(SH_PMD_SIZE - 1);
		unsigned long pfn = page_to_pfn(hmm_pfn_to_page(pfns[0])) -
				    ((start - base) >> PAGE_SHIFT);
		u64 e;

		slot = sh_entry(sh, base, 2);
		if (!slot)
			return -ENOMEM;
		e = le64_to_cpu(READ_ONCE(*slot));
		/*
		 * A 4 KiB table there (the block was mapped in 4 KiB pages
		 * before, a THP collapse since): an empty one gives way to the
		 * 2 MiB leaf; one with entries still present is filled
		 * instead.
		 */
		if ((e & SH_P) && !(e & SH_PS) && sh_table_empty(sh_table(e))) {
			WRITE_ONCE(*slot, 0);
			sh_retire(sh, e, base);
			e = 0;
		}
		if (!(e & SH_P) || (e & SH_PS)) {
			sh_set_leaf(sh, slot, PFN_PHYS(pfn) | SH_P | SH_US |
				    SH_A | SH_PS |
				    ((pfns[0] & HMM_PFN_WRITE) ?
				     SH_RW | SH_D : 0));
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		u64 val;

		va = start + (i << PAGE_SHIFT);
		slot = sh_entry(sh, va, 1);
		if (!slot)
			return -ENOMEM;
		val = PFN_PHYS(page_to_pfn(hmm_pfn_to_page(pfns[i]))) |
		      SH_P | SH_US | SH_A;
		if (pfns[i] & HMM_PFN_WRITE)
			val |= SH_RW | SH_D;
		sh_set_leaf(sh, slot, val);
	}
	return 0;
}

/* TEST ONLY (fill_gap_us): widen the window between fault and lock. */
static noinline void sh_fill_gap(struct svm_edu_shadow *sh)
{
	u32 us = READ_ONCE(svm_edu_inject[SVM_EDU_INJ_FILL_GAP_US]);

	if (us)
		usleep_range(us, us + us / 4 + 1);
}

/*
 * Fill [start, end), within one 2 MiB block, by the interval notifier's
 * protocol: read_begin, hmm_range_fault(), the lock, read_retry. Returns
 * 0, -EFAULT (nothing mapped there, or not allowed), -EPERM (a write to a
 * read-only VMA), -EBUSY (still racing at @deadline), -EINTR or -ENOMEM.
 */
static int sh_fill_block(struct svm_edu_shadow *sh, struct mm_struct *mm,
			 unsigned long start, unsigned long end, bool write,
			 unsigned long deadline, unsigned long *pfns)
{
	struct svm_edu_dev *sdev = sh->bond->sdev;
	struct hmm_range range = {
		.notifier = &sh->notifier,
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT |
				 (write ? HMM_PFN_REQ_WRITE : 0),
	};
	int ret;

	ret = sh_refill(sh);
	if (ret)
		return ret;
	for (;;) {
		if (time_after(jiffies, deadline))
			return -EBUSY;
		if (fatal_signal_pending(current))
			return -EINTR;
		range.notifier_seq = mmu_interval_read_begin(&sh->notifier);
		mmap_read_lock(mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(mm);
		if (ret == -EBUSY) {
			svm_edu_count(sdev, SVM_EDU_DC_SHADOW_RETRIES, 1);
			continue;
		}
		if (ret)
			return ret;
		if (static_branch_unlikely(&svm_edu_inject_key))
			sh_fill_gap(sh);
		mutex_lock(&sh->lock);
		if (svm_edu_injected(SVM_EDU_INJ_SHADOW_SKIP_RETRY)) {
			/* Test-only bug: write what may be outdated by now. */
			if (mmu_interval_check_retry(&sh->notifier,
						     range.notifier_seq)) {
				svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
				sh->planted = true;
			}
		} else if (mmu_interval_read_retry(&sh->notifier,
						   range.notifier_seq)) {
			sh->stats.retries++;
			mutex_unlock(&sh->lock);
			svm_edu_count(sdev, SVM_EDU_DC_SHADOW_RETRIES, 1);
			continue;
		}
		/* The pool may have been used by a racing fill: refill. */
		if (sh->pool_n < sh->levels - 1) {
			mutex_unlock(&sh->lock);
			ret = sh_refill(sh);
			if (ret)
				return ret;
			continue;
		}
		ret = sh_write(sh, start, end, pfns);
		sh->stats.fills++;
		mutex_unlock(&sh->lock);
		svm_edu_count(sdev, SVM_EDU_DC_SHADOW_FILLS, 1);
		return ret;
	}
}

/**
 * svm_edu_shadow_fill() - fill the shadow table for a range
 * @sh: the bond's shadow
 * @mm: its address space, with a reference (mmget) held
 * @start: first byte
 * @len: bytes (rounded out to pages)
 * @write: make the pages writable (a write fault, as the CPU would take)
 * @timeout_ms: give up (-EBUSY) when still racing after this long
 *
 * Context: process, no locks held.
 * Return: 0 or a negative errno (see sh_fill_block()).
 */
int svm_edu_shadow_fill(struct svm_edu_shadow *sh, struct mm_struct *mm,
			u64 start, u64 len, bool write, unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	unsigned long va, end;
	unsigned long *pfns;
	int ret = 0;

	might_sleep();
	if (!len || start + len < start || start + len > TASK_SIZE_MAX ||
	    start + len > sh_top(sh))
		return -EFAULT;
	va = start & PAGE_MASK;
	end = PAGE_ALIGN(start + len);
	pfns = kmalloc_array(SH_PMD_PAGES, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	while (va < end && !ret) {
		unsigned long next = min(end, (va & ~(SH_PMD_SIZE - 1)) +
					      SH_PMD_SIZE);

		ret = sh_fill_block(sh, mm, va, next, write, deadline, pfns);
		va = next;
		if (!ret && va < end)
			cond_resched();
	}
	kfree(pfns);
	return ret;
}

/* Is @va mapped in the shadow (any rights)? */
static bool sh_present(struct svm_edu_shadow *sh, unsigned long va)
{
	__le64 *table = page_address(sh->root);
	unsigned int l;
	bool present = false;

	mutex_lock(&sh->lock);
	for (l = sh->levels; l >= 1; l--) {
		u64 e = le64_to_cpu(READ_ONCE(table[(va >> sh_shift(l)) & 511]));

		if (!(e & SH_P))
			break;
		if (l == 1 || (e & SH_PS)) {
			present = true;
			break;
		}
		table = sh_table(e);
	}
	mutex_unlock(&sh->lock);
	return present;
}

/**
 * svm_edu_shadow_fault() - a page request of a shadow binding
 * @sh: the bond's shadow
 * @mm: its address space, with a reference (mmget) held
 * @addr: the page
 * @write: the device wants to write
 * @timeout_ms: give up (-EBUSY) when still racing after this long
 *
 * Fills the page's entry. A write to a page whose VMA does not allow
 * writing is mapped read-only and answered success the first time, so
 * that the device's retry meets a write-protect fault as it would on the
 * process's own table (PERM_FAULT, as sva): the second request for it,
 * with the read-only entry present, fails. Context: process.
 * Return: 0 or a negative errno (see svm_edu_shadow_fill()).
 */
int svm_edu_shadow_fault(struct svm_edu_shadow *sh, struct mm_struct *mm,
			 u64 addr, bool write, unsigned int timeout_ms)
{
	int ret = svm_edu_shadow_fill(sh, mm, addr, PAGE_SIZE, write,
				      timeout_ms);

	if (ret == -EPERM && write && !sh_present(sh, addr))
		ret = svm_edu_shadow_fill(sh, mm, addr, PAGE_SIZE, false,
					  timeout_ms);
	return ret;
}

/**
 * svm_edu_shadow_around() - fill the rest of a page-request group
 * @sh: the bond's shadow
 * @mm: its address space, with a reference (mmget) held
 * @addr: the group's first page, already filled
 * @npages: pages in the group, @addr's included
 * @write: the device wants to write
 *
 * The shadow's fault-around: hmm_range_fault() maps a range all or
 * nothing, so the range stops at the end of @addr's VMA, and a VMA that
 * does not allow the access, or a userfaultfd one, gets nothing. One short
 * try, as the SVA path's fault-around never waits: a page left out is
 * requested on its own later. Context: process, no locks held.
 * Return: the pages filled beyond @addr.
 */
u32 svm_edu_shadow_around(struct svm_edu_shadow *sh, struct mm_struct *mm,
			  u64 addr, u32 npages, bool write)
{
	struct vm_area_struct *vma;
	u64 start = addr + PAGE_SIZE, end = addr + (u64)npages * PAGE_SIZE;

	if (npages < 2)
		return 0;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	if (!vma || !(vma->vm_flags & (write ? VM_WRITE : VM_READ)) ||
	    userfaultfd_armed(vma)) {
		mmap_read_unlock(mm);
		return 0;
	}
	end = min_t(u64, end, vma->vm_end);
	mmap_read_unlock(mm);
	if (svm_edu_shadow_fill(sh, mm, start, end - start, write,
				SH_AROUND_TIMEOUT_MS))
		return 0;
	return (end - start) >> PAGE_SHIFT;
}

/*
 * The interval notifier: clear the range's leaves, flush the device IOTLB
 * (one doorbell), and bump the sequence so that a fill in progress starts
 * again. Sleeps only on sh->lock, and not when the range may not block.
 *
 * It runs from invalidate_range_start, before the page tables change:
 * unlike an SVA flush there, that is enough, because the device can only
 * get the old translation back through a fill, and a fill cannot complete
 * until invalidate_range_end (mmu_interval_read_begin() waits for it, and
 * mmu_interval_read_retry() sees the sequence moved).
 */
static bool sh_invalidate(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	struct svm_edu_shadow *sh = container_of(mni, struct svm_edu_shadow,
						 notifier);
	struct svm_edu_dev *sdev = sh->bond->sdev;
	unsigned long end = min(range->end, sh_top(sh));
	unsigned long flush_end = range->end;
	u32 pasid = sh->bond->smm->pasid;
	bool flush = false;
	u64 cleared = 0;

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&sh->lock);
	else if (!mutex_trylock(&sh->lock))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	sh->stats.invalidations++;
	svm_edu_count(sdev, SVM_EDU_DC_NOTIFIER_CALLS, 1);
	/*
	 * Test-only bug (skip_release), the shadow's form of the sva one:
	 * the teardown of the address space is ignored, from its release
	 * on: the shadow keeps every entry and the device its IOTLB.
	 */
	if (sh->deaf || (range->event == MMU_NOTIFY_RELEASE &&
			 svm_edu_injected(SVM_EDU_INJ_SKIP_RELEASE))) {
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		sh->deaf = true;
		sh->planted = true;
		mutex_unlock(&sh->lock);
		return true;
	}
	if (range->start < end) {
		if (svm_edu_injected(SVM_EDU_INJ_SHADOW_SKIP_CLEAR)) {
			/* Test-only bug: the shadow keeps the old entries. */
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
			sh->planted = true;
			flush = true;
		} else {
			cleared = sh_clear(sh, page_address(sh->root),
					   sh->levels, range->start, end);
			sh->stats.entries -= cleared;
			flush = cleared;
		}
	}
	/*
	 * A blocked PASID (unbind, or .release: dead) has nothing the device
	 * could use: no flush, which also keeps a device being removed from
	 * getting commands.
	 */
	if (sh->blocked || READ_ONCE(sh->bond->dead))
		flush = false;
	/* Test-only bugs of the flush, as for SVA: skip, short, wrong PASID. */
	if (flush && static_branch_unlikely(&svm_edu_inject_key) &&
	    svm_edu_mn_inject(sdev, &pasid, range->start, &flush_end))
		flush = false;
	if (flush)
		svm_edu_flush_range(sdev, pasid, range->start, flush_end);
	mutex_unlock(&sh->lock);
	return true;
}

static const struct mmu_interval_notifier_ops sh_ops = {
	.invalidate = sh_invalidate,
};

/**
 * svm_edu_shadow_alloc() - an empty shadow table for a new bond
 * @bond: the bond (sdev and smm set)
 * @mm: its address space
 *
 * Registers the interval notifier before the PASID entry can be valid, so
 * that no invalidation is missed. Context: process, may sleep.
 * Return: the shadow or an ERR_PTR().
 */
struct svm_edu_shadow *svm_edu_shadow_alloc(struct svm_edu_bond *bond,
					    struct mm_struct *mm)
{
	struct svm_edu_shadow *sh;
	int ret;

	sh = kzalloc(sizeof(*sh), GFP_KERNEL);
	if (!sh)
		return ERR_PTR(-ENOMEM);
	sh->bond = bond;
	mutex_init(&sh->lock);
	sh->levels = pgtable_l5_enabled() ? 5 : 4;
	sh->root = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!sh->root) {
		kfree(sh);
		return ERR_PTR(-ENOMEM);
	}
	sh->stats.table_pages = 1;
	ret = mmu_interval_notifier_insert(&sh->notifier, mm, 0,
					   TASK_SIZE_MAX & PAGE_MASK, &sh_ops);
	if (ret) {
		__free_page(sh->root);
		kfree(sh);
		return ERR_PTR(ret);
	}
	sh->inserted = true;
	return sh;
}

/**
 * svm_edu_shadow_block() - the bond's PASID is blocked on the device
 * @sh: the shadow, or NULL
 *
 * From now on invalidations clear the shadow without flushing the device.
 * Context: process (unbind, removal), after svm_edu_pasid_block().
 */
void svm_edu_shadow_block(struct svm_edu_shadow *sh)
{
	if (!sh)
		return;
	mutex_lock(&sh->lock);
	sh->blocked = true;
	mutex_unlock(&sh->lock);
}

/**
 * svm_edu_shadow_free() - unregister and free a bond's shadow table
 * @sh: the shadow, or NULL
 *
 * The PASID is blocked and the device drained (no page request of the
 * bond is being handled). Waits for an invalidation in progress.
 * Context: process, no locks held.
 */
void svm_edu_shadow_free(struct svm_edu_shadow *sh)
{
	unsigned int i;

	if (!sh)
		return;
	/*
	 * The pages the shadow still maps are mapped by the CPU until the
	 * notifier is gone: their dirtiness is passed on now, under the lock
	 * that an unmap of them waits for.
	 */
	mutex_lock(&sh->lock);
	sh_clear(sh, page_address(sh->root), sh->levels, 0, sh_top(sh));
	mutex_unlock(&sh->lock);
	if (sh->inserted)
		mmu_interval_notifier_remove(&sh->notifier);
	sh_free_tables(page_to_phys(sh->root), sh->levels);
	for (i = 0; i < sh->pool_n; i++)
		__free_page(sh->pool[i]);
	kfree(sh);
}

/**
 * svm_edu_shadow_root() - the physical address of the shadow's root
 * @sh: the shadow
 *
 * Return: what goes into the PASID entry's PGD.
 */
u64 svm_edu_shadow_root(struct svm_edu_shadow *sh)
{
	return page_to_phys(sh->root);
}

/**
 * svm_edu_shadow_get_stats() - a snapshot of the shadow's statistics
 * @sh: the shadow
 * @st: gets them
 */
void svm_edu_shadow_get_stats(struct svm_edu_shadow *sh,
			      struct svm_edu_shadow_stats *st)
{
	mutex_lock(&sh->lock);
	*st = sh->stats;
	mutex_unlock(&sh->lock);
}

#else /* !CONFIG_HMM_MIRROR */

struct svm_edu_shadow *svm_edu_shadow_alloc(struct svm_edu_bond *bond,
					    struct mm_struct *mm)
{
	return ERR_PTR(-EOPNOTSUPP);
}

void svm_edu_shadow_free(struct svm_edu_shadow *sh)
{
}

void svm_edu_shadow_block(struct svm_edu_shadow *sh)
{
}

int svm_edu_shadow_fill(struct svm_edu_shadow *sh, struct mm_struct *mm,
			u64 start, u64 len, bool write, unsigned int timeout_ms)
{
	return -EOPNOTSUPP;
}

int svm_edu_shadow_fault(struct svm_edu_shadow *sh, struct mm_struct *mm,
			 u64 addr, bool write, unsigned int timeout_ms)
{
	return -EOPNOTSUPP;
}

u64 svm_edu_shadow_root(struct svm_edu_shadow *sh)
{
	return 0;
}

void svm_edu_shadow_get_stats(struct svm_edu_shadow *sh,
			      struct svm_edu_shadow_stats *st)
{
	memset(st, 0, sizeof(*st));
}

#endif /* CONFIG_HMM_MIRROR */
