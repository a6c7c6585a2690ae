/*
 * svm-edu device core: the BAR0 register file (svm-edu-regs.h): the
 * register table, its handlers and the MMIO read and write accessors that
 * dispatch through it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include "svm-edu-core.h"

_Static_assert(offsetof(SvmEduCore, ops) == 0,
               "field offset 0 must mean 'no field'");

/* Reads (lock held; @off: byte offset of the 64-bit word in the register) */

static uint64_t read_cap(SvmEduCore *s, uint32_t off)
{
    uint64_t cap = s->cfg.pasid_bits & SVM_EDU_CAP_PASID_BITS_MASK;

    (void)off;
    cap |= SVM_EDU_CAP_PG1G | SVM_EDU_CAP_IOTLB | SVM_EDU_CAP_STALE_CHECK |
           SVM_EDU_CAP_INV_QUEUE | SVM_EDU_CAP_DMA | SVM_EDU_CAP_PRQ |
           SVM_EDU_CAP_BIND_GEN | SVM_EDU_CAP_SHADOW;
    if (s->cfg.la57) {
        cap |= SVM_EDU_CAP_LA57;
    }
    if (s->cfg.wc_entries) {
        cap |= SVM_EDU_CAP_WALK_CACHE |
               (uint64_t)(s->cfg.wc_levels & 0x7) << 17 |
               (uint64_t)(s->cfg.wc_entries & 0xfff) << 20;
    }
    return cap;
}

static uint64_t read_iotlb_geom(SvmEduCore *s, uint32_t off)
{
    (void)off;
    return (s->cfg.iotlb_entries & 0xffff) |
           ((s->cfg.iotlb_ways & 0xff) << 16);
}

static uint64_t read_status(SvmEduCore *s, uint32_t off)
{
    uint32_t status = 0;

    (void)off;
    if (s->ctrl & SVM_EDU_CTRL_ENABLE) {
        status |= SVM_EDU_STATUS_ENABLED;
    }
    if (s->sq_head != s->sq_tail || s->sq_active) {
        status |= SVM_EDU_STATUS_DMA_BUSY;
    }
    return status;
}

static uint64_t read_counter(SvmEduCore *s, uint32_t off)
{
    return s->counters[off / 8];
}

static uint64_t read_probe(SvmEduCore *s, uint32_t off)
{
    SvmEduIotlbEntry *e = svm_edu_iotlb_lookup(s, s->probe_pasid,
                                               s->probe_addr, false);

    (void)off;
    if (!e) {
        return 0;
    }
    return SVM_EDU_PROBE_HIT |
           (e->writable ? SVM_EDU_PROBE_WRITABLE : 0) |
           ((uint64_t)e->pgsz << SVM_EDU_PROBE_SIZE_SHIFT) |
           (e->pa & SVM_EDU_PROBE_PA_MASK);
}

static uint64_t read_stale_log(SvmEduCore *s, uint32_t off)
{
    const SvmEduStaleEvent *ev = &s->stale_log[off / SVM_EDU_STALE_LOG_STRIDE];

    switch (off % SVM_EDU_STALE_LOG_STRIDE) {
    case SVM_EDU_STALE_LOG_PASID:
        return ev->pasid | (uint64_t)ev->info << 32;
    case SVM_EDU_STALE_LOG_VA:
        return ev->va;
    case SVM_EDU_STALE_LOG_CACHED_PA:
        return ev->cached_pa;
    default:
        return ev->fresh_pa;
    }
}

/* Writes (lock held; 32-bit registers get the low 32 bits) */

static void write_ctrl(SvmEduCore *s, uint64_t val)
{
    if (val & SVM_EDU_CTRL_RESET) {
        svm_edu_core_reset_locked(s);
        return;
    }
    s->ctrl = val & SVM_EDU_CTRL_ENABLE;
    pthread_cond_broadcast(&s->work);
}

static void write_irq_test(SvmEduCore *s, uint64_t val)
{
    if (val >= SVM_EDU_NR_VECTORS) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_VECTOR,
                            "svm-edu: IRQ_TEST vector %u of %u",
                            (uint32_t)val, SVM_EDU_NR_VECTORS);
        return;
    }
    s->pending_irqs |= 1u << val;
}

static void write_stale_policy(SvmEduCore *s, uint64_t val)
{
    if (val > SVM_EDU_STALE_USE) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: stale policy %u unknown", (uint32_t)val);
        return;
    }
    s->stale_policy = val;
}

static void write_counter_reset(SvmEduCore *s, uint64_t val)
{
    if (val & 1) {
        memset(s->counters, 0, sizeof(s->counters));
        s->stale_count = 0;
        memset(s->stale_log, 0, sizeof(s->stale_log));
    }
}

static void write_dma_throttle(SvmEduCore *s, uint64_t val)
{
    if (val > SVM_EDU_THROTTLE_MAX_US) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: DMA_THROTTLE %u above %u us",
                            (uint32_t)val, SVM_EDU_THROTTLE_MAX_US);
        val = SVM_EDU_THROTTLE_MAX_US;
    }
    s->throttle_us = val;
}

static void write_pasid_entries(SvmEduCore *s, uint64_t val)
{
    if (val > (1u << s->cfg.pasid_bits)) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: PASID_ENTRIES %u above 2^%u",
                            (uint32_t)val, s->cfg.pasid_bits);
        val = 1u << s->cfg.pasid_bits;
    }
    s->pasid_entries = val;
}

static void write_sq_base(SvmEduCore *s, uint64_t val)
{
    s->sq_base = val;
    s->sq_halted = false;
    s->epoch++;         /* a descriptor in flight belongs to the old ring */
}

static void write_sq_size(SvmEduCore *s, uint64_t val)
{
    s->sq_size = val;
    s->sq_head = s->sq_tail = 0;
    s->sq_halted = false;
    s->epoch++;         /* a descriptor in flight belongs to the old ring */
}

static void write_sq_tail(SvmEduCore *s, uint64_t val)
{
    svm_edu_sq_doorbell(s, val);
}

static void write_inv_cmd(SvmEduCore *s, uint64_t val)
{
    if (SVM_EDU_INV_CMD_TYPE(val) == SVM_EDU_INV_WAIT ||
        !svm_edu_inv_exec(s, val, s->inv_pasid, s->inv_addr, 0, false)) {
        svm_edu_guest_error(s, SVM_EDU_ERR_IQ_DESC,
                            "svm-edu: bad INV_CMD 0x%x", (uint32_t)val);
    }
}

static void write_iq_size(SvmEduCore *s, uint64_t val)
{
    s->iq_size = val;
    s->iq_head = s->iq_tail = 0;
}

static void write_iq_tail(SvmEduCore *s, uint64_t val)
{
    svm_edu_iq_doorbell(s, val);
}

static void write_prq_size(SvmEduCore *s, uint64_t val)
{
    s->prq_size = val;
    s->prq_head = s->prq_tail = 0;
}

static void write_prq_head(SvmEduCore *s, uint64_t val)
{
    if (!s->prq_size || val >= s->prq_size) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: PRQ_HEAD %u beyond the ring (%u)",
                            (uint32_t)val, s->prq_size);
        return;
    }
    s->prq_head = val;
}

/* The table */

/* The SvmEduCore field @f, which must be @w bits wide. */
#define FIELD(f, w) \
    .field = offsetof(SvmEduCore, f) + \
             0 * sizeof(char[sizeof(((SvmEduCore *)0)->f) * 8 == (w) ? 1 : -1])

#define REG(n, w, acc) \
    .name = #n, .addr = SVM_EDU_REG_##n, .size = (w) / 8, .width = (w), \
    .access = SVM_EDU_ACC_##acc

#define BLOCK(n, w, bytes, acc) \
    .name = #n, .addr = SVM_EDU_REG_##n, .size = (bytes), .width = (w), \
    .access = SVM_EDU_ACC_##acc

/* Reset values of the registers computed from the default properties. */
#define CAP_DEFAULT     (20 | SVM_EDU_CAP_LA57 | SVM_EDU_CAP_PG1G | \
                         SVM_EDU_CAP_IOTLB | SVM_EDU_CAP_STALE_CHECK | \
                         SVM_EDU_CAP_INV_QUEUE | SVM_EDU_CAP_DMA | \
                         SVM_EDU_CAP_PRQ | SVM_EDU_CAP_BIND_GEN | \
                         SVM_EDU_CAP_SHADOW | SVM_EDU_CAP_WALK_CACHE | \
                         4 << 17 | 64 << 20)
#define GEOM_DEFAULT    (64 | 4 << 16)

const SvmEduRegInfo svm_edu_regs[] = {
    /* Identification and control */
    { REG(ID, 32, RO), .reset = SVM_EDU_ID_MAGIC },
    { REG(VERSION, 32, RO), .reset = SVM_EDU_VERSION },
    { REG(CAP, 64, RO), .reset = CAP_DEFAULT, .read = read_cap },
    { REG(IOTLB_GEOM, 32, RO), .reset = GEOM_DEFAULT,
      .read = read_iotlb_geom },
    { REG(MSIX_VECS, 32, RO), .reset = SVM_EDU_NR_VECTORS },
    { REG(SCRATCH, 32, RW), FIELD(scratch, 32) },
    { REG(CTRL, 32, RW), FIELD(ctrl, 32), .write = write_ctrl },
    { REG(STATUS, 32, RO), .read = read_status },
    { REG(ERROR, 32, RW1C), FIELD(error, 32) },
    { REG(IRQ_TEST, 32, WO), .write = write_irq_test },
    /* Reset to the stale-check property afterwards; this is its default. */
    { REG(STALE_POLICY, 32, RW), FIELD(stale_policy, 32),
      .reset = SVM_EDU_STALE_REPORT, .write = write_stale_policy },
    { REG(COUNTER_RESET, 32, WO), .write = write_counter_reset },
    { REG(DMA_THROTTLE, 32, RW), FIELD(throttle_us, 32),
      .write = write_dma_throttle },
    /* PASID table */
    { REG(PASID_TABLE, 64, RW), FIELD(pasid_table, 64) },
    { REG(PASID_ENTRIES, 32, RW), FIELD(pasid_entries, 32),
      .write = write_pasid_entries },
    /* Submission ring */
    { REG(SQ_BASE, 64, RW), FIELD(sq_base, 64), .write = write_sq_base },
    { REG(SQ_SIZE, 32, RW), FIELD(sq_size, 32), .write = write_sq_size },
    { REG(SQ_TAIL, 32, RW), FIELD(sq_tail, 32), .write = write_sq_tail },
    { REG(SQ_HEAD, 32, RO), FIELD(sq_head, 32) },
    { REG(SQ_ERR_INDEX, 32, RO), FIELD(sq_err_index, 32) },
    /* Invalidation: register interface and queue */
    { REG(INV_ADDR, 64, RW), FIELD(inv_addr, 64) },
    { REG(INV_PASID, 32, RW), FIELD(inv_pasid, 32) },
    { REG(INV_CMD, 32, WO), .write = write_inv_cmd },
    { REG(IQ_BASE, 64, RW), FIELD(iq_base, 64) },
    { REG(IQ_SIZE, 32, RW), FIELD(iq_size, 32), .write = write_iq_size },
    { REG(IQ_TAIL, 32, RW), FIELD(iq_tail, 32), .write = write_iq_tail },
    { REG(IQ_HEAD, 32, RO), FIELD(iq_head, 32) },
    { REG(IQ_ERR_INDEX, 32, RO), FIELD(iq_err_index, 32) },
    /* Page requests */
    { REG(PRQ_BASE, 64, RW), FIELD(prq_base, 64) },
    { REG(PRQ_SIZE, 32, RW), FIELD(prq_size, 32), .write = write_prq_size },
    { REG(PRQ_TAIL, 32, RO), FIELD(prq_tail, 32) },
    { REG(PRQ_HEAD, 32, RW), FIELD(prq_head, 32), .write = write_prq_head },
    { REG(PRQ_RESP, 64, WO), .write = svm_edu_prq_response },
    /* Counters */
    { BLOCK(COUNTERS, 64, 8 * SVM_EDU_NR_COUNTERS, RO),
      .read = read_counter },
    /* IOTLB probe */
    { REG(PROBE_ADDR, 64, RW), FIELD(probe_addr, 64) },
    { REG(PROBE_PASID, 32, RW), FIELD(probe_pasid, 32) },
    { REG(PROBE_RESULT, 64, RO), .read = read_probe },
    /* Stale-translation log */
    { REG(STALE_COUNT, 32, RO), FIELD(stale_count, 32) },
    { REG(STALE_LOG_SIZE, 32, RO), .reset = SVM_EDU_STALE_LOG_ENTRIES },
    { BLOCK(STALE_LOG, 0, SVM_EDU_STALE_LOG_ENTRIES *
            SVM_EDU_STALE_LOG_STRIDE, RO), .read = read_stale_log },
};

const size_t svm_edu_nr_regs = sizeof(svm_edu_regs) / sizeof(svm_edu_regs[0]);

const char *svm_edu_reg_access_name(unsigned access)
{
    static const char *const names[] = {
        [SVM_EDU_ACC_RO] = "RO",
        [SVM_EDU_ACC_RW] = "RW",
        [SVM_EDU_ACC_RW1C] = "RW1C",
        [SVM_EDU_ACC_WO] = "WO",
    };

    return access < sizeof(names) / sizeof(names[0]) ? names[access] : "?";
}

/* Generic accessors */

static uint64_t field_get(SvmEduCore *s, const SvmEduRegInfo *r)
{
    const uint8_t *p = (const uint8_t *)s + r->field;

    return r->width == 64 ? *(const uint64_t *)p : *(const uint32_t *)p;
}

static void field_set(SvmEduCore *s, const SvmEduRegInfo *r, uint64_t val)
{
    uint8_t *p = (uint8_t *)s + r->field;

    if (r->width == 64) {
        *(uint64_t *)p = val;
    } else {
        *(uint32_t *)p = val;
    }
}

void svm_edu_regs_reset(SvmEduCore *s)
{
    size_t i;

    for (i = 0; i < svm_edu_nr_regs; i++) {
        if (svm_edu_regs[i].field) {
            field_set(s, &svm_edu_regs[i], svm_edu_regs[i].reset);
        }
    }
}

static const SvmEduRegInfo *reg_at(uint64_t addr)
{
    size_t i;

    for (i = 0; i < svm_edu_nr_regs; i++) {
        const SvmEduRegInfo *r = &svm_edu_regs[i];

        if (addr >= r->addr && addr - r->addr < r->size) {
            return r;
        }
    }
    return NULL;
}

/* The 32-bit register, or the 64-bit word at byte @off of @r. */
static uint64_t reg_value(SvmEduCore *s, const SvmEduRegInfo *r, uint32_t off)
{
    if (r->access == SVM_EDU_ACC_WO) {
        return 0;
    }
    if (r->read) {
        return r->read(s, off);
    }
    return r->field ? field_get(s, r) : r->reset;
}

static bool access_ok(SvmEduCore *s, uint64_t addr, unsigned size, bool wr)
{
    if ((size == 4 || size == 8) && !(addr & (size - 1)) &&
        addr < SVM_EDU_BAR0_SIZE) {
        return true;
    }
    svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                        "svm-edu: bad %s at 0x%llx size %u",
                        wr ? "write" : "read", (unsigned long long)addr, size);
    return false;
}

uint64_t svm_edu_core_read(SvmEduCore *s, uint64_t addr, unsigned size)
{
    const SvmEduRegInfo *r, *hi;
    uint64_t val = 0;

    pthread_mutex_lock(&s->lock);
    if (!access_ok(s, addr, size, false)) {
        goto out;
    }
    r = reg_at(addr);
    if (r && r->width != 32) {
        /* 64-bit register or block: the aligned word, or half of it. */
        val = reg_value(s, r, (addr & ~7ull) - r->addr);
        if (size == 4) {
            val = (addr & 4) ? val >> 32 : val & 0xffffffffu;
        }
        goto out;
    }
    if (r) {
        val = reg_value(s, r, 0);
    }
    hi = size == 8 ? reg_at(addr + 4) : NULL;
    if (hi && hi->width == 32) {
        val |= reg_value(s, hi, 0) << 32;
    }
out:
    svm_edu_core_unlock(s);
    return val;
}

/* A 4- or 8-byte write to the writable 64-bit register @r. */
static void reg_write64(SvmEduCore *s, const SvmEduRegInfo *r, uint64_t addr,
                        uint64_t val, unsigned size)
{
    uint64_t old;

    if (r->access == SVM_EDU_ACC_WO) {
        if (size != 8) {
            svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                                "svm-edu: %s takes 8-byte writes", r->name);
            return;
        }
        r->write(s, val);
        return;
    }
    if (size == 4) {
        old = field_get(s, r);
        if (addr & 4) {
            val = (old & 0xffffffffu) | (val << 32);
        } else {
            val = (old & ~0xffffffffull) | (val & 0xffffffffu);
        }
    }
    if (r->write) {
        r->write(s, val);
    } else {
        field_set(s, r, val);
    }
}

void svm_edu_core_write(SvmEduCore *s, uint64_t addr, uint64_t val,
                        unsigned size)
{
    const SvmEduRegInfo *r;

    pthread_mutex_lock(&s->lock);
    if (!access_ok(s, addr, size, true)) {
        goto out;
    }
    r = reg_at(addr);
    if (r && r->width == 64 && r->size == 8 && r->access != SVM_EDU_ACC_RO) {
        reg_write64(s, r, addr, val, size);
    } else if (r && r->access != SVM_EDU_ACC_RO && size != 4) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: %u-byte write to 32-bit register %s",
                            size, r->name);
    } else if (!r || r->access == SVM_EDU_ACC_RO) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: %u-byte write to read-only or "
                            "unassigned offset 0x%llx", size,
                            (unsigned long long)addr);
    } else if (r->access == SVM_EDU_ACC_RW1C) {
        field_set(s, r, field_get(s, r) & ~(uint32_t)val);
    } else if (r->write) {
        r->write(s, (uint32_t)val);
    } else {
        field_set(s, r, (uint32_t)val);
    }
out:
    svm_edu_core_unlock(s);
}
