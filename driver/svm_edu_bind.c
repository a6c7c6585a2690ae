// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: binding address spaces to PASIDs, and the mmu_notifier that keeps
 * the device IOTLB coherent with the CPU page tables.
 *
 * One struct svm_edu_mm per mm (mmu_notifier_get() finds or allocates it),
 * holding the PASID, which is the same on every device. One struct
 * svm_edu_bond per (mm, device), shared by every file of that process bound
 * on that device.
 *
 * A PASID is handed out again only after every device it was bound on has
 * consumed every descriptor and page request of the old binding: unbinding
 * blocks the PASID, then waits (bounded) for the device's rings to move
 * past what was queued; a device that does not drain in time keeps the
 * PASID quarantined until it has. docs/driver.md lists the steps.
 */
#include <linux/delay.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "svm_edu.h"
#include "svm_edu_compat.h"
#include "svm_edu_trace.h"

DEFINE_MUTEX(svm_edu_bind_lock);
static DEFINE_IDA(svm_edu_pasid_ida);
/* PASID -> struct svm_edu_mm, for the page-request thread. */
static DEFINE_XARRAY(svm_edu_pasids);

static unsigned int max_pasids = 1024;
module_param(max_pasids, uint, 0444);
MODULE_PARM_DESC(max_pasids, "PASIDs (address spaces) the driver hands out, at most 2^20");

static unsigned int drain_timeout_ms = 100;
module_param(drain_timeout_ms, uint, 0644);
MODULE_PARM_DESC(drain_timeout_ms,
		 "how long an unbind waits for the device to drain the PASID before quarantining it");

/* How often quarantined PASIDs are looked at. */
#define SVM_EDU_QUARANTINE_POLL_MS	10

static struct svm_edu_mm *to_smm(struct mmu_notifier *mn)
{
	return container_of(mn, struct svm_edu_mm, mn);
}

/*
 * The fault-injection knobs of the flush (test only), out of line: the
 * callback reaches them only while a knob is on (svm_edu_inject_key).
 * A shortened @end stays short for the mm's next bonds, as it always did.
 * Shadow bindings' invalidations use them too: their IOTLB flush is the
 * same. Return: true to skip this bond's flush.
 */
noinline bool svm_edu_mn_inject(struct svm_edu_dev *sdev, u32 *pasid,
				       unsigned long start, unsigned long *end)
{
	if (READ_ONCE(svm_edu_inject[SVM_EDU_INJ_SKIP_FLUSH])) {
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		return true;
	}
	if (READ_ONCE(svm_edu_inject[SVM_EDU_INJ_SHORT_FLUSH]) &&
	    *end != ULONG_MAX && *end - start >= PAGE_SIZE) {
		*end -= PAGE_SIZE;
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
	}
	if (READ_ONCE(svm_edu_inject[SVM_EDU_INJ_WRONG_PASID])) {
		*pasid ^= 1;
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
	}
	return false;
}

/*
 * Flush [start, end) of the mm's PASID on every device it is bound on. Takes
 * only a spinlock and the flush polls: safe in atomic context, which a
 * non-blockable invalidate_range_start is (flush_at_start).
 */
static void svm_edu_mn_flush(struct svm_edu_mm *smm, unsigned long start,
			     unsigned long end)
{
	struct svm_edu_bond *bond;
	unsigned long flags;

	spin_lock_irqsave(&smm->lock, flags);
	list_for_each_entry(bond, &smm->bonds, mm_node) {
		struct svm_edu_dev *sdev = bond->sdev;
		u32 pasid = smm->pasid;

		/* A shadow bond's interval notifier does its own. */
		if (bond->shadow)
			continue;
		svm_edu_count(sdev, SVM_EDU_DC_NOTIFIER_CALLS, 1);
		if (bond->dead)
			continue;
		/* Test-only bugs, for the negative controls (debugfs). */
		if (static_branch_unlikely(&svm_edu_inject_key) &&
		    svm_edu_mn_inject(sdev, &pasid, start, &end))
			continue;
		svm_edu_flush_range(sdev, pasid, start, end);
	}
	spin_unlock_irqrestore(&smm->lock, flags);
}

/* Once the page tables have changed: the secondary-TLB callback. */
static void svm_edu_mn_invalidate(struct mmu_notifier *mn,
				  struct mm_struct *mm, unsigned long start,
				  unsigned long end)
{
	svm_edu_attribute(start, end);
	svm_edu_mn_flush(to_smm(mn), start, end);
}

/*
 * TEST ONLY (flush_at_start): the flush in invalidate_range_start, before
 * the page tables change, and none after: the device may walk the old
 * entry again in between and keep it. The flush does not sleep, so a range
 * that is not blockable is fine; start_gap_us widens the window, sleeping
 * only where the range may block.
 */
static int svm_edu_mn_start(struct mmu_notifier *mn,
			    const struct mmu_notifier_range *range)
{
	struct svm_edu_mm *smm = to_smm(mn);
	struct svm_edu_bond *bond;
	unsigned long flags;
	u32 gap;

	svm_edu_attribute(range->start, range->end);
	spin_lock_irqsave(&smm->lock, flags);
	list_for_each_entry(bond, &smm->bonds, mm_node)
		if (!bond->dead)
			svm_edu_count(bond->sdev, SVM_EDU_DC_INJECTED, 1);
	spin_unlock_irqrestore(&smm->lock, flags);
	svm_edu_mn_flush(smm, range->start, range->end);
	gap = svm_edu_injected(SVM_EDU_INJ_START_GAP_US);
	if (gap && mmu_notifier_range_blockable(range))
		usleep_range(gap, gap + gap / 4 + 1);
	else if (gap)
		udelay(min(gap, 1000U));
	return 0;
}

static const struct mmu_notifier_ops svm_edu_mn_start_ops;

/*
 * Called from exit_mmap() before the page tables are torn down, and no
 * invalidation follows it: block the PASID on every device now, flush what
 * the devices cached and wait for a DMA chunk in progress. Descriptors
 * still queued then fail without touching memory (the entry is blocked),
 * and page requests of the mm are answered "failure" (the bond is dead).
 * The PASID stays allocated until the last file lets go of it; that unbind
 * waits for the rings before the PASID can be freed.
 */
static void svm_edu_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct svm_edu_mm *smm = to_smm(mn);
	struct svm_edu_bond *bond;
	unsigned long flags;

	spin_lock_irqsave(&smm->lock, flags);
	list_for_each_entry(bond, &smm->bonds, mm_node) {
		struct svm_edu_dev *sdev = bond->sdev;

		trace_svm_edu_release(sdev->instance, smm->pasid);
		svm_edu_count(sdev, SVM_EDU_DC_RELEASE_CALLS, 1);
		if (svm_edu_injected(SVM_EDU_INJ_SKIP_RELEASE)) {
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
			continue;
		}
		/*
		 * TEST ONLY (flush_at_start): exit with the same bug. The
		 * PASID is flushed before the page tables are torn down but
		 * not blocked, and nothing follows: the notifier is unlinked
		 * before unmap_vmas() and free_pgtables(), so what the device
		 * walks in between stays cached.
		 */
		if (mn->ops == &svm_edu_mn_start_ops) {
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
			if (!bond->dead)
				svm_edu_flush_range(sdev, smm->pasid, 0, ULONG_MAX);
			bond->dead = true;
			continue;
		}
		bond->dead = true;
		svm_edu_pasid_block(sdev, smm->pasid);
	}
	spin_unlock_irqrestore(&smm->lock, flags);
}

static struct mmu_notifier *svm_edu_mn_alloc(struct mm_struct *mm)
{
	struct svm_edu_mm *smm;
	int pasid;

	smm = kzalloc(sizeof(*smm), GFP_KERNEL);
	if (!smm)
		return ERR_PTR(-ENOMEM);
	pasid = ida_alloc_range(&svm_edu_pasid_ida, 1,
				min(max_pasids, 1U << 20) - 1, GFP_KERNEL);
	if (pasid < 0) {
		kfree(smm);
		return ERR_PTR(pasid == -ENOSPC ? -ENOSPC : pasid);
	}
	smm->pasid = pasid;
	kref_init(&smm->ref);
	spin_lock_init(&smm->lock);
	INIT_LIST_HEAD(&smm->bonds);
	return &smm->mn;
}

/* The last reference: no device holds anything of the PASID any more. */
static void svm_edu_smm_free(struct kref *ref)
{
	struct svm_edu_mm *smm = container_of(ref, struct svm_edu_mm, ref);

	ida_free(&svm_edu_pasid_ida, smm->pasid);
	kfree(smm);
}

/*
 * After the SRCU grace period: no callback can run any more. The PASID is
 * freed here unless a device still holds it in quarantine.
 */
static void svm_edu_mn_free(struct mmu_notifier *mn)
{
	struct svm_edu_mm *smm = to_smm(mn);

	xa_erase(&svm_edu_pasids, smm->pasid);
	kref_put(&smm->ref, svm_edu_smm_free);
}

static const struct mmu_notifier_ops svm_edu_mn_ops = {
	.release = svm_edu_mn_release,
	.SVM_EDU_MN_INVALIDATE = svm_edu_mn_invalidate,
	.alloc_notifier = svm_edu_mn_alloc,
	.free_notifier = svm_edu_mn_free,
};

/*
 * TEST ONLY: the ops of a binding made while flush_at_start is on. A table
 * of its own because 6.6+ refuses a notifier with both the secondary-TLB
 * callback and invalidate_range_start; the knob takes effect at bind.
 */
static const struct mmu_notifier_ops svm_edu_mn_start_ops = {
	.release = svm_edu_mn_release,
	.invalidate_range_start = svm_edu_mn_start,
	.alloc_notifier = svm_edu_mn_alloc,
	.free_notifier = svm_edu_mn_free,
};

static u64 svm_edu_pe_flags(bool shadow)
{
	/* A shadow's leaves come with A (and D where writable) set. */
	u64 flags = SVM_EDU_PE_VALID | SVM_EDU_PE_WRITE |
		    (shadow ? SVM_EDU_PE_SHADOW : SVM_EDU_PE_AD);

	if (pgtable_l5_enabled())
		flags |= SVM_EDU_PE_LA57;
	return flags;
}

/**
 * svm_edu_bind() - bind an address space to a device
 * @sdev: the device
 * @mm: the address space (the caller's)
 * @shadow: a shadow binding: the device walks a table the driver keeps
 *
 * The mm gets its PASID on first bind to any device; a second bind of the
 * same mm to the same device shares the bond, if it asks for the same
 * mode (else EBUSY). Context: process, holds svm_edu_bind_lock.
 * Return: the bond or an ERR_PTR().
 */
struct svm_edu_bond *svm_edu_bind(struct svm_edu_dev *sdev,
				  struct mm_struct *mm, bool shadow)
{
	struct svm_edu_shadow *sh = NULL;
	struct mmu_notifier *mn;
	struct svm_edu_bond *bond;
	struct svm_edu_mm *smm;
	unsigned long flags;
	u64 root;
	u32 gen;

	lockdep_assert_held(&svm_edu_bind_lock);
	if (pgtable_l5_enabled() && !(sdev->caps & SVM_EDU_CAP_LA57))
		return ERR_PTR(-EOPNOTSUPP);
	if (shadow && (!IS_ENABLED(CONFIG_HMM_MIRROR) ||
		       !(sdev->caps & SVM_EDU_CAP_SHADOW)))
		return ERR_PTR(-EOPNOTSUPP);
	mn = mmu_notifier_get(svm_edu_injected(SVM_EDU_INJ_FLUSH_AT_START) ?
			      &svm_edu_mn_start_ops : &svm_edu_mn_ops, mm);
	if (IS_ERR(mn))
		return ERR_CAST(mn);
	smm = to_smm(mn);
	if (smm->pasid >= sdev->nr_pasids) {
		mmu_notifier_put(mn);
		return ERR_PTR(-ENOSPC);
	}
	if (xa_err(xa_store(&svm_edu_pasids, smm->pasid, smm, GFP_KERNEL))) {
		mmu_notifier_put(mn);
		return ERR_PTR(-ENOMEM);
	}

	list_for_each_entry(bond, &sdev->bonds, dev_node) {
		if (bond->smm == smm) {
			/* mmu_notifier_get() took a reference: keep one. */
			mmu_notifier_put(mn);
			if (!bond->shadow != !shadow)
				return ERR_PTR(-EBUSY);
			bond->users++;
			return bond;
		}
	}

	bond = kzalloc(sizeof(*bond), GFP_KERNEL);
	if (!bond) {
		mmu_notifier_put(mn);
		return ERR_PTR(-ENOMEM);
	}
	bond->sdev = sdev;
	bond->smm = smm;
	bond->users = 1;
	/* Its interval notifier first: no invalidation can miss it. */
	if (shadow) {
		sh = svm_edu_shadow_alloc(bond, mm);
		if (IS_ERR(sh)) {
			kfree(bond);
			mmu_notifier_put(mn);
			return ERR_CAST(sh);
		}
		bond->shadow = sh;
	}
	INIT_LIST_HEAD(&bond->q_node);
	kref_get(&sdev->ref);
	list_add(&bond->dev_node, &sdev->bonds);
	/*
	 * On the mm's list first, so that no invalidation misses the device
	 * once the entry is valid; then the entry, with a new generation.
	 */
	spin_lock_irqsave(&smm->lock, flags);
	list_add(&bond->mm_node, &smm->bonds);
	spin_unlock_irqrestore(&smm->lock, flags);
	root = sh ? svm_edu_shadow_root(sh) : virt_to_phys(mm->pgd);
	gen = svm_edu_pasid_install(sdev, smm->pasid, svm_edu_pe_flags(sh),
				    root, sh ? virt_to_phys(mm->pgd) : 0);
	spin_lock_irqsave(&smm->lock, flags);
	bond->gen = gen;
	spin_unlock_irqrestore(&smm->lock, flags);

	svm_edu_count(sdev, SVM_EDU_DC_BINDS, 1);
	trace_svm_edu_bind(sdev->instance, smm->pasid, root);
	return bond;
}

static void svm_edu_bond_unlink(struct svm_edu_bond *bond)
{
	struct svm_edu_mm *smm = bond->smm;
	unsigned long flags;

	spin_lock_irqsave(&smm->lock, flags);
	list_del(&bond->mm_node);
	spin_unlock_irqrestore(&smm->lock, flags);
}

/*
 * The first half of an unbind, under svm_edu_bind_lock: block the PASID,
 * flush and drain it, take the bond off the mm's list (no more
 * invalidations for this device), and note how far the device's rings must
 * get before the PASID is free of this binding.
 *
 * The PASID is blocked before the bond leaves the mm's list: in between,
 * invalidations still reach the device, so a munmap cannot slip through
 * while the entry is valid. Test-only knobs: unbind_gap_ms holds the two
 * steps apart, unlink_first swaps them back (the old bug); root_first
 * clears the root of the still valid entry first and holds the gap there
 * (the old teardown order).
 */
static void svm_edu_bond_block(struct svm_edu_bond *bond, bool gap)
{
	struct svm_edu_dev *sdev = bond->sdev;
	struct svm_edu_mm *smm = bond->smm;
	u32 gap_ms = gap ? svm_edu_injected(SVM_EDU_INJ_UNBIND_GAP_MS) : 0;

	lockdep_assert_held(&svm_edu_bind_lock);
	list_del(&bond->dev_node);
	if (svm_edu_injected(SVM_EDU_INJ_UNLINK_FIRST)) {
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		svm_edu_bond_unlink(bond);
		if (gap_ms)
			msleep(gap_ms);
		svm_edu_pasid_block(sdev, smm->pasid);
	} else if (svm_edu_injected(SVM_EDU_INJ_ROOT_FIRST)) {
		svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		svm_edu_pasid_clear_root(sdev, smm->pasid);
		if (gap_ms)
			msleep(gap_ms);
		svm_edu_pasid_block(sdev, smm->pasid);
		svm_edu_bond_unlink(bond);
	} else {
		svm_edu_pasid_block(sdev, smm->pasid);
		if (gap_ms)
			msleep(gap_ms);
		svm_edu_bond_unlink(bond);
	}
	/* The PASID is blocked: a shadow's invalidations need no flush. */
	svm_edu_shadow_block(bond->shadow);
	/*
	 * Every descriptor of this binding is in the ring already (its last
	 * file is gone), and after the DRAIN no page request of it can be
	 * made any more (the entry is blocked).
	 */
	bond->sq_target = atomic64_read(&sdev->sq_queued);
	bond->prq_target = svm_edu_prq_pending(sdev);
	bond->deadline = jiffies + msecs_to_jiffies(READ_ONCE(drain_timeout_ms));
	svm_edu_count(sdev, SVM_EDU_DC_UNBINDS, 1);
	trace_svm_edu_unbind(sdev->instance, smm->pasid);
}

/*
 * Has the device consumed every descriptor and page request that was in
 * its rings when the bond was blocked? A removed or fenced device was
 * reset: nothing of the binding is left in it. Context: process.
 */
static bool svm_edu_bond_drained(struct svm_edu_bond *bond)
{
	struct svm_edu_dev *sdev = bond->sdev;
	bool drained;

	down_read(&sdev->rwsem);
	if (sdev->gone || svm_edu_fenced(sdev))
		drained = true;
	else
		drained = (s64)(svm_edu_sq_consumed(sdev) - bond->sq_target) >= 0 &&
			  (s64)(atomic64_read(&sdev->prq_done) -
				bond->prq_target) >= 0;
	up_read(&sdev->rwsem);
	return drained;
}

/* The PASID is free of this binding on this device: let go of it. */
static void svm_edu_bond_free(struct svm_edu_bond *bond)
{
	struct svm_edu_dev *sdev = bond->sdev;

	svm_edu_shadow_free(bond->shadow);
	mmu_notifier_put(&bond->smm->mn);
	kfree(bond);
	svm_edu_put(sdev);
}

/* A quarantined bond whose device has drained (or gone). */
static void svm_edu_quarantine_free(struct svm_edu_bond *bond)
{
	struct svm_edu_dev *sdev = bond->sdev;

	svm_edu_shadow_free(bond->shadow);
	kref_put(&bond->smm->ref, svm_edu_smm_free);
	kfree(bond);
	svm_edu_put(sdev);
}

/*
 * The device did not drain in time: the mm's notifier may go, but the
 * PASID stays allocated (a reference on the smm) until the quarantine
 * work sees the device drained.
 */
static void svm_edu_quarantine(struct svm_edu_bond *bond)
{
	struct svm_edu_dev *sdev = bond->sdev;
	struct svm_edu_mm *smm = bond->smm;
	bool queued = false;

	kref_get(&smm->ref);
	mmu_notifier_put(&smm->mn);
	svm_edu_count(sdev, SVM_EDU_DC_QUARANTINED, 1);
	dev_info_ratelimited(&sdev->pdev->dev,
			     "PASID %u not drained after %u ms: quarantined\n",
			     smm->pasid, READ_ONCE(drain_timeout_ms));
	spin_lock(&sdev->q_lock);
	/* remove() sets gone before it empties the quarantine. */
	if (!READ_ONCE(sdev->gone)) {
		list_add_tail(&bond->q_node, &sdev->quarantine);
		schedule_delayed_work(&sdev->q_work,
				      msecs_to_jiffies(SVM_EDU_QUARANTINE_POLL_MS));
		queued = true;
	}
	spin_unlock(&sdev->q_lock);
	if (!queued)
		svm_edu_quarantine_free(bond);
}

/**
 * svm_edu_unbind_finish() - the second half of an unbind
 * @bond: what svm_edu_unbind() or svm_edu_unbind_all() returned
 *
 * Waits, at most drain_timeout_ms, until the device has consumed every
 * descriptor and page request of the binding, then lets go of the PASID
 * (it is freed once no device and no notifier callback uses it). A device
 * that does not drain in time keeps the PASID quarantined: it is not
 * handed out again until the device has drained, was reset or removed.
 * Context: process, no locks held.
 */
void svm_edu_unbind_finish(struct svm_edu_bond *bond)
{
	might_sleep();
	/* Test-only bug: the PASID may be reused while the rings hold it. */
	if (svm_edu_injected(SVM_EDU_INJ_SKIP_DRAIN)) {
		svm_edu_count(bond->sdev, SVM_EDU_DC_INJECTED, 1);
		svm_edu_bond_free(bond);
		return;
	}
	while (!svm_edu_bond_drained(bond)) {
		if (time_after(jiffies, bond->deadline)) {
			svm_edu_quarantine(bond);
			return;
		}
		usleep_range(200, 500);
	}
	svm_edu_bond_free(bond);
}

/**
 * svm_edu_quarantine_work() - free quarantined PASIDs whose device drained
 * @work: sdev->q_work
 */
void svm_edu_quarantine_work(struct work_struct *work)
{
	struct svm_edu_dev *sdev = container_of(to_delayed_work(work),
						struct svm_edu_dev, q_work);
	struct svm_edu_bond *bond, *tmp;
	LIST_HEAD(todo);
	LIST_HEAD(done);

	spin_lock(&sdev->q_lock);
	list_splice_init(&sdev->quarantine, &todo);
	spin_unlock(&sdev->q_lock);

	list_for_each_entry_safe(bond, tmp, &todo, q_node)
		if (svm_edu_bond_drained(bond))
			list_move_tail(&bond->q_node, &done);

	spin_lock(&sdev->q_lock);
	list_splice(&todo, &sdev->quarantine);
	if (!list_empty(&sdev->quarantine) && !READ_ONCE(sdev->gone))
		schedule_delayed_work(&sdev->q_work,
				      msecs_to_jiffies(SVM_EDU_QUARANTINE_POLL_MS));
	spin_unlock(&sdev->q_lock);

	list_for_each_entry_safe(bond, tmp, &done, q_node)
		svm_edu_quarantine_free(bond);
}

/**
 * svm_edu_quarantine_release() - free every quarantined PASID of a device
 * @sdev: the device, removed and reset (sdev->gone is set)
 *
 * Context: process; from remove().
 */
void svm_edu_quarantine_release(struct svm_edu_dev *sdev)
{
	struct svm_edu_bond *bond, *tmp;
	LIST_HEAD(todo);

	spin_lock(&sdev->q_lock);
	list_splice_init(&sdev->quarantine, &todo);
	spin_unlock(&sdev->q_lock);
	/* A running work item finds gone set: it frees what it holds. */
	cancel_delayed_work_sync(&sdev->q_work);
	list_for_each_entry_safe(bond, tmp, &todo, q_node)
		svm_edu_quarantine_free(bond);
}

/**
 * svm_edu_unbind() - a file lets go of its bond
 * @bond: the bond
 *
 * The last user blocks the PASID on the device, flushes and drains it and
 * unlinks the bond from the mm's notifier; the caller must then call
 * svm_edu_unbind_finish() without holding locks.
 * Context: process, holds svm_edu_bind_lock.
 * Return: the bond to finish, or NULL when other files still use it.
 */
struct svm_edu_bond *svm_edu_unbind(struct svm_edu_bond *bond)
{
	lockdep_assert_held(&svm_edu_bind_lock);
	if (--bond->users)
		return NULL;
	svm_edu_bond_block(bond, true);
	return bond;
}

/**
 * svm_edu_unbind_all() - block every bond of a device that is going away
 * @sdev: the device
 * @dying: gets the bonds (on their q_node), for svm_edu_unbind_finish()
 *	once the device has been reset
 *
 * Context: process, holds svm_edu_bind_lock and sdev->rwsem for writing;
 * the files are told through sdev->gone.
 */
void svm_edu_unbind_all(struct svm_edu_dev *sdev, struct list_head *dying)
{
	struct svm_edu_bond *bond, *tmp;

	lockdep_assert_held(&svm_edu_bind_lock);
	list_for_each_entry_safe(bond, tmp, &sdev->bonds, dev_node) {
		bond->users = 0;
		svm_edu_bond_block(bond, false);
		list_add_tail(&bond->q_node, dying);
	}
}

/**
 * svm_edu_pasid_mm() - the live address space behind a PASID on a device
 * @sdev: the device that asks
 * @pasid: the PASID
 * @gen: the binding generation the device gave
 * @shadow: gets the bond's shadow table (NULL for an SVA bond); it stays
 *	until the bond has drained, so for as long as the caller handles
 *	a page request of the bond
 *
 * For page requests: the mm must be bound to @sdev by the binding of
 * generation @gen (not an earlier binding of the PASID), not released,
 * and still have users. Context: any; takes spinlocks only.
 * Return: the mm with a reference (mmput_async() it), or NULL.
 */
struct mm_struct *svm_edu_pasid_mm(struct svm_edu_dev *sdev, u32 pasid,
				   u32 gen, struct svm_edu_shadow **shadow)
{
	struct mm_struct *mm = NULL;
	struct svm_edu_bond *bond;
	struct svm_edu_mm *smm;
	unsigned long flags;

	xa_lock(&svm_edu_pasids);
	smm = xa_load(&svm_edu_pasids, pasid);
	if (smm) {
		spin_lock_irqsave(&smm->lock, flags);
		list_for_each_entry(bond, &smm->bonds, mm_node) {
			if (bond->sdev == sdev && !bond->dead &&
			    bond->gen == gen &&
			    smm->mn.mm && mmget_not_zero(smm->mn.mm)) {
				mm = smm->mn.mm;
				*shadow = bond->shadow;
			}
		}
		spin_unlock_irqrestore(&smm->lock, flags);
	}
	xa_unlock(&svm_edu_pasids);
	return mm;
}

/**
 * svm_edu_bond_dead() - has the bond's address space gone away?
 * @bond: the bond
 *
 * Return: true once .release ran for its mm.
 */
bool svm_edu_bond_dead(struct svm_edu_bond *bond)
{
	unsigned long flags;
	bool dead;

	spin_lock_irqsave(&bond->smm->lock, flags);
	dead = bond->dead;
	spin_unlock_irqrestore(&bond->smm->lock, flags);
	return dead;
}
