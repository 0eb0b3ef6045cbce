// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Ethos-U NPU driver for AMP systems: the NPU is driven by firmware on a Cortex-M
 * subsystem, reached over rpmsg. Each subsystem appears as /dev/ethosuN.
 */

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/stringify.h>

#include "ethosu_compat.h"
#include "uapi/ethosu.h"
#include "ethosu_device.h"
#include "../rpmsg/ethosu_rpmsg_driver.h"

struct class *ethosu_class;
dev_t ethosu_devt;

static int __init ethosu_init(void)
{
	int ret;

	ethosu_class = ethosu_class_create("ethosu");
	if (IS_ERR(ethosu_class))
		return PTR_ERR(ethosu_class);

	ret = alloc_chrdev_region(&ethosu_devt, 0, ETHOSU_MINOR_COUNT, "ethosu");
	if (ret)
		goto destroy_class;

	ret = ethosu_rpmsg_register();
	if (ret)
		goto unregister_region;

	return 0;

unregister_region:
	unregister_chrdev_region(ethosu_devt, ETHOSU_MINOR_COUNT);
destroy_class:
	class_destroy(ethosu_class);

	return ret;
}

static void __exit ethosu_exit(void)
{
	ethosu_rpmsg_unregister();
	unregister_chrdev_region(ethosu_devt, ETHOSU_MINOR_COUNT);
	class_destroy(ethosu_class);
}

module_init(ethosu_init);
module_exit(ethosu_exit);

MODULE_DESCRIPTION("Arm Ethos-U NPU driver (rpmsg subsystems)");
MODULE_LICENSE("GPL");
MODULE_VERSION(__stringify(ETHOSU_KERNEL_DRIVER_VERSION_MAJOR) "."
	       __stringify(ETHOSU_KERNEL_DRIVER_VERSION_MINOR) "."
	       __stringify(ETHOSU_KERNEL_DRIVER_VERSION_PATCH));
