// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: the submission ring, and waiting for completion records.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "svm_edu.h"
#include "svm_edu_compat.h"
#include "uapi/svm_edu.h"

/* How long SUBMIT waits for room in a full ring before EAGAIN. */
#define SVM_EDU_RING_WAIT_MS	1000

static int check_udesc(const struct svm_edu_udesc *d)
{
	if (d->reserved0 || d->reserved1 || d->reserved2)
		return -EINVAL;
	if (d->opcode > SVM_EDU_OP_COMPARE || (d->flags & ~SVM_EDU_UDESC_F_MASK))
		return -EINVAL;
	if (d->completion) {
		if (d->completion % SVM_EDU_COMPLETION_ALIGN)
			return -EINVAL;
		if (!access_ok((void __user *)(unsigned long)d->completion,
			       SVM_EDU_COMPLETION_SIZE))
			return -EFAULT;
	} else if (d->flags & SVM_EDU_UDESC_F_IRQ) {
		return -EINVAL;
	}
	if (d->opcode == SVM_EDU_OP_NOP)
		return 0;
	if (!d->len || d->len > SVM_EDU_UDESC_MAX_LEN)
		return -EINVAL;
	/* User addresses only: the device would reach kernel memory too. */
	if (!access_ok((void __user *)(unsigned long)d->dst, d->len))
		return -EFAULT;
	if (d->opcode == SVM_EDU_OP_FILL)
		return 0;
	if (!access_ok((void __user *)(unsigned long)d->src, d->len))
		return -EFAULT;
	if (d->opcode == SVM_EDU_OP_COPY &&
	    d->src < d->dst + d->len && d->dst < d->src + d->len)
		return -EINVAL;
	return 0;
}

/* Free ring slots; sq_lock held. One slot stays empty: head == tail. */
static u32 sq_free(struct svm_edu_dev *sdev)
{
	u32 head = svm_edu_read32(sdev, SVM_EDU_REG_SQ_HEAD);

	return SVM_EDU_SQ_ENTRIES - 1 -
	       (sdev->sq_tail - head) % SVM_EDU_SQ_ENTRIES;
}

/*
 * One descriptor into the ring. The PASID and the binding generation are
 * the bond's: user space chooses neither (its reserved fields were checked
 * to be 0 and are not copied). A shadow binding's descriptors always
 * block on faults: the shadow is filled on the device's page requests,
 * which no touch from user space can stand in for.
 */
static void sq_put(struct svm_edu_dev *sdev, const struct svm_edu_udesc *u,
		   u32 pasid, u32 gen, bool shadow)
{
	struct svm_edu_desc *d = &sdev->sq[sdev->sq_tail];
	u16 flags = u->completion ? SVM_EDU_DESC_F_RECORD : 0;

	if (u->flags & SVM_EDU_UDESC_F_IRQ)
		flags |= SVM_EDU_DESC_F_IRQ;
	if ((u->flags & SVM_EDU_UDESC_F_BLOCK_ON_FAULT) || shadow)
		flags |= SVM_EDU_DESC_F_BLOCK_ON_FAULT;
	put_unaligned_le16(u->opcode, &d->opcode);
	put_unaligned_le16(flags, &d->flags);
	put_unaligned_le32(pasid, &d->pasid);
	put_unaligned_le64(u->src, &d->src);
	put_unaligned_le64(u->dst, &d->dst);
	put_unaligned_le32(u->len, &d->len);
	put_unaligned_le32(gen, &d->bind_gen);
	put_unaligned_le64(u->pattern, &d->pattern);
	put_unaligned_le64(u->completion, &d->completion);
	put_unaligned_le64(u->cookie, &d->cookie);
	put_unaligned_le64(0, &d->rsvd1);
	sdev->sq_tail = (sdev->sq_tail + 1) % SVM_EDU_SQ_ENTRIES;
}

/**
 * svm_edu_submit() - queue a batch of user descriptors
 * @sdev: the device
 * @bond: the submitting file's bond (its PASID goes into every descriptor)
 * @udescs: user array of descriptors
 * @count: 1 .. SVM_EDU_MAX_BATCH
 * @submitted: how many were queued
 *
 * The whole batch is checked before any of it is queued: on error nothing
 * is. One doorbell for the batch. Context: process.
 * Return: 0 or a negative errno.
 */
int svm_edu_submit(struct svm_edu_dev *sdev, struct svm_edu_bond *bond,
		   const struct svm_edu_udesc __user *udescs, u32 count,
		   u32 *submitted)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(SVM_EDU_RING_WAIT_MS);
	struct svm_edu_udesc *batch;
	int ret = 0;
	u32 i;

	*submitted = 0;
	if (!count || count > SVM_EDU_MAX_BATCH)
		return -EINVAL;
	batch = memdup_user(udescs, array_size(count, sizeof(*batch)));
	if (IS_ERR(batch))
		return PTR_ERR(batch);
	for (i = 0; i < count && !ret; i++)
		ret = check_udesc(&batch[i]);
	if (ret)
		goto out;

	/* sq_lock is not held while sleeping: unbind reads the ring under it. */
	for (;;) {
		mutex_lock(&sdev->sq_lock);
		if (sq_free(sdev) >= count)
			break;
		mutex_unlock(&sdev->sq_lock);
		if (signal_pending(current)) {
			ret = -EINTR;
			goto out;
		}
		if (time_after(jiffies, deadline)) {
			ret = -EAGAIN;
			goto out;
		}
		usleep_range(100, 200);
	}
	for (i = 0; i < count; i++)
		sq_put(sdev, &batch[i], bond->smm->pasid, bond->gen,
		       bond->shadow);
	atomic64_add(count, &sdev->sq_queued);
	/* writel() orders the descriptor stores before the doorbell. */
	svm_edu_write32(sdev, SVM_EDU_REG_SQ_TAIL, sdev->sq_tail);
	mutex_unlock(&sdev->sq_lock);
	*submitted = count;
	svm_edu_count(sdev, SVM_EDU_DC_SUBMITS, count);
out:
	kfree(batch);
	return ret;
}

/**
 * svm_edu_sq_consumed() - descriptors the device has consumed so far
 * @sdev: the device, not removed
 *
 * Counted like sdev->sq_queued, so that "consumed >= what was queued at
 * time T" means every descriptor queued before T has completed (or was
 * aborted): the head moves past a descriptor only after its completion.
 * Under sq_lock no descriptor is added, and the ring never holds more
 * than SVM_EDU_SQ_ENTRIES - 1, so the head names one position exactly,
 * across wrap-around. Context: process.
 * Return: the count.
 */
u64 svm_edu_sq_consumed(struct svm_edu_dev *sdev)
{
	u64 queued;
	u32 head;

	mutex_lock(&sdev->sq_lock);
	head = svm_edu_read32(sdev, SVM_EDU_REG_SQ_HEAD) % SVM_EDU_SQ_ENTRIES;
	queued = atomic64_read(&sdev->sq_queued);
	mutex_unlock(&sdev->sq_lock);
	return queued - ((u32)queued - head) % SVM_EDU_SQ_ENTRIES;
}

/**
 * svm_edu_wait() - sleep until a completion record has a status
 * @sdev: the device
 * @completion: user address of the record
 * @timeout_ms: longest sleep
 * @status: the record's status byte
 *
 * Woken by DMA_DONE interrupts (descriptors with SVM_EDU_UDESC_F_IRQ); also
 * looks every 10 ms, for descriptors without. Context: process.
 * Return: 0 with @status set, -ETIMEDOUT, -EFAULT, -ENODEV, -EIO (the
 * device was fenced) or -ERESTARTSYS.
 */
int svm_edu_wait(struct svm_edu_dev *sdev, u64 completion, u32 timeout_ms,
		 u32 *status)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	u8 __user *rec = (u8 __user *)(unsigned long)completion;
	long ret;
	u8 st;

	*status = 0;
	if (completion % SVM_EDU_COMPLETION_ALIGN)
		return -EINVAL;
	for (;;) {
		s64 seen = atomic64_read(&sdev->done_seq);
		long left = (long)(deadline - jiffies);

		if (get_user(st, rec))
			return -EFAULT;
		if (st) {
			*status = st;
			return 0;
		}
		if (READ_ONCE(sdev->gone))
			return -ENODEV;
		if (svm_edu_fenced(sdev))
			return -EIO;
		if (left <= 0)
			return -ETIMEDOUT;
		ret = wait_event_interruptible_timeout(sdev->done_wq,
				atomic64_read(&sdev->done_seq) != seen ||
				READ_ONCE(sdev->gone) || svm_edu_fenced(sdev),
				min(left, (long)msecs_to_jiffies(10)));
		if (ret < 0)
			return ret;
	}
}
