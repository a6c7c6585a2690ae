/*
 * svm-edu: an educational Shared Virtual Memory PCI device.
 *
 * This file is the QEMU glue only: PCI identity, BARs, MSI-X, properties,
 * reset and trace events. The device logic lives in svm-edu-core.c, which
 * does not depend on QEMU so that it can be unit-tested on the host.
 * See docs/hw-spec.md in the svm-edu project for the programming interface.
 *
 * The device is not migratable.
 *
 * SPDX-License-Identifier: MIT
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "qom/object.h"
#include "trace.h"
#include "svm-edu-core.h"

#define TYPE_SVM_EDU "svm-edu"
OBJECT_DECLARE_SIMPLE_TYPE(SvmEduState, SVM_EDU)

struct SvmEduState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    SvmEduCore core;
    SvmEduConfig cfg;
};

static void svm_edu_raise_irq(void *opaque, unsigned vec)
{
    SvmEduState *s = opaque;
    PCIDevice *pdev = PCI_DEVICE(s);

    trace_svm_edu_irq(vec, msix_enabled(pdev));
    if (msix_enabled(pdev)) {
        msix_notify(pdev, vec);
    }
}

static void svm_edu_guest_error(void *opaque, const char *msg)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s\n", msg);
}

static const SvmEduHostOps svm_edu_host_ops = {
    .raise_irq = svm_edu_raise_irq,
    .guest_error = svm_edu_guest_error,
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

static void svm_edu_realize(PCIDevice *pdev, Error **errp)
{
    SvmEduState *s = SVM_EDU(pdev);
    const char *why = svm_edu_core_check_config(&s->cfg);
    unsigned i;

    if (why) {
        error_setg(errp, "svm-edu: %s", why);
        return;
    }
    svm_edu_core_init(&s->core, &s->cfg, &svm_edu_host_ops, s);

    memory_region_init_io(&s->mmio, OBJECT(s), &svm_edu_mmio_ops, s,
                          "svm-edu-mmio", SVM_EDU_BAR0_SIZE);
    pci_register_bar(pdev, SVM_EDU_BAR_REGS,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->mmio);

    if (msix_init_exclusive_bar(pdev, SVM_EDU_NR_VECTORS, SVM_EDU_BAR_MSIX,
                                errp)) {
        return;
    }
    for (i = 0; i < SVM_EDU_NR_VECTORS; i++) {
        msix_vector_use(pdev, i);
    }
}

static void svm_edu_exit(PCIDevice *pdev)
{
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
}

static void svm_edu_reset(DeviceState *dev)
{
    SvmEduState *s = SVM_EDU(dev);

    trace_svm_edu_reset();
    svm_edu_core_reset(&s->core);
}

static Property svm_edu_properties[] = {
    DEFINE_PROP_UINT32("iotlb-entries", SvmEduState, cfg.iotlb_entries, 64),
    DEFINE_PROP_UINT32("iotlb-ways", SvmEduState, cfg.iotlb_ways, 4),
    DEFINE_PROP_UINT32("pasid-bits", SvmEduState, cfg.pasid_bits, 20),
    DEFINE_PROP_BOOL("la57", SvmEduState, cfg.la57, true),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription svm_edu_vmstate = {
    .name = TYPE_SVM_EDU,
    .unmigratable = 1,
};

static void svm_edu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = svm_edu_realize;
    k->exit = svm_edu_exit;
    k->vendor_id = SVM_EDU_PCI_VENDOR_ID;
    k->device_id = SVM_EDU_PCI_DEVICE_ID;
    k->revision = SVM_EDU_PCI_REVISION;
    k->class_id = SVM_EDU_PCI_CLASS;
    dc->desc = "svm-edu Shared Virtual Memory DMA engine (educational)";
    dc->reset = svm_edu_reset;
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
