/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the ethosu driver asks for a firmware restart when the subsystem is not a remoteproc (the
 * test-only firmware emulator). A transport that wants to be told puts a struct
 * ethosu_recovery_ops in the platform_data of the rpmsg device it registers; no module symbol
 * links the driver to the emulator. platform_data can be anything a transport chose, so the
 * driver only calls the hook when the magic matches and the struct names the rpmsg ops of the
 * very device it sits on.
 */
#ifndef ETHOSU_RECOVERY_H
#define ETHOSU_RECOVERY_H

#include <linux/types.h>

struct device;
struct rpmsg_device_ops;

#define ETHOSU_RECOVERY_MAGIC 0x45555263 /* "EURc" */

struct ethosu_recovery_ops {
	u32 magic; /* ETHOSU_RECOVERY_MAGIC */
	/* The transport's rpmsg_device.ops: platform_data copied onto another device fails */
	const struct rpmsg_device_ops *rpdev_ops;
	/*
	 * Called with the rpmsg device's struct device, possibly from the driver's receive callback
	 * or with driver locks held: it must only schedule the restart (remove the rpmsg device and
	 * register it again later), never do it synchronously.
	 */
	void (*request_recovery)(struct device *rpmsg_dev);
};

#endif /* ETHOSU_RECOVERY_H */
