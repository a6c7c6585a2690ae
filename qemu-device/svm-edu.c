/*
 * svm-edu: an educational Shared Virtual Memory PCI device.
 *
 * The device translates process virtual addresses, tagged with a PASID, by
 * walking the process's own x86-64 page tables, caches the translations in
 * an IOTLB and checks every cached translation it uses against the page
 * table (the stale-translation checker).
 *
 * This file is the QEMU glue only: PCI identity, BARs, MSI-X, properties,
 * guest-memory access, the DMA thread, reset and trace events (the core's
 * trace points are in svm-edu-trace.c). The device logic lives in the
 * other svm-edu-*.c, which do not depend on QEMU so that they can be
 * unit-tested and fuzzed on the host. The programming interface is
 * docs/hw-spec.md in the svm-edu project.
 *
 * The device is not migratable. It builds on QEMU 7.2 and 10.0: the source
 * uses QEMU 10.0's API, and svm-edu-compat.h maps it onto older versions.
 *
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/rcu.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "hw/resettable.h"
#include "migration/vmstate.h"
#include "qom/object.h"
#include "trace.h"
#include "svm-edu-compat.h"
#include "svm-edu-core.h"
#include "svm-edu-ram.h"

#define TYPE_SVM_EDU "svm-edu"
OBJECT_DECLARE_SIMPLE_TYPE(SvmEduState, SVM_EDU)

struct SvmEduState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    SvmEduCore core;
    SvmEduConfig cfg;
    SvmEduRamCache ram;
    char *stale_check;

    QemuThread thread;
    bool thread_running;
    /* Vectors raised by the DMA thread, delivered by irq_bh under the BQL. */
    uint32_t irq_pending;
    QEMUBH *irq_bh;
};

static const struct {
    uint32_t policy;
    const char *name;
} stale_policy_names[] = {
#define SVM_EDU_POLICY_NAME_(id, val, name) { (val), (name) },
    SVM_EDU_STALE_POLICIES(SVM_EDU_POLICY_NAME_)
#undef SVM_EDU_POLICY_NAME_
};
/* " off report ...": the choices, for the error message */
#define SVM_EDU_POLICY_WORD_(id, val, name) " " name
static const char stale_policy_choices[] =
    SVM_EDU_STALE_POLICIES(SVM_EDU_POLICY_WORD_);
#undef SVM_EDU_POLICY_WORD_

/*
 * Guest RAM only: the DMA thread runs without the BQL, and MMIO dispatch
 * would need it (and could recurse into this device).
 */
static MemoryRegion *svm_edu_ram(SvmEduState *s, uint64_t pa, hwaddr *xlat,
                                 hwaddr *len, bool is_write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    MemoryRegion *mr = address_space_translate(as, pa, xlat, len, is_write,
                                               MEMTXATTRS_UNSPECIFIED);

    if (!memory_region_is_ram(mr) || memory_region_is_ram_device(mr) ||
        (is_write && mr->readonly)) {
        return NULL;
    }
    return mr;
}

/* Reads up to this long within a page use the page cache (svm-edu-ram.c). */
#define SVM_EDU_SMALL_READ 64

static int svm_edu_mem_rw(void *opaque, uint64_t pa, void *buf, uint32_t len,
                          bool is_write)
{
    SvmEduState *s = opaque;
    AddressSpace *as;

    if (!is_write && len <= SVM_EDU_SMALL_READ &&
        len <= 4096 - (pa & 4095)) {
        uint8_t *host = svm_edu_ram_ptr(&s->ram, pa, false, NULL, NULL);

        if (!host) {
            return -1;
        }
        if (len == 8 && !((uintptr_t)host & 7)) {
            /* A paging entry: one load, never torn. */
            uint64_t v = qatomic_read((uint64_t *)host);

            memcpy(buf, &v, 8);
        } else {
            memcpy(buf, host, len);
        }
        return 0;
    }
    as = pci_get_address_space(PCI_DEVICE(s));
    while (len) {
        hwaddr xlat, l = len;
        MemoryRegion *mr;

        RCU_READ_LOCK_GUARD();
        mr = svm_edu_ram(s, pa, &xlat, &l, is_write);
        if (!mr || !l) {
            return -1;
        }
        if (is_write) {
            /* Dirty tracking and TCG's code-page invalidation. */
            if (address_space_write(as, pa, MEMTXATTRS_UNSPECIFIED, buf,
                                    l) != MEMTX_OK) {
                return -1;
            }
        } else {
            memcpy(buf, (uint8_t *)memory_region_get_ram_ptr(mr) + xlat, l);
        }
        pa += l;
        buf = (uint8_t *)buf + l;
        len -= l;
    }
    return 0;
}

static int svm_edu_mem_read(void *opaque, uint64_t pa, void *buf,
                            uint32_t len)
{
    return svm_edu_mem_rw(opaque, pa, buf, len, false);
}

static int svm_edu_mem_write(void *opaque, uint64_t pa, const void *buf,
                             uint32_t len)
{
    return svm_edu_mem_rw(opaque, pa, (void *)buf, len, true);
}

/*
 * COPY's fast path: one copy from the source's host pointer, written with
 * address_space_write() so that dirty tracking and TCG's view of code pages
 * stay right.
 */
static int svm_edu_mem_copy(void *opaque, uint64_t dst, uint64_t src,
                            uint32_t len)
{
    SvmEduState *s = opaque;
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    hwaddr sx, dx, sl = len, dl = len;
    MemoryRegion *smr;

    RCU_READ_LOCK_GUARD();
    smr = svm_edu_ram(s, src, &sx, &sl, false);
    if (!smr || sl < len || !svm_edu_ram(s, dst, &dx, &dl, true) ||
        dl < len) {
        return -1;
    }
    return address_space_write(as, dst, MEMTXATTRS_UNSPECIFIED,
                               (uint8_t *)memory_region_get_ram_ptr(smr) + sx,
                               len) == MEMTX_OK ? 0 : -1;
}

/* Atomic, like target/i386's A/D updates: never a read-modify-write. */
static int svm_edu_mem_cmpxchg64(void *opaque, uint64_t pa, uint64_t expected,
                                 uint64_t desired, uint64_t *seen)
{
    SvmEduState *s = opaque;
    MemoryRegion *mr;
    uint64_t *host;
    hwaddr xlat;

    if (pa & 7) {
        return -1;
    }
    host = (uint64_t *)svm_edu_ram_ptr(&s->ram, pa, true, &mr, &xlat);
    if (!host) {
        return -1;
    }
    *seen = le64_to_cpu(qatomic_cmpxchg(host, cpu_to_le64(expected),
                                        cpu_to_le64(desired)));
    memory_region_set_dirty(mr, xlat, 8);
    return 0;
}

static void svm_edu_irq_bh(void *opaque)
{
    SvmEduState *s = opaque;
    PCIDevice *pdev = PCI_DEVICE(s);
    uint32_t vecs = qatomic_xchg(&s->irq_pending, 0);
    unsigned v;

    for (v = 0; v < SVM_EDU_NR_VECTORS; v++) {
        if (!(vecs & (1u << v))) {
            continue;
        }
        trace_svm_edu_irq(v, msix_enabled(pdev));
        if (msix_enabled(pdev)) {
            msix_notify(pdev, v);
        }
    }
}

static void svm_edu_raise_irq(void *opaque, unsigned vec)
{
    SvmEduState *s = opaque;

    qatomic_or(&s->irq_pending, 1u << vec);
    if (bql_locked()) {
        svm_edu_irq_bh(s);
    } else {
        qemu_bh_schedule(s->irq_bh);
    }
}

static void svm_edu_log_guest_error(void *opaque, const char *msg)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s\n", msg);
}

static uint64_t svm_edu_now_ns(void *opaque)
{
    return get_clock();
}

static const SvmEduHostOps svm_edu_host_ops = {
    .mem_read = svm_edu_mem_read,
    .mem_write = svm_edu_mem_write,
    .mem_cmpxchg64 = svm_edu_mem_cmpxchg64,
    .mem_copy = svm_edu_mem_copy,
    .raise_irq = svm_edu_raise_irq,
    .guest_error = svm_edu_log_guest_error,
    .now_ns = svm_edu_now_ns,
};

static uint64_t svm_edu_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    SvmEduState *s = opaque;
    uint64_t val = svm_edu_core_read(&s->core, addr, size);

    trace_svm_edu_mmio_read(addr, size, val);
    return val;
}

static void svm_edu_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    SvmEduState *s = opaque;

    trace_svm_edu_mmio_write(addr, size, val);
    svm_edu_core_write(&s->core, addr, val, size);
}

static const MemoryRegionOps svm_edu_mmio_ops = {
    .read = svm_edu_mmio_read,
    .write = svm_edu_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* Let the core see (and reject) every access size itself. */
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
    },
};

static void *svm_edu_dma_thread(void *opaque)
{
    SvmEduState *s = opaque;

    rcu_register_thread();
    svm_edu_core_worker(&s->core);
    rcu_unregister_thread();
    return NULL;
}

static bool svm_edu_parse_policy(SvmEduState *s, Error **errp)
{
    unsigned i;

    if (!s->stale_check) {
        s->cfg.stale_policy = SVM_EDU_STALE_REPORT;
        return true;
    }
    for (i = 0; i < ARRAY_SIZE(stale_policy_names); i++) {
        if (!strcmp(s->stale_check, stale_policy_names[i].name)) {
            s->cfg.stale_policy = stale_policy_names[i].policy;
            return true;
        }
    }
    error_setg(errp, "svm-edu: stale-check must be one of%s, not '%s'",
               stale_policy_choices, s->stale_check);
    return false;
}

static void svm_edu_realize(PCIDevice *pdev, Error **errp)
{
    SvmEduState *s = SVM_EDU(pdev);
    const char *why;
    unsigned i;

    if (!svm_edu_parse_policy(s, errp)) {
        return;
    }
    why = svm_edu_core_check_config(&s->cfg);
    if (why) {
        error_setg(errp, "svm-edu: %s", why);
        return;
    }
    if (svm_edu_core_init(&s->core, &s->cfg, &svm_edu_host_ops, s)) {
        error_setg(errp, "svm-edu: out of memory for the IOTLB");
        return;
    }

    memory_region_init_io(&s->mmio, OBJECT(s), &svm_edu_mmio_ops, s,
                          "svm-edu-mmio", SVM_EDU_BAR0_SIZE);
    pci_register_bar(pdev, SVM_EDU_BAR_REGS,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->mmio);

    if (msix_init_exclusive_bar(pdev, SVM_EDU_NR_VECTORS, SVM_EDU_BAR_MSIX,
                                errp)) {
        svm_edu_core_destroy(&s->core);
        return;
    }
    for (i = 0; i < SVM_EDU_NR_VECTORS; i++) {
        msix_vector_use(pdev, i);
    }

    s->irq_bh = qemu_bh_new(svm_edu_irq_bh, s);
    svm_edu_ram_init(&s->ram, pdev);
    qemu_thread_create(&s->thread, "svm-edu-dma", svm_edu_dma_thread, s,
                       QEMU_THREAD_JOINABLE);
    s->thread_running = true;
}

static void svm_edu_exit(PCIDevice *pdev)
{
    SvmEduState *s = SVM_EDU(pdev);

    if (s->thread_running) {
        svm_edu_core_stop(&s->core);
        qemu_thread_join(&s->thread);
        s->thread_running = false;
    }
    qemu_bh_delete(s->irq_bh);
    svm_edu_ram_destroy(&s->ram);
    svm_edu_core_destroy(&s->core);
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
}

/*
 * Reset is done in the enter phase: it changes only the device's own state,
 * raises no interrupt (pending ones are dropped) and touches no guest
 * memory, which is what the enter phase is for.
 */
static void svm_edu_reset_enter(Object *obj, ResetType type)
{
    SvmEduState *s = SVM_EDU(obj);

    trace_svm_edu_reset();
    svm_edu_core_reset(&s->core);
    qatomic_set(&s->irq_pending, 0);
}

static const Property svm_edu_properties[] = {
    DEFINE_PROP_UINT32("iotlb-entries", SvmEduState, cfg.iotlb_entries, 64),
    DEFINE_PROP_UINT32("iotlb-ways", SvmEduState, cfg.iotlb_ways, 4),
    DEFINE_PROP_UINT32("pasid-bits", SvmEduState, cfg.pasid_bits, 20),
    DEFINE_PROP_BOOL("la57", SvmEduState, cfg.la57, true),
    DEFINE_PROP_UINT32("prq-group", SvmEduState, cfg.prq_group, 16),
    DEFINE_PROP_STRING("stale-check", SvmEduState, stale_check),
    DEFINE_PROP_UINT32("walk-cache-entries", SvmEduState, cfg.wc_entries, 64),
    DEFINE_PROP_UINT32("walk-cache-levels", SvmEduState, cfg.wc_levels, 4),
    /*
     * Test knobs, off by default: each brings back a fixed bug so that a
     * test can show the stale checker catching it (docs/hw-spec.md).
     */
    DEFINE_PROP_BOOL("x-keep-src-across-prq", SvmEduState,
                     cfg.keep_src_across_prq, false),
    DEFINE_PROP_BOOL("x-run-ended-binding", SvmEduState,
                     cfg.run_ended_binding, false),
    /* PAGE commands leave the walk cache alone (as with LEAF_ONLY). */
    DEFINE_PROP_BOOL("x-walk-cache-keep-on-range", SvmEduState, cfg.wc_keep,
                     false),
    /*
     * Not an old behaviour but a broken device: the invalidation queue
     * stops at a PAGE command covering this address until reset (0: off).
     */
    DEFINE_PROP_UINT64("x-iq-stall-addr", SvmEduState, cfg.iq_stall_addr, 0),
};

static const VMStateDescription svm_edu_vmstate = {
    .name = TYPE_SVM_EDU,
    .unmigratable = 1,
};

static void svm_edu_class_init(ObjectClass *klass, SvmEduClassData data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    k->realize = svm_edu_realize;
    k->exit = svm_edu_exit;
    k->vendor_id = SVM_EDU_PCI_VENDOR_ID;
    k->device_id = SVM_EDU_PCI_DEVICE_ID;
    k->revision = SVM_EDU_PCI_REVISION;
    k->class_id = SVM_EDU_PCI_CLASS;
    dc->desc = "svm-edu Shared Virtual Memory DMA engine (educational)";
    rc->phases.enter = svm_edu_reset_enter;
    dc->vmsd = &svm_edu_vmstate;
    device_class_set_props(dc, svm_edu_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo svm_edu_info = {
    .name = TYPE_SVM_EDU,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(SvmEduState),
    .class_init = svm_edu_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void svm_edu_register_types(void)
{
    type_register_static(&svm_edu_info);
}

type_init(svm_edu_register_types)
