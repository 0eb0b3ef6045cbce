/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel API differences between the kernels the modules build for (Debian 12's 6.1 and
 * 6.12, board kernels 6.6 and 6.12), in one place. Code is written against the newest API;
 * these shims give it the same meaning on older kernels.
 *
 * A file operation without .llseek needs no shim: a NULL llseek already means -ESPIPE on every
 * supported kernel, and 6.12 removed no_llseek.
 */
#ifndef ETHOSU_COMPAT_H
#define ETHOSU_COMPAT_H

#include <linux/device.h>
#include <linux/rpmsg.h>
#include <linux/slab.h>
#include <linux/version.h>

/* 6.12 moved <asm/unaligned.h> to <linux/unaligned.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.4 dropped class_create()'s module argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define ethosu_class_create(name) class_create(name)
#else
#define ethosu_class_create(name) class_create(THIS_MODULE, name)
#endif

/*
 * Frees what the rpmsg bus's driver_override attribute stored, from the release callback of an
 * rpmsg device the caller allocated. Since 6.12.97 (stable) the override lives in struct device
 * and the driver core frees it itself.
 */
static inline void ethosu_rpmsg_free_driver_override(struct rpmsg_device *rpdev)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 97)
	kfree(rpdev->driver_override);
#endif
}

#endif /* ETHOSU_COMPAT_H */
