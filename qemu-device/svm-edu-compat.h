/*
 * svm-edu: the QEMU API differences between the QEMU versions the device
 * builds on, in one place.
 *
 * svm-edu.c is written against QEMU 10.0's API. This header maps that API
 * onto older QEMU (Debian 12's 7.2), so that the same source builds on both
 * and the version checks stay out of the device. The checks use
 * QEMU_VERSION_MAJOR and QEMU_VERSION_MINOR from config-host.h, which
 * qemu/osdep.h includes first; each names the release that made the change.
 * Built and tested on 7.2 and 10.0.
 *
 * Differences that need nothing here:
 * - meson's softmmu_ss became system_ss in 8.1: qemu-device/meson.build
 *   picks the source set by QEMU's version.
 * - DeviceClass::reset was renamed legacy_reset in 9.1 and the hold and
 *   exit reset phases gained a ResetType argument in 9.0: the device resets
 *   in the Resettable enter phase, whose signature is the same in both.
 * - The memory API header moves between exec/ and system/: svm-edu.c gets
 *   it through hw/pci/pci.h, as QEMU's own PCI devices do.
 *
 * The core (svm-edu-core.h and svm-edu-*.c) includes no QEMU header and
 * must not include this one.
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef SVM_EDU_COMPAT_H
#define SVM_EDU_COMPAT_H

#ifndef QEMU_VERSION_MAJOR
#error "include qemu/osdep.h before svm-edu-compat.h"
#endif

#include "qemu/main-loop.h"
#include "hw/pci/pci.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"

#define SVM_EDU_QEMU_AT_LEAST(major, minor) \
    (QEMU_VERSION_MAJOR > (major) || \
     (QEMU_VERSION_MAJOR == (major) && QEMU_VERSION_MINOR >= (minor)))

/*
 * 8.0 moved PCIDevice and PCIDeviceClass out of hw/pci/pci.h, which the
 * class init needs in full.
 */
#if SVM_EDU_QEMU_AT_LEAST(8, 0)
#include "hw/pci/pci_device.h"
#endif

/* 9.0 renamed the iothread lock to the BQL: bql_locked() and friends. */
#if !SVM_EDU_QEMU_AT_LEAST(9, 0)
static inline bool bql_locked(void)
{
    return qemu_mutex_iothread_locked();
}
#endif

/*
 * 10.0 made Property arrays const and sized by device_class_set_props()
 * itself, so DEFINE_PROP_END_OF_LIST() is gone. Before, the array has to
 * end with an all-zero Property and is passed as non-const: hand over a
 * terminated copy, which lives as long as the class does.
 */
#if !SVM_EDU_QEMU_AT_LEAST(10, 0)
static inline void svm_edu_set_props_n(DeviceClass *dc, const Property *props,
                                       size_t n)
{
    Property *terminated = g_new0(Property, n + 1);

    memcpy(terminated, props, n * sizeof(*props));
    device_class_set_props(dc, terminated);
}
#define device_class_set_props(dc, props) \
    svm_edu_set_props_n((dc), (props), ARRAY_SIZE(props))
#endif

/*
 * 10.1 made the class_init data argument const. The device compiles on
 * 10.2.2 with this (checked), but the project builds and tests 10.0 only:
 * 10.2.2 itself does not link in the minimal configuration.
 */
#if SVM_EDU_QEMU_AT_LEAST(10, 1)
typedef const void *SvmEduClassData;
#else
typedef void *SvmEduClassData;
#endif

#endif /* SVM_EDU_COMPAT_H */
