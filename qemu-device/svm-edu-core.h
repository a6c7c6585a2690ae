/*
 * svm-edu device core: the whole device logic in plain C.
 *
 * Nothing here includes QEMU headers. The core reaches the outside world
 * (guest memory, interrupts, logging, time) only through SvmEduHostOps
 * and the trace points of svm-edu-trace.h, so the same code runs inside
 * QEMU (svm-edu.c provides the ops and the DMA thread, svm-edu-trace.c
 * the trace points) and in host unit tests and the fuzzer.
 *
 * Concurrency: one mutex (SvmEduCore.lock) serializes register accesses,
 * invalidations and DMA chunks. A DMA chunk (at most one page of source and
 * destination) translates and copies with the lock held, so an invalidation
 * waits for the chunk in progress and the next chunk translates again. A
 * chunk that has to wait for a page response drops the lock meanwhile and
 * translates everything again afterwards.
 * Host callbacks are called with the lock held except raise_irq, which is
 * called after the lock is dropped.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef SVM_EDU_CORE_H
#define SVM_EDU_CORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svm_edu_hw.h"
#include "svm-edu-regs.h"
#include "svm-edu-trace.h"

/* Physical address width the walker accepts in paging entries. */
#define SVM_EDU_PHYS_BITS           46
#define SVM_EDU_IOTLB_MAX_ENTRIES   4096
#define SVM_EDU_MAX_PASID_BITS      20
#define SVM_EDU_PASID_CACHE_SIZE    16
#define SVM_EDU_RING_MAX            4096
#define SVM_EDU_PAGE_SIZE           4096ull
/* Walk-cache entries remembered as most recently used. */
#define SVM_EDU_WC_MRU              2
/* Walk restarts allowed when the guest changes an entry under a cmpxchg. */
#define SVM_EDU_WALK_RETRIES        16

typedef struct SvmEduHostOps {
    /*
     * Guest-physical memory. Return 0, or -1 when the range is not RAM
     * (the core never touches anything else).
     */
    int (*mem_read)(void *opaque, uint64_t pa, void *buf, uint32_t len);
    int (*mem_write)(void *opaque, uint64_t pa, const void *buf,
                     uint32_t len);
    /*
     * Atomic compare-and-swap of the little-endian 64-bit word at @pa
     * (8-byte aligned). Stores the previous value in @seen. 0, or -1 when
     * @pa is not RAM.
     */
    int (*mem_cmpxchg64)(void *opaque, uint64_t pa, uint64_t expected,
                         uint64_t desired, uint64_t *seen);
    /*
     * Optional: copy @len bytes between guest-physical addresses in one go
     * (no bounce buffer). 0, or -1 when either side is not RAM; the core
     * then takes the slow path, which finds out which side it was.
     */
    int (*mem_copy)(void *opaque, uint64_t dst, uint64_t src, uint32_t len);
    /* Raise MSI-X vector @vec; called without the core lock. */
    void (*raise_irq)(void *opaque, unsigned vec);
    /* Report a guest programming error (QEMU: LOG_GUEST_ERROR). */
    void (*guest_error)(void *opaque, const char *msg);
    /* Host monotonic time in ns, for the busy-time counter. Optional. */
    uint64_t (*now_ns)(void *opaque);
} SvmEduHostOps;

typedef struct SvmEduConfig {
    uint32_t iotlb_entries;
    uint32_t iotlb_ways;
    uint32_t pasid_bits;
    bool la57;
    /*
     * Pages one page request asks for: the faulting page and those the
     * descriptor will touch next in the same buffer (1: one at a time;
     * at most SVM_EDU_PRQ_GROUP_MAX).
     */
    uint32_t prq_group;
    uint32_t stale_policy;  /* SVM_EDU_STALE_*, the reset value */
    /*
     * Walk (paging-structure) cache: entries (0: none) and how many upper
     * levels it holds, from the PDE up (1..4).
     */
    uint32_t wc_entries;
    uint32_t wc_levels;
    /*
     * Test knobs that bring back old, wrong behaviour so that the checker
     * can be shown to catch it (QEMU properties x-keep-src-across-prq and
     * x-run-ended-binding):
     * - keep_src_across_prq: a chunk keeps its source translation across a
     *   page-request wait for its destination instead of translating again;
     * - run_ended_binding: a descriptor whose binding generation is not the
     *   PASID entry's any more runs under the PASID's current binding
     *   instead of being aborted.
     * - wc_keep (x-walk-cache-keep-on-range): PAGE commands drop IOTLB
     *   entries only and leave the walk cache alone, as if every one had
     *   LEAF_ONLY (PASID, GLOBAL and reset still empty it).
     * And one that breaks the device on purpose, to prove what the driver
     * does when the device stops answering (x-iq-stall-addr):
     * - iq_stall_addr: when the invalidation queue reaches a PAGE command
     *   whose range holds this address (any PASID), it stops there: that
     *   command, and everything queued behind it, is neither executed nor
     *   consumed until the device is reset. 0: off.
     */
    bool keep_src_across_prq;
    bool run_ended_binding;
    bool wc_keep;
    uint64_t iq_stall_addr;
} SvmEduConfig;

/*
 * A walk-cache entry: a present, non-leaf paging entry of level @level
 * (2 PDE .. 5 PML5E) that a translating walk read, tagged with the PASID
 * and the region of virtual addresses it maps (va >> (12 + 9 * (level -
 * 1))). A walk that finds one starts at the table it points to.
 */
typedef struct SvmEduWcEntry {
    bool valid;
    bool la57;              /* read through a 5-level table */
    bool user;              /* U/S set from the root through this entry */
    bool rw;                /* R/W set from the root through this entry */
    uint8_t level;
    uint32_t pasid;
    uint64_t tag;
    uint64_t table;         /* the next level's table */
    uint64_t stamp;         /* last use, for LRU */
} SvmEduWcEntry;

typedef struct SvmEduIotlbEntry {
    bool valid;
    bool writable;          /* writes allowed and D already set */
    uint8_t pgsz;           /* SVM_EDU_PGSZ_* */
    uint32_t pasid;
    uint64_t va;            /* aligned to the page size */
    uint64_t pa;            /* aligned to the page size */
    uint64_t stamp;         /* last use, for LRU */
} SvmEduIotlbEntry;

typedef struct SvmEduPasidEntry {
    bool cached;
    uint32_t pasid;
    uint64_t flags;         /* SVM_EDU_PE_* */
    uint64_t pgd;           /* the table the device walks */
    uint32_t gen;           /* binding generation (SVM_EDU_PE_GEN) */
    uint64_t croot;         /* SHADOW: the checker's root (SVM_EDU_PE_CROOT) */
} SvmEduPasidEntry;

/*
 * A translation the engine holds outside the IOTLB between obtaining it
 * and the memory access that uses it: a chunk's source and destination,
 * the completion record's address. Every invalidation command that covers
 * it marks it killed; the checker judges the use (checker v2).
 */
enum {
    SVM_EDU_HELD_SRC,
    SVM_EDU_HELD_DST,
    SVM_EDU_HELD_REC,
    SVM_EDU_NR_HELD
};

typedef struct SvmEduHeld {
    bool valid;
    bool killed;            /* a covering invalidation has completed */
    uint32_t pasid;
    uint64_t va;            /* the 4 KiB page the access lies in */
    uint64_t size;          /* bytes from va the translation covers */
    uint64_t pa;            /* physical address of va */
} SvmEduHeld;

typedef struct SvmEduStaleEvent {
    uint32_t pasid;
    uint32_t info;
    uint64_t va;
    uint64_t cached_pa;
    uint64_t fresh_pa;
} SvmEduStaleEvent;

typedef struct SvmEduCore {
    const SvmEduHostOps *ops;
    void *opaque;
    SvmEduConfig cfg;

    pthread_mutex_t lock;
    pthread_cond_t work;    /* SQ doorbell, enable, stop */
    bool stop;
    /*
     * Bumped by reset and by writes to SQ_BASE/SQ_SIZE: a descriptor in
     * flight across it is dropped.
     */
    uint64_t epoch;
    uint32_t pending_irqs;  /* raised when the lock is next dropped */
    /*
     * Bumped whenever the engine drops the lock in the middle of a
     * descriptor (page-request wait, between chunks): whatever it held
     * across that may have been invalidated meanwhile.
     */
    uint64_t engine_drops;

    /*
     * Registers: svm_edu_regs[] (svm-edu-regs.c) names the field behind
     * each, which must have the register's width; reset comes from there.
     */
    uint32_t scratch;
    uint32_t ctrl;
    uint32_t error;
    uint32_t stale_policy;
    uint32_t throttle_us;
    uint64_t pasid_table;
    uint32_t pasid_entries;
    uint64_t sq_base;
    uint32_t sq_size;
    uint32_t sq_tail;
    uint32_t sq_head;
    uint32_t sq_err_index;
    bool sq_halted;         /* fetch failed: until SQ is reprogrammed */
    bool sq_active;         /* a descriptor is being processed */
    uint64_t inv_addr;
    uint32_t inv_pasid;
    uint64_t iq_base;
    uint32_t iq_size;
    uint32_t iq_tail;
    uint32_t iq_head;
    uint32_t iq_err_index;
    bool iq_stalled;        /* x-iq-stall-addr hit: until reset */
    uint64_t probe_addr;
    uint32_t probe_pasid;
    uint64_t prq_base;
    uint32_t prq_size;
    uint32_t prq_tail;
    uint32_t prq_head;

    /* The one page request a blocked descriptor waits for (id 0: none). */
    uint32_t prq_next_id;
    uint32_t prq_wait_id;
    uint32_t prq_wait_pasid;
    bool prq_answered;
    uint8_t prq_answer;
    /*
     * Set by svm_edu_core_run_pending(): nobody can answer while the
     * caller's thread runs the engine, so a request fails at once.
     */
    bool prq_nowait;

    /* Caches */
    SvmEduIotlbEntry *iotlb;    /* sets * ways, set-major */
    SvmEduWcEntry *wc;          /* walk cache, fully associative */
    uint64_t wc_stamp;
    /* The PDE entries used last, looked at first (a DMA's two streams). */
    uint32_t wc_mru[SVM_EDU_WC_MRU];
    uint32_t iotlb_sets;
    uint64_t iotlb_stamp;
    SvmEduPasidEntry pasid_cache[SVM_EDU_PASID_CACHE_SIZE];
    SvmEduHeld held[SVM_EDU_NR_HELD];

    /* Observability */
    uint64_t counters[SVM_EDU_NR_COUNTERS];
    uint32_t stale_count;
    SvmEduStaleEvent stale_log[SVM_EDU_STALE_LOG_ENTRIES];
} SvmEduCore;

/*
 * The core reads and writes guest memory through the structures of
 * svm_edu_hw.h, whose layout is the guest's: hold them to the sizes and
 * offsets the header (and docs/hw-spec.md) give.
 */
_Static_assert(sizeof(struct svm_edu_desc) == SVM_EDU_DESC_SIZE,
               "descriptor size");
_Static_assert(sizeof(struct svm_edu_completion) == SVM_EDU_COMPLETION_SIZE,
               "completion record size");
_Static_assert(sizeof(struct svm_edu_inv_desc) == SVM_EDU_INV_DESC_SIZE,
               "invalidation descriptor size");
_Static_assert(sizeof(struct svm_edu_page_req) == SVM_EDU_PRQ_ENTRY_SIZE,
               "page request size");
_Static_assert(sizeof(struct svm_edu_pasid_entry) ==
               SVM_EDU_PASID_ENTRY_SIZE, "PASID entry size");
_Static_assert(offsetof(struct svm_edu_pasid_entry, flags) ==
               SVM_EDU_PE_FLAGS &&
               offsetof(struct svm_edu_pasid_entry, pgd) == SVM_EDU_PE_PGD &&
               offsetof(struct svm_edu_pasid_entry, gen) == SVM_EDU_PE_GEN,
               "PASID entry field offsets");

/* Result of a page walk. */
typedef struct SvmEduWalk {
    uint32_t fault;         /* SVM_EDU_FAULT_*; 0: translated */
    uint8_t pgsz;           /* SVM_EDU_PGSZ_* of the leaf */
    bool writable;          /* a write may use this translation now */
    uint64_t pa;            /* leaf frame, aligned to the page size */
    /* A stale walk-cache entry under the abort policy: nothing walked. */
    bool stale_abort;
} SvmEduWalk;


/* svm-edu-core.c: life cycle */
const char *svm_edu_core_check_config(const SvmEduConfig *cfg);
/* Returns 0, or -1 when memory for the IOTLB cannot be had. */
int svm_edu_core_init(SvmEduCore *s, const SvmEduConfig *cfg,
                      const SvmEduHostOps *ops, void *opaque);
void svm_edu_core_destroy(SvmEduCore *s);
void svm_edu_core_reset(SvmEduCore *s);
/*
 * Everything but the configuration and the thread state, registers from
 * their table (svm-edu-regs.c). Lock held.
 */
void svm_edu_core_reset_locked(SvmEduCore *s);
/* Internal: report a guest error and set @err in ERROR. Lock held. */
void svm_edu_guest_error(SvmEduCore *s, uint32_t err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Drop the lock, raising the interrupts queued while it was held. */
void svm_edu_core_unlock(SvmEduCore *s);

/* svm-edu-regs.c: the register file, MMIO accesses of BAR0 */
uint64_t svm_edu_core_read(SvmEduCore *s, uint64_t addr, unsigned size);
void svm_edu_core_write(SvmEduCore *s, uint64_t addr, uint64_t val,
                        unsigned size);

/* svm-edu-walk.c: x86-64 first-level page walk */
uint64_t svm_edu_page_size(uint8_t pgsz);
bool svm_edu_canonical(uint64_t va, bool la57);
/*
 * Walk @pe's table for @va. @set_ad: set A on every level and D on the leaf
 * of a write, by compare-and-swap, when the PASID entry enables A/D.
 * Without @set_ad the walk only reads (the stale checker's ground truth).
 */
void svm_edu_walk(SvmEduCore *s, const SvmEduPasidEntry *pe, uint64_t va,
                  bool write, bool set_ad, SvmEduWalk *w);

/*
 * svm-edu-walkcache.c: the walk (paging-structure) cache. Lock held.
 * Lookup: the deepest entry of @pasid that maps @va, NULL when none (or
 * no walk cache).
 */
const SvmEduWcEntry *svm_edu_wc_lookup(SvmEduCore *s, uint32_t pasid,
                                       bool la57, uint64_t va);
void svm_edu_wc_fill(SvmEduCore *s, uint32_t pasid, bool la57, unsigned level,
                     uint64_t va, uint64_t table, bool user, bool rw);
/* Drop @pasid's entries whose region overlaps [va, va + len); how many. */
uint64_t svm_edu_wc_inv_range(SvmEduCore *s, uint32_t pasid, uint64_t va,
                              uint64_t len);
uint64_t svm_edu_wc_inv_pasid(SvmEduCore *s, uint32_t pasid);
uint64_t svm_edu_wc_inv_all(SvmEduCore *s);

/* svm-edu-iotlb.c: IOTLB and PASID cache */
SvmEduIotlbEntry *svm_edu_iotlb_lookup(SvmEduCore *s, uint32_t pasid,
                                       uint64_t va, bool touch);
void svm_edu_iotlb_insert(SvmEduCore *s, uint32_t pasid, uint64_t va,
                          const SvmEduWalk *w);
void svm_edu_iotlb_drop(SvmEduCore *s, SvmEduIotlbEntry *e);
/* Drop @pasid's entries overlapping [va, va + len); returns how many. */
uint64_t svm_edu_iotlb_inv_range(SvmEduCore *s, uint32_t pasid, uint64_t va,
                                 uint64_t len);
uint64_t svm_edu_iotlb_inv_pasid(SvmEduCore *s, uint32_t pasid);
uint64_t svm_edu_iotlb_inv_all(SvmEduCore *s);
/*
 * PASID entry, through the PASID cache; NULL when unreadable. An entry read
 * as VALID with a root of 0 (torn, or a bad teardown order) is returned
 * without VALID and reported.
 */
const SvmEduPasidEntry *svm_edu_pasid_get(SvmEduCore *s, uint32_t pasid);
void svm_edu_pasid_cache_inv(SvmEduCore *s, uint32_t pasid, bool all);

/* svm-edu-xlate.c: translation through the IOTLB, with the stale checker */
/*
 * Translate @va of @pasid for a read or write. On success returns
 * SVM_EDU_CS_SUCCESS and the physical address in @pa; otherwise a
 * completion status, with SVM_EDU_FAULT_* bits in @fault.
 */
int svm_edu_translate(SvmEduCore *s, uint32_t pasid, uint64_t va,
                      bool write, uint64_t *pa, uint32_t *fault);
/*
 * Count and log a stale use (counter STALE, STALE_COUNT, the stale log,
 * the trace point).
 */
void svm_edu_log_stale(SvmEduCore *s, uint32_t pasid, uint64_t va,
                       uint64_t cached_pa, uint64_t fresh_pa, uint32_t info);
/* Record @pa as the held translation @h of @va; lock held. */
void svm_edu_held_set(SvmEduHeld *h, uint32_t pasid, uint64_t va,
                      uint64_t pa);
/*
 * An invalidation has completed: mark killed every held translation of
 * @pasid (or of every PASID with @all_pasids) that overlaps
 * [va, va + len); @len 0 means the whole address space.
 */
void svm_edu_held_kill(SvmEduCore *s, bool all_pasids, uint32_t pasid,
                       uint64_t va, uint64_t len);
/*
 * Checker v2, just before an access of @va uses the held translation @h.
 * Returns SVM_EDU_CS_SUCCESS: use h->pa; SVM_EDU_CS_STALE_ABORT; or
 * SVM_EDU_CS_NONE: translate again (report policy; @h is dropped).
 */
int svm_edu_held_use(SvmEduCore *s, SvmEduHeld *h, uint64_t va, bool write);
/*
 * An access at @va (physical @pa) made for a binding that has ended
 * (x-run-ended-binding). Returns SVM_EDU_CS_SUCCESS to go on, or
 * SVM_EDU_CS_STALE_ABORT.
 */
int svm_edu_ended_use(SvmEduCore *s, uint32_t pasid, uint64_t va,
                      uint64_t pa, bool write);

/* svm-edu-inv.c: invalidation commands and queue */
/* Run one command; lock held. Returns false for a malformed command. */
bool svm_edu_inv_exec(SvmEduCore *s, uint32_t cmd, uint32_t pasid,
                      uint64_t addr, uint32_t data, bool from_queue);
void svm_edu_iq_doorbell(SvmEduCore *s, uint32_t tail);

/* svm-edu-prq.c: page requests */
/*
 * Ask the driver to make @va of @pasid accessible and wait for its answer;
 * lock held (dropped while waiting, which bumps engine_drops). @bind_gen
 * is the descriptor's, for the driver to tell an ended binding's requests;
 * @npages the group (prq_group()), 1 for @va's page alone.
 * True when the access may be retried.
 */
bool svm_edu_page_request(SvmEduCore *s, uint32_t pasid, uint32_t bind_gen,
                          uint64_t va, uint32_t npages, bool write,
                          uint64_t epoch);
void svm_edu_prq_response(SvmEduCore *s, uint64_t val);
/* DRAIN: a request of @pasid being waited for is answered "failure". */
void svm_edu_prq_withdraw(SvmEduCore *s, uint32_t pasid);

/* svm-edu-dma.c: the DMA engine */
void svm_edu_sq_doorbell(SvmEduCore *s, uint32_t tail);
/* Process every pending descriptor in the calling thread (tests, fuzzer). */
void svm_edu_core_run_pending(SvmEduCore *s);
/* Body of the device thread: processes descriptors until stopped. */
void svm_edu_core_worker(SvmEduCore *s);
/* Ask the worker to return; the caller then joins its thread. */
void svm_edu_core_stop(SvmEduCore *s);

#endif /* SVM_EDU_CORE_H */
