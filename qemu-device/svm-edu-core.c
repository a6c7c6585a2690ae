/*
 * svm-edu device core: life cycle and reset. The register file is
 * svm-edu-regs.c.
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
    if (cfg->wc_entries > SVM_EDU_WC_MAX_ENTRIES) {
        return "walk-cache-entries must be at most 4095 (0: no walk cache)";
    }
    if (cfg->wc_entries && (cfg->wc_levels < 1 || cfg->wc_levels > 4)) {
        return "walk-cache-levels must be between 1 and 4";
    }
    if (cfg->stale_policy > SVM_EDU_STALE_USE) {
        return "stale-check must be off, report, abort or use-stale";
    }
    /* 0: as 1 (a host test's zeroed config) */
    if (cfg->prq_group > SVM_EDU_PRQ_GROUP_MAX) {
        return "prq-group must be at most 64 (0 and 1: one page)";
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
    s->wc = calloc(cfg->wc_entries ? cfg->wc_entries : 1, sizeof(*s->wc));
    if (!s->iotlb || !s->wc) {
        free(s->iotlb);
        free(s->wc);
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
    free(s->wc);
    s->wc = NULL;
}

void svm_edu_core_reset_locked(SvmEduCore *s)
{
    s->epoch++;
    svm_edu_regs_reset(s);
    s->stale_policy = s->cfg.stale_policy;  /* the stale-check property */
    s->sq_halted = false;
    s->iq_stalled = false;
    s->prq_wait_id = 0;
    pthread_cond_broadcast(&s->work);  /* a parked descriptor gives up */
    memset(s->iotlb, 0, s->cfg.iotlb_entries * sizeof(*s->iotlb));
    s->iotlb_stamp = 0;
    memset(s->wc, 0, s->cfg.wc_entries * sizeof(*s->wc));
    s->wc_stamp = 0;
    memset(s->wc_mru, 0, sizeof(s->wc_mru));
    memset(s->pasid_cache, 0, sizeof(s->pasid_cache));
    memset(s->held, 0, sizeof(s->held));
    memset(s->counters, 0, sizeof(s->counters));
    s->stale_count = 0;
    memset(s->stale_log, 0, sizeof(s->stale_log));
}

void svm_edu_core_reset(SvmEduCore *s)
{
    pthread_mutex_lock(&s->lock);
    svm_edu_core_reset_locked(s);
    s->pending_irqs = 0;
    svm_edu_core_unlock(s);
}
