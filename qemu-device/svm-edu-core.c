/*
 * svm-edu device core: register file.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include "svm-edu-core.h"

static void core_guest_error(SvmEduCore *s, uint32_t err, const char *fmt,
                             unsigned long long a, unsigned long long b)
{
    char msg[128];

    s->error |= err;
    snprintf(msg, sizeof(msg), fmt, a, b);
    if (s->ops && s->ops->guest_error) {
        s->ops->guest_error(s->opaque, msg);
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
    return NULL;
}

void svm_edu_core_init(SvmEduCore *s, const SvmEduConfig *cfg,
                       const SvmEduHostOps *ops, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    s->ops = ops;
    s->opaque = opaque;
    svm_edu_core_reset(s);
}

void svm_edu_core_reset(SvmEduCore *s)
{
    s->scratch = 0;
    s->ctrl = 0;
    s->error = 0;
}

static uint64_t core_cap(const SvmEduCore *s)
{
    uint64_t cap = s->cfg.pasid_bits & SVM_EDU_CAP_PASID_BITS_MASK;

    cap |= SVM_EDU_CAP_PG1G;
    if (s->cfg.la57) {
        cap |= SVM_EDU_CAP_LA57;
    }
    return cap;
}

/* Value of the naturally aligned 64-bit (or 32-bit) register at @reg. */
static bool core_reg_value(SvmEduCore *s, uint64_t reg, uint64_t *val)
{
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
        *val = s->ctrl | ((uint64_t)(s->ctrl & SVM_EDU_CTRL_ENABLE ?
                                     SVM_EDU_STATUS_ENABLED : 0) << 32);
        return true;
    case SVM_EDU_REG_ERROR:
        *val = s->error;
        return true;
    default:
        return false;
    }
}

uint64_t svm_edu_core_read(SvmEduCore *s, uint64_t addr, unsigned size)
{
    uint64_t val;

    if ((size != 4 && size != 8) || (addr & (size - 1)) ||
        addr >= SVM_EDU_BAR0_SIZE) {
        core_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                         "svm-edu: bad read at 0x%llx size %llu", addr, size);
        return 0;
    }
    /* Registers are stored as aligned 64-bit words; pick the half asked. */
    if (!core_reg_value(s, addr & ~7ull, &val)) {
        return 0;
    }
    if (size == 4) {
        val = (addr & 4) ? val >> 32 : val & 0xffffffffu;
    }
    return val;
}

static void core_write_ctrl(SvmEduCore *s, uint32_t val)
{
    if (val & SVM_EDU_CTRL_RESET) {
        svm_edu_core_reset(s);
        return;
    }
    s->ctrl = val & SVM_EDU_CTRL_ENABLE;
}

void svm_edu_core_write(SvmEduCore *s, uint64_t addr, uint64_t val,
                        unsigned size)
{
    if ((size != 4 && size != 8) || (addr & (size - 1)) ||
        addr >= SVM_EDU_BAR0_SIZE) {
        core_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                         "svm-edu: bad write at 0x%llx size %llu", addr, size);
        return;
    }
    /* Every writable register is 32 bits wide so far. */
    if (size != 4) {
        core_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                         "svm-edu: %llu-byte write to 32-bit register 0x%llx",
                         size, addr);
        return;
    }
    switch (addr) {
    case SVM_EDU_REG_SCRATCH:
        s->scratch = (uint32_t)val;
        break;
    case SVM_EDU_REG_CTRL:
        core_write_ctrl(s, (uint32_t)val);
        break;
    case SVM_EDU_REG_ERROR:
        s->error &= ~(uint32_t)val;
        break;
    case SVM_EDU_REG_IRQ_TEST:
        if ((uint32_t)val >= SVM_EDU_NR_VECTORS) {
            core_guest_error(s, SVM_EDU_ERR_BAD_VECTOR,
                             "svm-edu: IRQ_TEST vector %llu of %llu",
                             (uint32_t)val, SVM_EDU_NR_VECTORS);
            break;
        }
        if (s->ops && s->ops->raise_irq) {
            s->ops->raise_irq(s->opaque, (uint32_t)val);
        }
        break;
    default:
        core_guest_error(s, SVM_EDU_ERR_BAD_ACCESS,
                         "svm-edu: write to read-only or unassigned offset "
                         "0x%llx (size %llu)", addr, size);
        break;
    }
}
