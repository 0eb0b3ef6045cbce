/* SPDX-License-Identifier: GPL-2.0-only */
/* Versions: the firmware's wire protocol (checked at probe) and this driver's UAPI version. */
#ifndef ETHOSU_VERSION_H
#define ETHOSU_VERSION_H

#include <linux/compiler_types.h>

struct ethosu_device;

int ethosu_version_check(struct ethosu_device *edev);
long ethosu_version_driver_ioctl(struct ethosu_device *edev, void __user *udata);

#endif /* ETHOSU_VERSION_H */
