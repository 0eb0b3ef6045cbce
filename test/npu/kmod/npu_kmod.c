// SPDX-License-Identifier: GPL-2.0-only
/*
 * Links the NPU model into a module so that scripts/test-npu proves it builds with the
 * kernel's flags (W=1, no FPU, no libc). Not installed anywhere; the emulator integration will
 * replace it.
 */
#include <linux/module.h>

#include "npu.h"

static int __init npu_kmod_init(void)
{
	return npu_hw_find("u55-128") ? 0 : -ENODEV;
}

static void __exit npu_kmod_exit(void)
{
}

module_init(npu_kmod_init);
module_exit(npu_kmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Ethos-U NPU functional model, build check");
