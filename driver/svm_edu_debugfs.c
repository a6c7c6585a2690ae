// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: debugfs, for tests and for people looking inside.
 *
 * svm_edu/inject/<bug> (SVM_EDU_INJECT_BUGS in uapi/svm_edu.h)
 *	Fault injection, TEST ONLY: each makes the driver deliberately wrong
 *	so that the device's stale checker can be shown to catch it. Off by
 *	default. While every knob (bug or delay) is 0, svm_edu_inject_key is
 *	off and the hot paths skip them at no cost.
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
 * svm_edu/svm-edu<N>/bindings
 *	One line per binding: "PASID generation mode users" and, for a
 *	shadow binding, the table's "table_pages entries fills retries
 *	invalidations" (0 0 0 0 0 for sva).
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "svm_edu.h"
#include "svm_edu_attrib.h"

u32 svm_edu_inject[SVM_EDU_NR_INJECT];
DEFINE_STATIC_KEY_FALSE(svm_edu_inject_key);
/* Serializes knob writes, so that the key follows the last one. */
static DEFINE_MUTEX(svm_edu_inject_lock);
static struct dentry *svm_edu_debugfs_root;

#define SVM_EDU_INJ_NAME_(id, name)	[SVM_EDU_INJ_##id] = #name,
static const char *const inject_names[SVM_EDU_NR_INJECT] = {
	SVM_EDU_INJECT_BUGS(SVM_EDU_INJ_NAME_)
	SVM_EDU_INJECT_DELAYS(SVM_EDU_INJ_NAME_)
};
#undef SVM_EDU_INJ_NAME_

#define SVM_EDU_POLICY_NAME_(id, val, name)	[SVM_EDU_STALE_##id] = name,
static const char *const policy_names[] = {
	SVM_EDU_STALE_POLICIES(SVM_EDU_POLICY_NAME_)
};
#undef SVM_EDU_POLICY_NAME_

#define SVM_EDU_INFO_NAME_(id, bit, name)	[bit] = name,
static const char *const stale_info_names[] = {
	SVM_EDU_STALE_INFO_BITS(SVM_EDU_INFO_NAME_)
};
#undef SVM_EDU_INFO_NAME_

/*
 * inject/<knob>: a bug reads and writes as debugfs_create_bool() did (Y or
 * N; 1, y, on...), a delay as debugfs_create_u32() did. The static key is
 * on exactly while some knob is non-zero; a knob's new value is visible
 * before the key turns on, and the key turns off only once every knob is 0.
 */
static ssize_t inject_read(struct file *file, char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	enum svm_edu_inject k = (uintptr_t)file->private_data;
	u32 v = READ_ONCE(svm_edu_inject[k]);
	char buf[16];
	int n;

	if (k < SVM_EDU_NR_INJECT_BUGS)
		n = scnprintf(buf, sizeof(buf), "%c\n", v ? 'Y' : 'N');
	else
		n = scnprintf(buf, sizeof(buf), "%u\n", v);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t inject_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	enum svm_edu_inject k = (uintptr_t)file->private_data;
	bool on, any = false;
	u32 v;
	int i, ret;

	if (k < SVM_EDU_NR_INJECT_BUGS) {
		ret = kstrtobool_from_user(ubuf, len, &on);
		v = on;
	} else {
		ret = kstrtou32_from_user(ubuf, len, 0, &v);
	}
	if (ret)
		return ret;
	mutex_lock(&svm_edu_inject_lock);
	WRITE_ONCE(svm_edu_inject[k], v);
	for (i = 0; i < SVM_EDU_NR_INJECT; i++)
		any |= svm_edu_inject[i] != 0;
	if (any)
		static_branch_enable(&svm_edu_inject_key);
	else
		static_branch_disable(&svm_edu_inject_key);
	mutex_unlock(&svm_edu_inject_lock);
	return len;
}

static const struct file_operations inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = inject_read,
	.write = inject_write,
	.llseek = default_llseek,
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
	u32 n = min_t(u32, count, SVM_EDU_STALE_LOG_ENTRIES), i, b;

	seq_printf(m, "# %u stale accesses; pasid va cached_pa fresh_pa info\n",
		   count);
	for (i = count - n; i != count; i++) {
		u32 at = SVM_EDU_REG_STALE_LOG +
			 (i % SVM_EDU_STALE_LOG_ENTRIES) * SVM_EDU_STALE_LOG_STRIDE;
		u32 info = svm_edu_read32(sdev, at + SVM_EDU_STALE_LOG_INFO);

		seq_printf(m, "%u %#llx %#llx %#llx %s",
			   svm_edu_read32(sdev, at + SVM_EDU_STALE_LOG_PASID),
			   svm_edu_read64(sdev, at + SVM_EDU_STALE_LOG_VA),
			   svm_edu_read64(sdev, at + SVM_EDU_STALE_LOG_CACHED_PA),
			   svm_edu_read64(sdev, at + SVM_EDU_STALE_LOG_FRESH_PA),
			   info & SVM_EDU_STALE_INFO_WRITE ? "write" : "read");
		/* Bit 0 is the access's direction; the others, the kinds. */
		for (b = 1; b < ARRAY_SIZE(stale_info_names); b++)
			if (info & BIT(b))
				seq_printf(m, ",%s", stale_info_names[b]);
		seq_putc(m, '\n');
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

static int bindings_show(struct seq_file *m, void *v)
{
	struct svm_edu_dev *sdev = m->private;
	struct svm_edu_bond *bond;

	mutex_lock(&svm_edu_bind_lock);
	list_for_each_entry(bond, &sdev->bonds, dev_node) {
		struct svm_edu_shadow_stats st = {};

		if (bond->shadow)
			svm_edu_shadow_get_stats(bond->shadow, &st);
		seq_printf(m, "%u %u %s %u %llu %llu %llu %llu %llu\n",
			   bond->smm->pasid, bond->gen,
			   bond->shadow ? "shadow" : "sva", bond->users,
			   st.table_pages, st.entries, st.fills, st.retries,
			   st.invalidations);
	}
	mutex_unlock(&svm_edu_bind_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bindings);

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
	svm_edu_lat_debugfs(sdev, d);
	debugfs_create_file("bindings", 0400, d, sdev, &bindings_fops);
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
		debugfs_create_file(inject_names[i], 0600, inject,
				    (void *)(uintptr_t)i, &inject_fops);
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
