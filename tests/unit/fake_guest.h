/* SPDX-License-Identifier: MIT */
/*
 * A fake guest for the device core's unit tests and fuzzer: RAM in a host
 * buffer, x86-64 page-table construction, and SvmEduHostOps over them.
 */
#ifndef FAKE_GUEST_H
#define FAKE_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "svm-edu-core.h"

/* Guest-physical layout of the fake RAM */
/* The stale policies' names, for test messages (svm_edu_hw.h's list). */
#define FG_POLICY_NAME_(id, val, name) [SVM_EDU_STALE_##id] = name,
static const char *const fg_policy_names[] = {
    SVM_EDU_STALE_POLICIES(FG_POLICY_NAME_)
};
#undef FG_POLICY_NAME_

#define FG_RAM_SIZE         (32u << 20)
#define FG_PASID_TABLE      0x1000ull       /* 64 entries */
#define FG_SQ_BASE          0x4000ull       /* 64 descriptors */
#define FG_IQ_BASE          0x6000ull       /* 64 descriptors */
#define FG_WAIT_STATUS      0x7000ull
#define FG_PT_POOL          0x100000ull     /* page tables: 1..8 MiB */
#define FG_PT_POOL_END      0x800000ull
#define FG_FRAMES           0x800000ull     /* data frames from 8 MiB */

/* PTE bits */
#define FG_P    (1ull << 0)
#define FG_RW   (1ull << 1)
#define FG_US   (1ull << 2)
#define FG_A    (1ull << 5)
#define FG_D    (1ull << 6)
#define FG_PS   (1ull << 7)
#define FG_USER_RW  (FG_P | FG_RW | FG_US)

/* RAM size of the next fg_init() (the fuzzer wants less). */
extern uint64_t fg_ram_size;

typedef struct FakeGuest {
    uint8_t *ram;
    uint64_t ram_size;
    uint64_t pt_next;       /* bump allocator for page tables */
    uint64_t frame_next;    /* bump allocator for 4 KiB data frames */
    unsigned irqs[SVM_EDU_NR_VECTORS];
    unsigned guest_errors;
    char last_error[160];
    /* Called after every mem_read of the core (race tests). */
    void (*read_hook)(struct FakeGuest *fg, uint64_t pa);
    void *hook_arg;
    SvmEduCore core;
} FakeGuest;

extern const SvmEduHostOps fg_ops;

/* Little-endian loads and stores on guest-memory images. */
static inline uint64_t svm_edu_ld_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < bytes; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static inline void svm_edu_st_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    unsigned i;

    for (i = 0; i < bytes; i++) {
        p[i] = v >> (8 * i);
    }
}

/* Zeroed RAM and a core with @cfg (NULL: 64 entries, 4 ways, report). */
void fg_init(FakeGuest *fg, const SvmEduConfig *cfg);
void fg_destroy(FakeGuest *fg);

uint64_t fg_rd64(FakeGuest *fg, uint64_t pa);
void fg_wr64(FakeGuest *fg, uint64_t pa, uint64_t v);
uint64_t fg_alloc_table(FakeGuest *fg);
uint64_t fg_alloc_frame(FakeGuest *fg);

/*
 * Map @va -> @pa with a leaf of size @pgsz (SVM_EDU_PGSZ_*) and @flags in
 * the table rooted at @root (@levels 4 or 5), creating intermediate tables
 * with FG_USER_RW. Returns the guest-physical address of the leaf entry.
 */
uint64_t fg_map(FakeGuest *fg, uint64_t root, unsigned levels, uint64_t va,
                uint64_t pa, unsigned pgsz, uint64_t flags);
/* Address of the entry at @level (1 = PTE) for @va, or 0 if absent. */
uint64_t fg_entry_addr(FakeGuest *fg, uint64_t root, unsigned levels,
                       uint64_t va, unsigned level);

/*
 * Write PASID table entry @pasid (generation 0, or @gen) and program
 * PASID_TABLE/ENTRIES.
 */
void fg_set_pasid(FakeGuest *fg, uint32_t pasid, uint64_t flags,
                  uint64_t root);
void fg_set_pasid_gen(FakeGuest *fg, uint32_t pasid, uint64_t flags,
                      uint64_t root, uint32_t gen);

/* Register access shorthands */
uint64_t fg_reg(FakeGuest *fg, uint64_t reg);
void fg_set_reg(FakeGuest *fg, uint64_t reg, uint64_t val);
uint64_t fg_counter(FakeGuest *fg, enum svm_edu_counter c);

/* Enable the device and set up a 64-entry SQ and IQ. */
void fg_enable(FakeGuest *fg);

/*
 * Submit one descriptor at the SQ tail and run the ring to completion in
 * this thread. Completion record at @rec_va (0: none). Returns the slot.
 */
uint32_t fg_submit(FakeGuest *fg, const struct svm_edu_desc *d);
/* Write @d at guest-physical @at, as the driver would. */
void fg_put_desc(FakeGuest *fg, uint64_t at, const struct svm_edu_desc *d);
/* Wait (2 s at most) until PRQ_TAIL is @n, for a device thread. */
bool fg_wait_prq_tail(FakeGuest *fg, uint32_t n);
/* Wait (2 s at most) for the status byte of the record at @rec_pa; 0 if none. */
uint8_t fg_wait_status(FakeGuest *fg, uint64_t rec_pa);

/* Queue invalidation descriptors and ring the IQ doorbell once. */
void fg_inv(FakeGuest *fg, const struct svm_edu_inv_desc *d, unsigned n);

/* Read @len bytes of guest-virtual memory through the test's own walk. */
void fg_read_phys(FakeGuest *fg, uint64_t pa, void *buf, uint32_t len);
void fg_write_phys(FakeGuest *fg, uint64_t pa, const void *buf, uint32_t len);


#ifndef FAKE_GUEST_PROC_H
#define FAKE_GUEST_PROC_H
/* Default PASID-entry flags of a process: valid, writable, A/D. */
#define FG_PE_DEFAULT (SVM_EDU_PE_VALID | SVM_EDU_PE_WRITE | SVM_EDU_PE_AD)

/*
 * A process: a 4-level root bound to @pasid, with @pages fresh 4 KiB pages
 * mapped read/write from @va. Returns the root.
 */
uint64_t fg_process(FakeGuest *fg, uint32_t pasid, uint64_t va,
                    unsigned pages);
/* Physical address of @va in the table at @root (4-level), or ~0. */
uint64_t fg_va2pa(FakeGuest *fg, uint64_t root, uint64_t va);
/* Completion record at guest-physical @pa. */
void fg_record(FakeGuest *fg, uint64_t pa, struct svm_edu_completion *c);
#endif

#endif /* FAKE_GUEST_H */
