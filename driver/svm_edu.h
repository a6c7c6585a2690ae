/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_edu driver: state shared by the driver's files.
 *
 * Lock order: sf->lock (mutex) -> svm_edu_bind_lock (mutex) -> sdev->rwsem
 * -> sdev->sq_lock (mutex) -> smm->lock (spinlock) -> sdev->inv_lock
 * (spinlock); sdev->q_lock (spinlock) nests inside nothing. The invalidate
 * callback may run in atomic context and takes only smm->lock and
 * sdev->inv_lock.
 */
#ifndef SVM_EDU_DRV_H
#define SVM_EDU_DRV_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/jump_label.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "svm_edu_hw.h"
#include "uapi/svm_edu.h"

#define SVM_EDU_SQ_ENTRIES	256
#define SVM_EDU_IQ_ENTRIES	256
#define SVM_EDU_PRQ_ENTRIES	256

/* Driver counters, per device: SVM_EDU_DRV_COUNTERS in uapi/svm_edu.h. */
#define SVM_EDU_DC_ENUM_(id, name)	SVM_EDU_DC_##id,
enum svm_edu_drv_counter {
	SVM_EDU_DRV_COUNTERS(SVM_EDU_DC_ENUM_)
	SVM_EDU_NR_DRV_COUNTERS
};
#undef SVM_EDU_DC_ENUM_

struct svm_edu_dev;
struct svm_edu_udesc;
struct svm_edu_shadow;

/**
 * struct svm_edu_shadow_stats - what a shadow table holds and has done
 * @table_pages: pages of table memory, the root included
 * @entries: present leaves (a 2 MiB leaf counts once)
 * @fills: fills that wrote their entries
 * @retries: fills started again: the interval's sequence moved
 * @invalidations: interval-notifier callbacks
 */
struct svm_edu_shadow_stats {
	u64 table_pages;
	u64 entries;
	u64 fills;
	u64 retries;
	u64 invalidations;
};

/**
 * struct svm_edu_vec - the context of one MSI-X vector's handler
 * @sdev: the device
 * @nr: vector number (SVM_EDU_VEC_*)
 */
struct svm_edu_vec {
	struct svm_edu_dev *sdev;
	unsigned int nr;
};

#define SVM_EDU_LAT_KIND_ENUM_(id, name)	SVM_EDU_LAT_##id,
enum svm_edu_lat_kind {
	SVM_EDU_LAT_KINDS(SVM_EDU_LAT_KIND_ENUM_)
	SVM_EDU_NR_LAT_KINDS
};
#undef SVM_EDU_LAT_KIND_ENUM_

#define SVM_EDU_LAT_BUCKET_ENUM_(id, ns, label)	SVM_EDU_LATB_##id,
enum svm_edu_lat_bucket {
	SVM_EDU_LAT_BUCKETS(SVM_EDU_LAT_BUCKET_ENUM_)
	SVM_EDU_NR_LAT_BUCKETS
};
#undef SVM_EDU_LAT_BUCKET_ENUM_

/**
 * struct svm_edu_lat - one latency histogram (svm_edu_latency.c)
 * @bucket: times per bucket of SVM_EDU_LAT_BUCKETS
 * @count: times recorded
 * @sum_ns: their sum
 * @min_ns: the shortest (U64_MAX while @count is 0)
 * @max_ns: the longest
 */
struct svm_edu_lat {
	atomic64_t bucket[SVM_EDU_NR_LAT_BUCKETS];
	atomic64_t count;
	atomic64_t sum_ns;
	atomic64_t min_ns;
	atomic64_t max_ns;
};

/**
 * struct svm_edu_dev - one svm-edu PCI function
 * @ref: held by the PCI binding and by every open file
 * @rwsem: ioctls hold it for reading, remove() for writing
 * @gone: the PCI function was removed (and the device reset); file
 *	operations get ENODEV. Set under @rwsem held for writing.
 * @fenced: a flush failed and the device was fenced: bus mastering off,
 *	device reset. Set once, under @inv_lock; read with smp_load_acquire()
 * @prq_stop: the page-request thread stops (removal or fence)
 * @pdev: the PCI device
 * @regs: BAR0 mapping
 * @instance: N of /dev/svm-edu<N>
 * @name: "svm-edu<N>", the misc device name
 * @misc: the character device
 * @hw_version: VERSION register read at probe
 * @caps: CAP register read at probe
 * @iotlb_geom: IOTLB_GEOM register read at probe
 * @nr_pasids: entries of @pasid_table
 * @pasid_table: PASID table (coherent DMA memory)
 * @pasid_table_dma: its bus address
 * @sq: submission ring
 * @sq_dma: its bus address
 * @sq_tail: next free slot of @sq
 * @sq_queued: descriptors ever queued (@sq_tail is it modulo the ring
 *	size); written under @sq_lock
 * @sq_lock: serializes submissions and reading the ring's progress
 * @iq: invalidation queue
 * @iq_dma: its bus address
 * @iq_tail: next free slot of @iq
 * @iq_room: slots iq_reserve() granted and not used yet
 * @wait_word: status word the device's WAIT commands write
 * @wait_dma: its bus address
 * @wait_seq: last value asked of a WAIT
 * @prq: page-request ring
 * @prq_dma: its bus address
 * @prq_head: next request to handle (the page-request thread only)
 * @prq_done: requests handled so far (@prq_head is it modulo the ring
 *	size); incremented before PRQ_HEAD is written
 * @inv_lock: serializes use of @iq, @wait_word and PASID-table updates
 * @gen_next: last binding generation handed out (@inv_lock)
 * @q_lock: protects @quarantine
 * @quarantine: bonds torn down whose PASID waits for the device to drain
 * @q_work: polls @quarantine
 * @bonds: struct svm_edu_bond on this device (svm_edu_bind_lock)
 * @done_wq: woken by the DMA_DONE vector
 * @done_seq: DMA_DONE interrupts so far
 * @vec: handler context per MSI-X vector
 * @irq_count: interrupts taken, per MSI-X vector
 * @irq_test_done: completed by a vector's handler during the probe self-test
 * @cnt: driver counters (enum svm_edu_drv_counter)
 * @lat: latency histograms (enum svm_edu_lat_kind)
 * @prq_irq_ns: when the last page-request interrupt came (ktime ns)
 * @debugfs: per-device debugfs folder
 */
struct svm_edu_dev {
	struct kref ref;
	struct rw_semaphore rwsem;
	bool gone;
	bool fenced;
	bool prq_stop;
	struct pci_dev *pdev;
	void __iomem *regs;
	int instance;
	char name[24];
	struct miscdevice misc;
	u32 hw_version;
	u64 caps;
	u32 iotlb_geom;

	u32 nr_pasids;
	__le64 *pasid_table;
	dma_addr_t pasid_table_dma;
	struct svm_edu_desc *sq;
	dma_addr_t sq_dma;
	u32 sq_tail;
	atomic64_t sq_queued;
	struct mutex sq_lock;
	struct svm_edu_inv_desc *iq;
	dma_addr_t iq_dma;
	u32 iq_tail;
	u32 iq_room;
	u32 *wait_word;
	dma_addr_t wait_dma;
	u32 wait_seq;
	struct svm_edu_page_req *prq;
	dma_addr_t prq_dma;
	u32 prq_head;
	atomic64_t prq_done;
	spinlock_t inv_lock;
	u32 gen_next;
	spinlock_t q_lock;
	struct list_head quarantine;
	struct delayed_work q_work;

	struct list_head bonds;
	wait_queue_head_t done_wq;
	atomic64_t done_seq;
	struct svm_edu_vec vec[SVM_EDU_NR_VECTORS];
	atomic64_t irq_count[SVM_EDU_NR_VECTORS];
	struct completion irq_test_done[SVM_EDU_NR_VECTORS];
	atomic64_t cnt[SVM_EDU_NR_DRV_COUNTERS];
	struct svm_edu_lat lat[SVM_EDU_NR_LAT_KINDS];
	u64 prq_irq_ns;
	struct dentry *debugfs;
};

/**
 * struct svm_edu_mm - one address space bound to svm-edu devices
 * @mn: its mmu_notifier (one per mm: mmu_notifier_get())
 * @ref: holds the PASID: one reference for the notifier (dropped by
 *	.free_notifier) and one per quarantined bond; the last one frees the
 *	PASID and this structure
 * @pasid: the PASID of the mm, the same on every device
 * @lock: protects @bonds and every bond's @dead
 * @bonds: struct svm_edu_bond of this mm, one per device
 */
struct svm_edu_mm {
	struct mmu_notifier mn;
	struct kref ref;
	u32 pasid;
	spinlock_t lock;
	struct list_head bonds;
};

/**
 * struct svm_edu_bond - an address space bound to one device
 * @sdev: the device
 * @smm: the address space
 * @mm_node: in smm->bonds
 * @dev_node: in sdev->bonds
 * @users: files bound through this bond
 * @dead: the mm was released: the PASID is blocked on the device
 * @gen: the binding's generation (PASID entry, descriptors, page
 *	requests); 0 when the device has no SVM_EDU_CAP_BIND_GEN
 * @shadow: the device's shadow page table (a shadow binding), or NULL
 *	(sva: the device walks the process's own)
 * @sq_target: teardown: ring position (descriptors ever queued) the device
 *	must consume before the PASID may be freed
 * @prq_target: teardown: page requests the driver must have handled
 * @deadline: teardown: when waiting gives way to quarantine (jiffies)
 * @q_node: in sdev->quarantine, or in remove()'s list of dying bonds
 */
struct svm_edu_bond {
	struct svm_edu_dev *sdev;
	struct svm_edu_mm *smm;
	struct list_head mm_node;
	struct list_head dev_node;
	unsigned int users;
	bool dead;
	u32 gen;
	struct svm_edu_shadow *shadow;
	u64 sq_target;
	u64 prq_target;
	unsigned long deadline;
	struct list_head q_node;
};

/**
 * struct svm_edu_zbuf - a file's zap_vma_ptes() pages (svm_edu_zap.c)
 * @lock: serializes allocation
 * @pages: the two pages
 * @cur: the one a fault maps
 */
struct svm_edu_zbuf {
	struct mutex lock;
	struct page *pages[2];
	unsigned int cur;
};

static inline u32 svm_edu_read32(struct svm_edu_dev *sdev, u32 reg)
{
	return readl(sdev->regs + reg);
}

static inline void svm_edu_write32(struct svm_edu_dev *sdev, u32 reg, u32 val)
{
	writel(val, sdev->regs + reg);
}

static inline u64 svm_edu_read64(struct svm_edu_dev *sdev, u32 reg)
{
	return readq(sdev->regs + reg);
}

static inline void svm_edu_write64(struct svm_edu_dev *sdev, u32 reg, u64 val)
{
	writeq(val, sdev->regs + reg);
}

/* Fenced: the device does no DMA and has no cached state any more. */
static inline bool svm_edu_fenced(struct svm_edu_dev *sdev)
{
	return smp_load_acquire(&sdev->fenced);
}

static inline void svm_edu_count(struct svm_edu_dev *sdev,
				 enum svm_edu_drv_counter c, long n)
{
	atomic64_add(n, &sdev->cnt[c]);
}

/* svm_edu_pci.c */
void svm_edu_put(struct svm_edu_dev *sdev);
void svm_edu_reset_device(struct svm_edu_dev *sdev);

/* svm_edu_cdev.c */
int svm_edu_cdev_register(struct svm_edu_dev *sdev);

/* svm_edu_bind.c */
extern struct mutex svm_edu_bind_lock;
struct mm_struct *svm_edu_pasid_mm(struct svm_edu_dev *sdev, u32 pasid,
				   u32 gen, struct svm_edu_shadow **shadow);
struct svm_edu_bond *svm_edu_bind(struct svm_edu_dev *sdev,
				  struct mm_struct *mm, bool shadow);
struct svm_edu_bond *svm_edu_unbind(struct svm_edu_bond *bond);
void svm_edu_unbind_finish(struct svm_edu_bond *bond);
void svm_edu_unbind_all(struct svm_edu_dev *sdev, struct list_head *dying);
bool svm_edu_bond_dead(struct svm_edu_bond *bond);
bool svm_edu_mn_inject(struct svm_edu_dev *sdev, u32 *pasid,
		       unsigned long start, unsigned long *end);
void svm_edu_quarantine_work(struct work_struct *work);
void svm_edu_quarantine_release(struct svm_edu_dev *sdev);

/* svm_edu_flush.c */
void svm_edu_flush_range(struct svm_edu_dev *sdev, u32 pasid,
			 unsigned long start, unsigned long end);
u32 svm_edu_pasid_install(struct svm_edu_dev *sdev, u32 pasid, u64 flags,
			  u64 pgd, u64 croot);
void svm_edu_pasid_block(struct svm_edu_dev *sdev, u32 pasid);
void svm_edu_pasid_clear_root(struct svm_edu_dev *sdev, u32 pasid);
extern unsigned int svm_edu_whole_pasid_pages;

/* svm_edu_submit.c */
int svm_edu_submit(struct svm_edu_dev *sdev, struct svm_edu_bond *bond,
		   const struct svm_edu_udesc __user *udescs, u32 count,
		   u32 *submitted);
int svm_edu_wait(struct svm_edu_dev *sdev, u64 completion,
		 u32 timeout_ms, u32 *status);
u64 svm_edu_sq_consumed(struct svm_edu_dev *sdev);

/* svm_edu_prq.c */
irqreturn_t svm_edu_prq_thread(int irq, void *data);
u64 svm_edu_prq_pending(struct svm_edu_dev *sdev);

/* svm_edu_shadow.c */
struct svm_edu_shadow *svm_edu_shadow_alloc(struct svm_edu_bond *bond,
					    struct mm_struct *mm);
void svm_edu_shadow_free(struct svm_edu_shadow *sh);
void svm_edu_shadow_block(struct svm_edu_shadow *sh);
int svm_edu_shadow_fill(struct svm_edu_shadow *sh, struct mm_struct *mm,
			u64 start, u64 len, bool write, unsigned int timeout_ms);
int svm_edu_shadow_fault(struct svm_edu_shadow *sh, struct mm_struct *mm,
			 u64 addr, bool write, unsigned int timeout_ms);
u32 svm_edu_shadow_around(struct svm_edu_shadow *sh, struct mm_struct *mm,
			  u64 addr, u32 npages, bool write);
u64 svm_edu_shadow_root(struct svm_edu_shadow *sh);
void svm_edu_shadow_get_stats(struct svm_edu_shadow *sh,
			      struct svm_edu_shadow_stats *st);

/* svm_edu_zap.c */
int svm_edu_zap_mmap(struct svm_edu_zbuf *zb, struct vm_area_struct *vma);
int svm_edu_zap(struct svm_edu_zbuf *zb, struct file *file, u64 addr);
void svm_edu_zap_free(struct svm_edu_zbuf *zb);

/*
 * svm_edu_debugfs.c: fault injection, TEST ONLY (SVM_EDU_INJECT_BUGS and
 * SVM_EDU_INJECT_DELAYS in uapi/svm_edu.h), one value per knob.
 */
#define SVM_EDU_INJ_ENUM_(id, name)	SVM_EDU_INJ_##id,
enum svm_edu_inject {
	SVM_EDU_INJECT_BUGS(SVM_EDU_INJ_ENUM_)
	SVM_EDU_NR_INJECT_BUGS,
	SVM_EDU_INJ_DELAYS_ = SVM_EDU_NR_INJECT_BUGS - 1,
	SVM_EDU_INJECT_DELAYS(SVM_EDU_INJ_ENUM_)
	SVM_EDU_NR_INJECT
};
#undef SVM_EDU_INJ_ENUM_
extern u32 svm_edu_inject[SVM_EDU_NR_INJECT];
/* On while any knob is non-zero: the hot paths test nothing else. */
DECLARE_STATIC_KEY_FALSE(svm_edu_inject_key);

/**
 * svm_edu_injected() - a fault-injection knob's value
 * @knob: SVM_EDU_INJ_*
 *
 * Return: 0 while every knob is 0, at the cost of a patched-out jump, so
 * that the test-only knobs cost nothing on the hot paths when unused;
 * else the knob's value (0 or 1 for a bug, the delay for a delay).
 */
static __always_inline u32 svm_edu_injected(enum svm_edu_inject knob)
{
	if (static_branch_unlikely(&svm_edu_inject_key))
		return READ_ONCE(svm_edu_inject[knob]);
	return 0;
}

/* svm_edu_latency.c */
void svm_edu_lat_record(struct svm_edu_dev *sdev, enum svm_edu_lat_kind kind,
			u64 ns);
void svm_edu_lat_reset(struct svm_edu_dev *sdev);
void svm_edu_lat_debugfs(struct svm_edu_dev *sdev, struct dentry *dir);

void svm_edu_attribute(unsigned long start, unsigned long end);
void svm_edu_debugfs_init(void);
void svm_edu_debugfs_exit(void);
void svm_edu_debugfs_add(struct svm_edu_dev *sdev);
void svm_edu_debugfs_remove(struct svm_edu_dev *sdev);

#endif /* SVM_EDU_DRV_H */
