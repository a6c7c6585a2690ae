/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SVM_EDU_SYSFS_H
#define SVM_EDU_SYSFS_H

#include <linux/sysfs.h>

/* Attribute groups of a bound PCI function (svm_edu_sysfs.c). */
extern const struct attribute_group *svm_edu_groups[];

#endif /* SVM_EDU_SYSFS_H */
