// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: binding address spaces to PASIDs, and the mmu_notifier that keeps
 * the device IOTLB coherent with the CPU page tables.
 *
 * One struct svm_edu_mm per mm (mmu_notifier_get() finds or allocates it),
 * holding the PASID, which is the same on every device. One struct
 * svm_edu_bond per (mm, device), shared by every file of that process bound
 * on that device.
 */
#include <linux/idr.h>
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

static struct svm_edu_mm *to_smm(struct mmu_notifier *mn)
{
	return container_of(mn, struct svm_edu_mm, mn);
}

static void svm_edu_mn_invalidate(struct mmu_notifier *mn,
				  struct mm_struct *mm, unsigned long start,
				  unsigned long end)
{
	struct svm_edu_mm *smm = to_smm(mn);
	struct svm_edu_bond *bond;
	unsigned long flags;

	svm_edu_attribute();
	spin_lock_irqsave(&smm->lock, flags);
	list_for_each_entry(bond, &smm->bonds, mm_node) {
		struct svm_edu_dev *sdev = bond->sdev;
		u32 pasid = smm->pasid;

		svm_edu_count(sdev, SVM_EDU_DC_NOTIFIER_CALLS, 1);
		if (bond->dead)
			continue;
		/* Test-only bugs, for the negative controls (debugfs). */
		if (svm_edu_inject[SVM_EDU_INJ_SKIP_FLUSH]) {
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
			continue;
		}
		if (svm_edu_inject[SVM_EDU_INJ_SHORT_FLUSH] && end != ULONG_MAX &&
		    end - start >= PAGE_SIZE) {
			end -= PAGE_SIZE;
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		}
		if (svm_edu_inject[SVM_EDU_INJ_WRONG_PASID]) {
			pasid ^= 1;
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
		}
		svm_edu_flush_range(sdev, pasid, start, end);
	}
	spin_unlock_irqrestore(&smm->lock, flags);
}

/*
 * Called from exit_mmap() before the page tables are torn down, and no
 * invalidation follows it: block the PASID on every device now, flush what
 * the devices cached and wait for a DMA chunk in progress. The PASID stays
 * allocated until the last file lets go of it.
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
		if (svm_edu_inject[SVM_EDU_INJ_SKIP_RELEASE]) {
			svm_edu_count(sdev, SVM_EDU_DC_INJECTED, 1);
			continue;
		}
		bond->dead = true;
		svm_edu_pasid_set(sdev, smm->pasid,
				  SVM_EDU_PE_VALID | SVM_EDU_PE_FPD, 0);
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
	spin_lock_init(&smm->lock);
	INIT_LIST_HEAD(&smm->bonds);
	return &smm->mn;
}

/* After the SRCU grace period: no callback can run any more. */
static void svm_edu_mn_free(struct mmu_notifier *mn)
{
	struct svm_edu_mm *smm = to_smm(mn);

	xa_erase(&svm_edu_pasids, smm->pasid);
	ida_free(&svm_edu_pasid_ida, smm->pasid);
	kfree(smm);
}

static const struct mmu_notifier_ops svm_edu_mn_ops = {
	.release = svm_edu_mn_release,
	.SVM_EDU_MN_INVALIDATE = svm_edu_mn_invalidate,
	.alloc_notifier = svm_edu_mn_alloc,
	.free_notifier = svm_edu_mn_free,
};

static u64 svm_edu_pe_flags(void)
{
	u64 flags = SVM_EDU_PE_VALID | SVM_EDU_PE_WRITE | SVM_EDU_PE_AD;

	if (pgtable_l5_enabled())
		flags |= SVM_EDU_PE_LA57;
	return flags;
}

/**
 * svm_edu_bind() - bind an address space to a device
 * @sdev: the device
 * @mm: the address space (the caller's)
 *
 * The mm gets its PASID on first bind to any device; a second bind of the
 * same mm to the same device shares the bond. Context: process, holds
 * svm_edu_bind_lock. Return: the bond or an ERR_PTR().
 */
struct svm_edu_bond *svm_edu_bind(struct svm_edu_dev *sdev,
				  struct mm_struct *mm)
{
	struct mmu_notifier *mn;
	struct svm_edu_bond *bond;
	struct svm_edu_mm *smm;
	unsigned long flags;

	lockdep_assert_held(&svm_edu_bind_lock);
	if (pgtable_l5_enabled() && !(sdev->caps & SVM_EDU_CAP_LA57))
		return ERR_PTR(-EOPNOTSUPP);
	mn = mmu_notifier_get(&svm_edu_mn_ops, mm);
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
	kref_get(&sdev->ref);
	list_add(&bond->dev_node, &sdev->bonds);
	/* The PASID may have served another mm: nothing of it may survive. */
	svm_edu_pasid_set(sdev, smm->pasid, svm_edu_pe_flags(),
			  virt_to_phys(mm->pgd));
	spin_lock_irqsave(&smm->lock, flags);
	list_add(&bond->mm_node, &smm->bonds);
	spin_unlock_irqrestore(&smm->lock, flags);

	svm_edu_count(sdev, SVM_EDU_DC_BINDS, 1);
	trace_svm_edu_bind(sdev->instance, smm->pasid, virt_to_phys(mm->pgd));
	return bond;
}

static void svm_edu_bond_free(struct svm_edu_bond *bond)
{
	struct svm_edu_dev *sdev = bond->sdev;
	struct svm_edu_mm *smm = bond->smm;
	unsigned long flags;

	spin_lock_irqsave(&smm->lock, flags);
	list_del(&bond->mm_node);
	spin_unlock_irqrestore(&smm->lock, flags);
	list_del(&bond->dev_node);
	/* Clear the entry, flush and drain before the PASID can be reused. */
	if (!sdev->gone)
		svm_edu_pasid_set(sdev, smm->pasid, 0, 0);
	svm_edu_count(sdev, SVM_EDU_DC_UNBINDS, 1);
	trace_svm_edu_unbind(sdev->instance, smm->pasid);
	kfree(bond);
	mmu_notifier_put(&smm->mn);
	svm_edu_put(sdev);
}

/**
 * svm_edu_unbind() - a file lets go of its bond
 * @bond: the bond
 *
 * The last user clears the device's PASID entry, flushes and drains it;
 * the PASID is freed once no device and no notifier callback uses it.
 * Context: process, holds svm_edu_bind_lock.
 */
void svm_edu_unbind(struct svm_edu_bond *bond)
{
	lockdep_assert_held(&svm_edu_bind_lock);
	if (--bond->users == 0)
		svm_edu_bond_free(bond);
}

/**
 * svm_edu_unbind_all() - drop every bond of a device that is going away
 * @sdev: the device
 *
 * Context: process, holds svm_edu_bind_lock; the files are told through
 * sdev->gone.
 */
void svm_edu_unbind_all(struct svm_edu_dev *sdev)
{
	struct svm_edu_bond *bond, *tmp;

	lockdep_assert_held(&svm_edu_bind_lock);
	list_for_each_entry_safe(bond, tmp, &sdev->bonds, dev_node) {
		bond->users = 0;
		svm_edu_bond_free(bond);
	}
}

/**
 * svm_edu_pasid_mm() - the live address space behind a PASID on a device
 * @sdev: the device that asks
 * @pasid: the PASID
 *
 * For page requests: the mm must be bound to @sdev, not released, and
 * still have users. Context: any; takes spinlocks only.
 * Return: the mm with a reference (mmput() it), or NULL.
 */
struct mm_struct *svm_edu_pasid_mm(struct svm_edu_dev *sdev, u32 pasid)
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
			    smm->mn.mm && mmget_not_zero(smm->mn.mm))
				mm = smm->mn.mm;
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
