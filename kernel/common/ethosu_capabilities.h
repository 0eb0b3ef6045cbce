/* SPDX-License-Identifier: GPL-2.0-only */
/* The NPU's capabilities: fetched from the firmware once at probe, then served from the cache. */
#ifndef ETHOSU_CAPABILITIES_H
#define ETHOSU_CAPABILITIES_H

#include <linux/compiler_types.h>

struct ethosu_device;

int ethosu_capabilities_fetch(struct ethosu_device *edev);
long ethosu_capabilities_ioctl(struct ethosu_device *edev, void __user *udata);

#endif /* ETHOSU_CAPABILITIES_H */
