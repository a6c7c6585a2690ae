/*
 * svm-edu device core: life cycle and the BAR0 register file.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "svm-edu-core.h"

void svm_edu_guest_error(SvmEduCore *s, uint32_t err, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    s->error |= err;
    if (!s->ops->guest_error) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->ops->guest_error(s->opaque, msg);
}

void svm_edu_core_unlock(SvmEduCore *s)
{
    uint32_t irqs = s->pending_irqs;
    unsigned v;

    s->pending_irqs = 0;
    pthread_mutex_unlock(&s->lock);
    for (v = 0; irqs; v++, irqs >>= 1) {
        if ((irqs & 1) && s->ops->raise_irq) {
            s->ops->raise_irq(s->opaque, v);
        }
    }
}

static bool is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

const char *svm_edu_core_check_config(const SvmEduConfig *cfg)
{
    if (!is_pow2(cfg->iotlb_entries) ||
        cfg->iotlb_entries > SVM_EDU_IOTLB_MAX_ENTRIES) {
        return "iotlb-entries must be a power of two between 1 and 4096";
    }
    if (!is_pow2(cfg->iotlb_ways) || cfg->iotlb_ways > cfg->iotlb_entries ||
        cfg->iotlb_ways > 255) {
        return "iotlb-ways must be a power of two, at most iotlb-entries "
               "and at most 255";
    }
    if (cfg->pasid_bits < 1 || cfg->pasid_bits > SVM_EDU_MAX_PASID_BITS) {
        return "pasid-bits must be between 1 and 20";
    }
    if (cfg->stale_policy > SVM_EDU_STALE_USE) {
        return "stale-check must be off, report, abort or use-stale";
    }
    return NULL;
}

int svm_edu_core_init(SvmEduCore *s, const SvmEduConfig *cfg,
                      const SvmEduHostOps *ops, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    s->ops = ops;
    s->opaque = opaque;
    s->iotlb_sets = cfg->iotlb_entries / cfg->iotlb_ways;
    s->iotlb = calloc(cfg->iotlb_entries, sizeof(*s->iotlb));
    if (!s->iotlb) {
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->work, NULL);
    svm_edu_core_reset(s);
    return 0;
}

void svm_edu_core_destroy(SvmEduCore *s)
{
    pthread_cond_destroy(&s->work);
    pthread_mutex_destroy(&s->lock);
    free(s->iotlb);
    s->iotlb = NULL;
}

/* Everything but the configuration and the thread state. Lock held. */
static void core_reset_locked(SvmEduCore *s)
{
    s->epoch++;
    s->scratch = 0;
    s->ctrl = 0;
    s->error = 0;
    s->stale_policy = s->cfg.stale_policy;
    s->throttle_us = 0;
    s->pasid_table = 0;
    s->pasid_entries = 0;
    s->sq_base = 0;
    s->sq_size = 0;
    s->sq_tail = 0;
    s->sq_head = 0;
    s->sq_err_index = 0;
    s->sq_halted = false;
    s->inv_addr = 0;
    s->inv_pasid = 0;
    s->iq_base = 0;
    s->iq_size = 0;
    s->iq_tail = 0;
    s->iq_head = 0;
    s->iq_err_index = 0;
    s->iq_stalled = false;
    s->probe_addr = 0;
    s->probe_pasid = 0;
    s->prq_base = 0;
    s->prq_size = 0;
    s->prq_tail = 0;
    s->prq_head = 0;
    s->prq_wait_id = 0;
    pthread_cond_broadcast(&s->work);  /* a parked descriptor gives up */
    memset(s->iotlb, 0, s->cfg.iotlb_entries * sizeof(*s->iotlb));
    s->iotlb_stamp = 0;
    memset(s->pasid_cache, 0, sizeof(s->pasid_cache));
    memset(s->held, 0, sizeof(s->held));
    memset(s->counters, 0, sizeof(s->counters));
    s->stale_count = 0;
    memset(s->stale_log, 0, sizeof(s->stale_log));
}

void svm_edu_core_reset(SvmEduCore *s)
{
    pthread_mutex_lock(&s->lock);
    core_reset_locked(s);
    s->pending_irqs = 0;
    svm_edu_core_unlock(s);
}

static uint64_t core_cap(const SvmEduCore *s)
{
    uint64_t cap = s->cfg.pasid_bits & SVM_EDU_CAP_PASID_BITS_MASK;

    cap |= SVM_EDU_CAP_PG1G | SVM_EDU_CAP_IOTLB | SVM_EDU_CAP_STALE_CHECK |
           SVM_EDU_CAP_INV_QUEUE | SVM_EDU_CAP_DMA | SVM_EDU_CAP_PRQ |
           SVM_EDU_CAP_BIND_GEN;
    if (s->cfg.la57) {
        cap |= SVM_EDU_CAP_LA57;
    }
    return cap;
}

static uint64_t core_probe(SvmEduCore *s)
{
    SvmEduIotlbEntry *e = svm_edu_iotlb_lookup(s, s->probe_pasid,
                                               s->probe_addr, false);

    if (!e) {
        return 0;
    }
    return SVM_EDU_PROBE_HIT |
           (e->writable ? SVM_EDU_PROBE_WRITABLE : 0) |
           ((uint64_t)e->pgsz << SVM_EDU_PROBE_SIZE_SHIFT) |
           (e->pa & SVM_EDU_PROBE_PA_MASK);
}

static bool core_stale_log_read(SvmEduCore *s, uint64_t reg, uint64_t *val)
{
    uint64_t off = reg - SVM_EDU_REG_STALE_LOG;
    const SvmEduStaleEvent *ev;

    if (reg < SVM_EDU_REG_STALE_LOG ||
        off >= SVM_EDU_STALE_LOG_ENTRIES * SVM_EDU_STALE_LOG_STRIDE) {
        return false;
    }
    ev = &s->stale_log[off / SVM_EDU_STALE_LOG_STRIDE];
    switch (off % SVM_EDU_STALE_LOG_STRIDE) {
    case SVM_EDU_STALE_LOG_PASID:
        *val = ev->pasid | (uint64_t)ev->info << 32;
        return true;
    case SVM_EDU_STALE_LOG_VA:
        *val = ev->va;
        return true;
    case SVM_EDU_STALE_LOG_CACHED_PA:
        *val = ev->cached_pa;
        return true;
    case SVM_EDU_STALE_LOG_FRESH_PA:
        *val = ev->fresh_pa;
        return true;
    }
    return false;
}

/* Value of the naturally aligned 64-bit word at @reg; lock held. */
static bool core_reg_value(SvmEduCore *s, uint64_t reg, uint64_t *val)
{
    uint32_t status;

    if (reg >= SVM_EDU_REG_COUNTERS &&
        reg < SVM_EDU_REG_COUNTERS + 8 * SVM_EDU_NR_COUNTERS) {
        *val = s->counters[(reg - SVM_EDU_REG_COUNTERS) / 8];
        return true;
    }
    if (core_stale_log_read(s, reg, val)) {
        return true;
    }
    switch (reg) {
    case SVM_EDU_REG_ID:
        *val = SVM_EDU_ID_MAGIC | ((uint64_t)SVM_EDU_VERSION << 32);
        return true;
    case SVM_EDU_REG_CAP:
        *val = core_cap(s);
        return true;
    case SVM_EDU_REG_IOTLB_GEOM:
        *val = (s->cfg.iotlb_entries & 0xffff) |
               ((s->cfg.iotlb_ways & 0xff) << 16) |
               ((uint64_t)SVM_EDU_NR_VECTORS << 32);
        return true;
    case SVM_EDU_REG_SCRATCH:
        *val = s->scratch;
        return true;
    case SVM_EDU_REG_CTRL:
        status = (s->ctrl & SVM_EDU_CTRL_ENABLE) ? SVM_EDU_STATUS_ENABLED : 0;
        if (s->sq_head != s->sq_tail || s->sq_active) {
            status |= SVM_EDU_STATUS_DMA_BUSY;
        }
        *val = s->ctrl | (uint64_t)status << 32;
        return true;
    case SVM_EDU_REG_ERROR:
        *val = s->error;
        return true;
    case SVM_EDU_REG_STALE_POLICY:
        *val = s->stale_policy;
        return true;
    case SVM_EDU_REG_DMA_THROTTLE:
        *val = s->throttle_us;
        return true;
    case SVM_EDU_REG_PASID_TABLE:
        *val = s->pasid_table;
        return true;
    case SVM_EDU_REG_PASID_ENTRIES:
        *val = s->pasid_entries;
        return true;
    case SVM_EDU_REG_SQ_BASE:
        *val = s->sq_base;
        return true;
    case SVM_EDU_REG_SQ_SIZE:
        *val = s->sq_size | (uint64_t)s->sq_tail << 32;
        return true;
    case SVM_EDU_REG_SQ_HEAD:
        *val = s->sq_head | (uint64_t)s->sq_err_index << 32;
        return true;
    case SVM_EDU_REG_INV_ADDR:
        *val = s->inv_addr;
        return true;
    case SVM_EDU_REG_INV_PASID:
        *val = s->inv_pasid;
        return true;
    case SVM_EDU_REG_IQ_BASE:
        *val = s->iq_base;
        return true;
    case SVM_EDU_REG_IQ_SIZE:
        *val = s->iq_size | (uint64_t)s->iq_tail << 32;
        return true;
    case SVM_EDU_REG_IQ_HEAD:
        *val = s->iq_head | (uint64_t)s->iq_err_index << 32;
        return true;
    case SVM_EDU_REG_PROBE_ADDR:
        *val = s->probe_addr;
        return true;
    case SVM_EDU_REG_PROBE_PASID:
        *val = s->probe_pasid;
        return true;
    case SVM_EDU_REG_PROBE_RESULT:
        *val = core_probe(s);
        return true;
    case SVM_EDU_REG_PRQ_BASE:
        *val = s->prq_base;
        return true;
    case SVM_EDU_REG_PRQ_SIZE:
        *val = s->prq_size | (uint64_t)s->prq_tail << 32;
        return true;
    case SVM_EDU_REG_PRQ_HEAD:
        *val = s->prq_head;
        return true;
    case SVM_EDU_REG_STALE_COUNT:
        *val = s->stale_count |
               (uint64_t)SVM_EDU_STALE_LOG_ENTRIES << 32;
        return true;
    default:
        return false;
    }
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
    uint64_t val = 0;

    pthread_mutex_lock(&s->lock);
    if (access_ok(s, addr, size, false) &&
        core_reg_value(s, addr & ~7ull, &val) && size == 4) {
        val = (addr & 4) ? val >> 32 : val & 0xffffffffu;
    }
    svm_edu_core_unlock(s);
    return val;
}

/* Merge a 4- or 8-byte write into a 64-bit register. */
static void write64(uint64_t *reg, uint64_t addr, uint64_t val, unsigned size)
{
    if (size == 8) {
        *reg = val;
    } else if (addr & 4) {
        *reg = (*reg & 0xffffffffu) | (val << 32);
    } else {
        *reg = (*reg & ~0xffffffffull) | (val & 0xffffffffu);
    }
}

static bool is_reg64(uint64_t reg)
{
    switch (reg) {
    case SVM_EDU_REG_PASID_TABLE:
    case SVM_EDU_REG_SQ_BASE:
    case SVM_EDU_REG_INV_ADDR:
    case SVM_EDU_REG_IQ_BASE:
    case SVM_EDU_REG_PROBE_ADDR:
    case SVM_EDU_REG_PRQ_BASE:
    case SVM_EDU_REG_PRQ_RESP:
        return true;
    }
    return false;
}

static void core_write_ctrl(SvmEduCore *s, uint32_t val)
{
    if (val & SVM_EDU_CTRL_RESET) {
        core_reset_locked(s);
        return;
    }
    s->ctrl = val & SVM_EDU_CTRL_ENABLE;
    pthread_cond_broadcast(&s->work);
}

static void core_write32(SvmEduCore *s, uint64_t addr, uint32_t val)
{
    switch (addr) {
    case SVM_EDU_REG_SCRATCH:
        s->scratch = val;
        break;
    case SVM_EDU_REG_CTRL:
        core_write_ctrl(s, val);
        break;
    case SVM_EDU_REG_ERROR:
        s->error &= ~val;
        break;
    case SVM_EDU_REG_IRQ_TEST:
        if (val >= SVM_EDU_NR_VECTORS) {
            svm_edu_guest_error(s, SVM_EDU_ERR_BAD_VECTOR,
                                "svm-edu: IRQ_TEST vector %u of %u", val,
                                SVM_EDU_NR_VECTORS);
            break;
        }
        s->pending_irqs |= 1u << val;
        break;
    case SVM_EDU_REG_STALE_POLICY:
        if (val > SVM_EDU_STALE_USE) {
            svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                                "svm-edu: stale policy %u unknown", val);
            break;
        }
        s->stale_policy = val;
        break;
    case SVM_EDU_REG_DMA_THROTTLE:
        if (val > SVM_EDU_THROTTLE_MAX_US) {
            svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                                "svm-edu: DMA_THROTTLE %u above %u us", val,
                                SVM_EDU_THROTTLE_MAX_US);
            val = SVM_EDU_THROTTLE_MAX_US;
        }
        s->throttle_us = val;
        break;
    case SVM_EDU_REG_COUNTER_RESET:
        if (val & 1) {
            memset(s->counters, 0, sizeof(s->counters));
            s->stale_count = 0;
            memset(s->stale_log, 0, sizeof(s->stale_log));
        }
        break;
    case SVM_EDU_REG_PASID_ENTRIES:
        if (val > (1u << s->cfg.pasid_bits)) {
            svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                                "svm-edu: PASID_ENTRIES %u above 2^%u", val,
                                s->cfg.pasid_bits);
            val = 1u << s->cfg.pasid_bits;
        }
        s->pasid_entries = val;
        break;
    case SVM_EDU_REG_SQ_SIZE:
        s->sq_size = val;
        s->sq_head = s->sq_tail = 0;
        s->sq_halted = false;
        s->epoch++;     /* a descriptor in flight belongs to the old ring */
        break;
    case SVM_EDU_REG_SQ_TAIL:
        svm_edu_sq_doorbell(s, val);
        break;
    case SVM_EDU_REG_INV_PASID:
        s->inv_pasid = val;
        break;
    case SVM_EDU_REG_INV_CMD:
        if (SVM_EDU_INV_CMD_TYPE(val) == SVM_EDU_INV_WAIT ||
            !svm_edu_inv_exec(s, val, s->inv_pasid, s->inv_addr, 0, false)) {
            svm_edu_guest_error(s, SVM_EDU_ERR_IQ_DESC,
                                "svm-edu: bad INV_CMD 0x%x", val);
        }
        break;
    case SVM_EDU_REG_IQ_SIZE:
        s->iq_size = val;
        s->iq_head = s->iq_tail = 0;
        break;
    case SVM_EDU_REG_IQ_TAIL:
        svm_edu_iq_doorbell(s, val);
        break;
    case SVM_EDU_REG_PROBE_PASID:
        s->probe_pasid = val;
        break;
    case SVM_EDU_REG_PRQ_SIZE:
        s->prq_size = val;
        s->prq_head = s->prq_tail = 0;
        break;
    case SVM_EDU_REG_PRQ_HEAD:
        if (!s->prq_size || val >= s->prq_size) {
            svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                                "svm-edu: PRQ_HEAD %u beyond the ring (%u)",
                                val, s->prq_size);
            break;
        }
        s->prq_head = val;
        break;
    default:
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: write to read-only or unassigned "
                            "offset 0x%llx", (unsigned long long)addr);
        break;
    }
}

void svm_edu_core_write(SvmEduCore *s, uint64_t addr, uint64_t val,
                        unsigned size)
{
    uint64_t reg = addr & ~7ull;

    pthread_mutex_lock(&s->lock);
    if (!access_ok(s, addr, size, true)) {
        goto out;
    }
    if (is_reg64(reg)) {
        switch (reg) {
        case SVM_EDU_REG_PASID_TABLE:
            write64(&s->pasid_table, addr, val, size);
            break;
        case SVM_EDU_REG_SQ_BASE:
            write64(&s->sq_base, addr, val, size);
            s->sq_halted = false;
            s->epoch++; /* a descriptor in flight belongs to the old ring */
            break;
        case SVM_EDU_REG_INV_ADDR:
            write64(&s->inv_addr, addr, val, size);
            break;
        case SVM_EDU_REG_IQ_BASE:
            write64(&s->iq_base, addr, val, size);
            break;
        case SVM_EDU_REG_PROBE_ADDR:
            write64(&s->probe_addr, addr, val, size);
            break;
        case SVM_EDU_REG_PRQ_BASE:
            write64(&s->prq_base, addr, val, size);
            break;
        case SVM_EDU_REG_PRQ_RESP:
            if (size != 8) {
                svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                                    "svm-edu: PRQ_RESP takes 8-byte writes");
                break;
            }
            svm_edu_prq_response(s, val);
            break;
        }
        goto out;
    }
    if (size != 4) {
        svm_edu_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                            "svm-edu: %u-byte write to 32-bit register 0x%llx",
                            size, (unsigned long long)addr);
        goto out;
    }
    core_write32(s, addr, (uint32_t)val);
out:
    svm_edu_core_unlock(s);
}
