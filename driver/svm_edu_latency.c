// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: latency histograms, per device, in the manner of the Intel
 * IOMMU's dmar_perf_latency: how long the driver waits for the device to
 * confirm an invalidation (doorbell to WAIT answered) and how long a page
 * request waits for its answer (interrupt to response written). Buckets
 * from under 0.1 us to 10 ms and more, with count, min, average and max:
 * debugfs svm_edu/svm-edu<N>/latency; writing to it resets them.
 *
 * Recording is lock-free (atomics), so the flush path, which holds a
 * spinlock, pays a few atomic adds and two clock reads.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>

#include "svm_edu.h"

#define SVM_EDU_LAT_BOUND_(id, ns, label)	ns,
static const u64 lat_bounds[SVM_EDU_NR_LAT_BUCKETS] = {
	SVM_EDU_LAT_BUCKETS(SVM_EDU_LAT_BOUND_)
};
#undef SVM_EDU_LAT_BOUND_

#define SVM_EDU_LAT_LABEL_(id, ns, label) \
	label,
static const char *const lat_labels[SVM_EDU_NR_LAT_BUCKETS] = {
	SVM_EDU_LAT_BUCKETS(SVM_EDU_LAT_LABEL_)
};
#undef SVM_EDU_LAT_LABEL_

#define SVM_EDU_LAT_KIND_NAME_(id, name) \
	#name,
static const char *const lat_kinds[SVM_EDU_NR_LAT_KINDS] = {
	SVM_EDU_LAT_KINDS(SVM_EDU_LAT_KIND_NAME_)
};
#undef SVM_EDU_LAT_KIND_NAME_

static void lat_min(atomic64_t *v, u64 ns)
{
	s64 old = atomic64_read(v);

	while ((u64)old > ns && !atomic64_try_cmpxchg(v, &old, ns))
		;
}

static void lat_max(atomic64_t *v, u64 ns)
{
	s64 old = atomic64_read(v);

	while ((u64)old < ns && !atomic64_try_cmpxchg(v, &old, ns))
		;
}

/**
 * svm_edu_lat_record() - add one time to a latency histogram
 * @sdev: the device
 * @kind: what was timed
 * @ns: how long it took
 *
 * Safe in any context.
 */
void svm_edu_lat_record(struct svm_edu_dev *sdev, enum svm_edu_lat_kind kind,
			u64 ns)
{
	struct svm_edu_lat *l = &sdev->lat[kind];
	unsigned int b;

	for (b = 0; b < SVM_EDU_NR_LAT_BUCKETS - 1 && ns >= lat_bounds[b]; b++)
		;
	atomic64_inc(&l->bucket[b]);
	atomic64_add(ns, &l->sum_ns);
	lat_min(&l->min_ns, ns);
	lat_max(&l->max_ns, ns);
	/* Last: a reader that sees the count sees the time in a bucket. */
	atomic64_inc_return_release(&l->count);
}

/**
 * svm_edu_lat_reset() - empty the device's latency histograms
 * @sdev: the device
 *
 * A time recorded meanwhile may be half counted; the reader's view is a
 * sample, as the counters'.
 */
void svm_edu_lat_reset(struct svm_edu_dev *sdev)
{
	unsigned int k, b;

	for (k = 0; k < SVM_EDU_NR_LAT_KINDS; k++) {
		struct svm_edu_lat *l = &sdev->lat[k];

		atomic64_set(&l->count, 0);
		for (b = 0; b < SVM_EDU_NR_LAT_BUCKETS; b++)
			atomic64_set(&l->bucket[b], 0);
		atomic64_set(&l->sum_ns, 0);
		atomic64_set(&l->min_ns, S64_MAX);
		atomic64_set(&l->max_ns, 0);
	}
}

static int latency_show(struct seq_file *m, void *v)
{
	struct svm_edu_dev *sdev = m->private;
	unsigned int k, b;

	seq_puts(m, "kind count min_ns avg_ns max_ns");
	for (b = 0; b < SVM_EDU_NR_LAT_BUCKETS; b++)
		seq_printf(m, " %s", lat_labels[b]);
	seq_putc(m, '\n');
	for (k = 0; k < SVM_EDU_NR_LAT_KINDS; k++) {
		struct svm_edu_lat *l = &sdev->lat[k];
		u64 n = atomic64_read_acquire(&l->count);
		u64 min = atomic64_read(&l->min_ns);

		seq_printf(m, "%s %llu %llu %llu %llu", lat_kinds[k], n,
			   n ? min : 0,
			   n ? (u64)atomic64_read(&l->sum_ns) / n : 0,
			   (u64)atomic64_read(&l->max_ns));
		for (b = 0; b < SVM_EDU_NR_LAT_BUCKETS; b++)
			seq_printf(m, " %llu", (u64)atomic64_read(&l->bucket[b]));
		seq_putc(m, '\n');
	}
	return 0;
}

static int latency_open(struct inode *inode, struct file *file)
{
	return single_open(file, latency_show, inode->i_private);
}

static ssize_t latency_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;

	svm_edu_lat_reset(m->private);
	return len;
}

static const struct file_operations latency_fops = {
	.owner = THIS_MODULE,
	.open = latency_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = latency_write,
	.release = single_release,
};

/**
 * svm_edu_lat_debugfs() - the device's latency file
 * @sdev: the device
 * @dir: its debugfs folder
 */
void svm_edu_lat_debugfs(struct svm_edu_dev *sdev, struct dentry *dir)
{
	svm_edu_lat_reset(sdev);
	debugfs_create_file("latency", 0600, dir, sdev, &latency_fops);
}
