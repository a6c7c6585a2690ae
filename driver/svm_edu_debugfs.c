// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: debugfs, for tests and for people looking inside.
 *
 * svm_edu/inject/{skip_flush,short_flush,wrong_pasid,skip_release,keep_iotlb,
 *		  unlink_first,skip_drain,prq_stall_blocks,root_first,
 *		  no_fence,flush_at_start}
 *	Fault injection, TEST ONLY: each makes the driver deliberately wrong
 *	so that the device's stale checker can be shown to catch it. Off by
 *	default.
 * svm_edu/inject/unbind_gap_ms
 *	TEST ONLY: an unbind sleeps this long between blocking the PASID and
 *	unlinking the bond from the mm's notifier (0: no gap), so that a
 *	test can race a munmap against it; with root_first, between
 *	clearing the root and blocking the PASID.
 * svm_edu/inject/start_gap_us
 *	TEST ONLY: with flush_at_start, the invalidate_range_start callback
 *	waits this long after its flush (at most 1000 us busy-waiting when
 *	the range may not block), so that the device walks the old entries
 *	again before they change: the window the bug leaves open, made wide
 *	enough for a test to hit it.
 * svm_edu/inject/prq_stall_ms
 *	TEST ONLY: every page request's page stays "under I/O" this long: the
 *	fault is retried (and given up like a real one) until then; with
 *	prq_stall_blocks the handler thread sleeps through it instead, as a
 *	fault blocked in handle_mm_fault() would.
 * svm_edu/attribution, svm_edu/sources
 *	Attribute invalidate callbacks to kernel paths (svm_edu_attrib.c);
 *	write anything to sources to zero it.
 * svm_edu/svm-edu<N>/probe
 *	Write "PASID VA", read the device's IOTLB entry for it.
 * svm_edu/svm-edu<N>/stale_log, stale_policy, reset_counters
 *	The device's stale-translation log, its checker policy, and a
 *	counter reset.
 * svm_edu/svm-edu<N>/dma_throttle_us
 *	Slow the DMA engine down (microseconds between chunks), so that
 *	tests can keep DMA in flight across a kernel event.
 * svm_edu/svm-edu<N>/quarantine
 *	The PASIDs held back because the device had not drained them yet:
 *	"PASID generation".
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "svm_edu.h"
#include "svm_edu_attrib.h"

bool svm_edu_inject[SVM_EDU_NR_INJECT];
u32 svm_edu_unbind_gap_ms;
u32 svm_edu_start_gap_us;
u32 svm_edu_prq_stall_ms;
static struct dentry *svm_edu_debugfs_root;

static const char *const inject_names[SVM_EDU_NR_INJECT] = {
	[SVM_EDU_INJ_SKIP_FLUSH] = "skip_flush",
	[SVM_EDU_INJ_SHORT_FLUSH] = "short_flush",
	[SVM_EDU_INJ_WRONG_PASID] = "wrong_pasid",
	[SVM_EDU_INJ_SKIP_RELEASE] = "skip_release",
	[SVM_EDU_INJ_KEEP_IOTLB] = "keep_iotlb",
	[SVM_EDU_INJ_UNLINK_FIRST] = "unlink_first",
	[SVM_EDU_INJ_SKIP_DRAIN] = "skip_drain",
	[SVM_EDU_INJ_PRQ_STALL_BLOCKS] = "prq_stall_blocks",
	[SVM_EDU_INJ_ROOT_FIRST] = "root_first",
	[SVM_EDU_INJ_NO_FENCE] = "no_fence",
	[SVM_EDU_INJ_FLUSH_AT_START] = "flush_at_start",
};

static const char *const policy_names[] = {
	[SVM_EDU_STALE_OFF] = "off",
	[SVM_EDU_STALE_REPORT] = "report",
	[SVM_EDU_STALE_ABORT] = "abort",
	[SVM_EDU_STALE_USE] = "use-stale",
};

/* One line per kernel path: the total, then by range size. */
static int sources_show(struct seq_file *m, void *v)
{
	long long n[SVM_EDU_NR_RANGES], total;
	int i, r;

	seq_printf(m, "%-14s %8s", "source", "total");
	for (r = 0; r < SVM_EDU_NR_RANGES; r++)
		seq_printf(m, " %8s", svm_edu_range_names[r]);
	seq_putc(m, '\n');
	for (i = 0; i < SVM_EDU_NR_SOURCES; i++) {
		total = 0;
		for (r = 0; r < SVM_EDU_NR_RANGES; r++) {
			n[r] = atomic64_read(&svm_edu_sources[i][r]);
			total += n[r];
		}
		seq_printf(m, "%-14s %8lld", svm_edu_source_names[i], total);
		for (r = 0; r < SVM_EDU_NR_RANGES; r++)
			seq_printf(m, " %8lld", n[r]);
		seq_putc(m, '\n');
	}
	return 0;
}

static int sources_open(struct inode *inode, struct file *file)
{
	return single_open(file, sources_show, inode->i_private);
}

static ssize_t sources_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	int i, r;

	for (i = 0; i < SVM_EDU_NR_SOURCES; i++)
		for (r = 0; r < SVM_EDU_NR_RANGES; r++)
			atomic64_set(&svm_edu_sources[i][r], 0);
	svm_edu_attrib_reset();
	return len;
}

static const struct file_operations sources_fops = {
	.owner = THIS_MODULE,
	.open = sources_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = sources_write,
};

static int probe_show(struct seq_file *m, void *v)
{
	struct svm_edu_dev *sdev = m->private;
	u64 r = svm_edu_read64(sdev, SVM_EDU_REG_PROBE_RESULT);
	static const char *const sizes[] = { "4K", "2M", "1G", "?" };

	seq_printf(m, "pasid %u va %#llx %s %s %s pa %#llx\n",
		   svm_edu_read32(sdev, SVM_EDU_REG_PROBE_PASID),
		   (unsigned long long)svm_edu_read64(sdev, SVM_EDU_REG_PROBE_ADDR),
		   r & SVM_EDU_PROBE_HIT ? "hit" : "miss",
		   r & SVM_EDU_PROBE_WRITABLE ? "rw" : "ro",
		   sizes[(r & SVM_EDU_PROBE_SIZE_MASK) >> SVM_EDU_PROBE_SIZE_SHIFT],
		   (unsigned long long)(r & SVM_EDU_PROBE_PA_MASK));
	return 0;
}

static int probe_open(struct inode *inode, struct file *file)
{
	return single_open(file, probe_show, inode->i_private);
}

static ssize_t probe_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct svm_edu_dev *sdev = file_inode(file)->i_private;
	char buf[64];
	u32 pasid;
	u64 va;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%u %llx", &pasid, &va) != 2)
		return -EINVAL;
	svm_edu_write32(sdev, SVM_EDU_REG_PROBE_PASID, pasid);
	svm_edu_write64(sdev, SVM_EDU_REG_PROBE_ADDR, va);
	return len;
}

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.open = probe_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = probe_write,
};

/* Oldest first; at most the log's 16 most recent events. */
static int stale_log_show(struct seq_file *m, void *v)
{
	struct svm_edu_dev *sdev = m->private;
	u32 count = svm_edu_read32(sdev, SVM_EDU_REG_STALE_COUNT);
	u32 n = min_t(u32, count, SVM_EDU_STALE_LOG_ENTRIES), i;

	seq_printf(m, "# %u stale accesses; pasid va cached_pa fresh_pa info\n",
		   count);
	for (i = count - n; i != count; i++) {
		u32 at = SVM_EDU_REG_STALE_LOG +
			 (i % SVM_EDU_STALE_LOG_ENTRIES) * SVM_EDU_STALE_LOG_STRIDE;
		u32 info = svm_edu_read32(sdev, at + SVM_EDU_STALE_LOG_INFO);

		seq_printf(m, "%u %#llx %#llx %#llx %s%s%s%s%s%s%s\n",
			   svm_edu_read32(sdev, at + SVM_EDU_STALE_LOG_PASID),
			   svm_edu_read64(sdev, at + SVM_EDU_STALE_LOG_VA),
			   svm_edu_read64(sdev, at + SVM_EDU_STALE_LOG_CACHED_PA),
			   svm_edu_read64(sdev, at + SVM_EDU_STALE_LOG_FRESH_PA),
			   info & SVM_EDU_STALE_INFO_WRITE ? "write" : "read",
			   info & SVM_EDU_STALE_INFO_NOT_PRESENT ? ",not-present" : "",
			   info & SVM_EDU_STALE_INFO_OTHER_FRAME ? ",other-frame" : "",
			   info & SVM_EDU_STALE_INFO_FEWER_RIGHTS ? ",fewer-rights" : "",
			   info & SVM_EDU_STALE_INFO_CLEAN ? ",clean" : "",
			   info & SVM_EDU_STALE_INFO_HELD ? ",held" : "",
			   info & SVM_EDU_STALE_INFO_ENDED ? ",ended" : "");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stale_log);

static int stale_policy_show(struct seq_file *m, void *v)
{
	struct svm_edu_dev *sdev = m->private;
	u32 p = svm_edu_read32(sdev, SVM_EDU_REG_STALE_POLICY);

	seq_printf(m, "%s\n", p < ARRAY_SIZE(policy_names) ? policy_names[p] : "?");
	return 0;
}

static int stale_policy_open(struct inode *inode, struct file *file)
{
	return single_open(file, stale_policy_show, inode->i_private);
}

static ssize_t stale_policy_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct svm_edu_dev *sdev = file_inode(file)->i_private;
	char buf[16];
	int p;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	p = sysfs_match_string(policy_names, buf);
	if (p < 0)
		return p;
	svm_edu_write32(sdev, SVM_EDU_REG_STALE_POLICY, p);
	return len;
}

static const struct file_operations stale_policy_fops = {
	.owner = THIS_MODULE,
	.open = stale_policy_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = stale_policy_write,
};

static ssize_t reset_counters_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	struct svm_edu_dev *sdev = file_inode(file)->i_private;
	int i;

	svm_edu_write32(sdev, SVM_EDU_REG_COUNTER_RESET, 1);
	for (i = 0; i < SVM_EDU_NR_DRV_COUNTERS; i++)
		atomic64_set(&sdev->cnt[i], 0);
	return len;
}

static const struct file_operations reset_counters_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = reset_counters_write,
	.llseek = noop_llseek,
};

static int throttle_get(void *data, u64 *val)
{
	*val = svm_edu_read32(data, SVM_EDU_REG_DMA_THROTTLE);
	return 0;
}

static int throttle_set(void *data, u64 val)
{
	if (val > SVM_EDU_THROTTLE_MAX_US)
		return -EINVAL;
	svm_edu_write32(data, SVM_EDU_REG_DMA_THROTTLE, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(throttle_fops, throttle_get, throttle_set, "%llu\n");

static int quarantine_show(struct seq_file *m, void *v)
{
	struct svm_edu_dev *sdev = m->private;
	struct svm_edu_bond *bond;

	spin_lock(&sdev->q_lock);
	list_for_each_entry(bond, &sdev->quarantine, q_node)
		seq_printf(m, "%u %u\n", bond->smm->pasid, bond->gen);
	spin_unlock(&sdev->q_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(quarantine);

/**
 * svm_edu_debugfs_add() - the per-device debugfs folder
 * @sdev: the device
 */
void svm_edu_debugfs_add(struct svm_edu_dev *sdev)
{
	struct dentry *d = debugfs_create_dir(sdev->name, svm_edu_debugfs_root);

	sdev->debugfs = d;
	debugfs_create_file("probe", 0600, d, sdev, &probe_fops);
	debugfs_create_file("stale_log", 0400, d, sdev, &stale_log_fops);
	debugfs_create_file("stale_policy", 0600, d, sdev, &stale_policy_fops);
	debugfs_create_file("reset_counters", 0200, d, sdev,
			    &reset_counters_fops);
	debugfs_create_file_unsafe("dma_throttle_us", 0600, d, sdev,
				   &throttle_fops);
	debugfs_create_file("quarantine", 0400, d, sdev, &quarantine_fops);
}

/**
 * svm_edu_debugfs_remove() - remove it, waiting for readers
 * @sdev: the device
 */
void svm_edu_debugfs_remove(struct svm_edu_dev *sdev)
{
	debugfs_remove_recursive(sdev->debugfs);
	sdev->debugfs = NULL;
}

/**
 * svm_edu_debugfs_init() - the module's debugfs folder
 */
void svm_edu_debugfs_init(void)
{
	struct dentry *inject;
	int i;

	svm_edu_debugfs_root = debugfs_create_dir("svm_edu", NULL);
	inject = debugfs_create_dir("inject", svm_edu_debugfs_root);
	for (i = 0; i < SVM_EDU_NR_INJECT; i++)
		debugfs_create_bool(inject_names[i], 0600, inject,
				    &svm_edu_inject[i]);
	debugfs_create_u32("unbind_gap_ms", 0600, inject,
			   &svm_edu_unbind_gap_ms);
	debugfs_create_u32("start_gap_us", 0600, inject,
			   &svm_edu_start_gap_us);
	debugfs_create_u32("prq_stall_ms", 0600, inject,
			   &svm_edu_prq_stall_ms);
	debugfs_create_bool("attribution", 0600, svm_edu_debugfs_root,
			    &svm_edu_attribution);
	debugfs_create_file("sources", 0600, svm_edu_debugfs_root, NULL,
			    &sources_fops);
}

/**
 * svm_edu_debugfs_exit() - remove the module's debugfs folder
 */
void svm_edu_debugfs_exit(void)
{
	debugfs_remove_recursive(svm_edu_debugfs_root);
}
