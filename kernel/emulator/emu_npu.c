// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NPUs the emulator can claim to drive. CAPABILITIES_RSP carries the fields of the NPU's ID
 * and CONFIG registers exactly as the Cortex-M core driver (ethos-u-core-driver, 0.16.0) reads
 * them in ethosu_dev_get_hw_info(): raw bit fields, so macs_per_cc is log2(MACs per cycle).
 *
 * ID: the reset value of the ID register in the core driver's register headers
 *   (ethosu_interface_u55.h 0x10104201, ethosu_interface_u65.h 0x10066001,
 *   ethosu_interface_u85.h 0x20007001).
 * CONFIG: macs_per_cc and cmd_stream_version as Vela writes them into a model for that NPU
 *   (the core driver refuses a model whose values differ from the hardware's), seen in the Vela
 *   KWS models of /work/shared/models: U55-128 0x00001807, U65-256 0x10003008,
 *   U85-256 0x20000118. U55-256 differs from U55-128 only in MACs.
 * pmu_counters: NPU_REG_PMEVCNTR_ARRLEN of each header (4, 4, 8).
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "emu.h"

static const struct emu_npu emu_npus[] = {
	{
		.name = "u55-128",
		.version_status = 1, .version_minor = 0, .version_major = 2, .product_major = 4,
		.arch_patch_rev = 0, .arch_minor_rev = 1, .arch_major_rev = 1,
		.macs_per_cc = 7, .cmd_stream_version = 0, .pmu_counters = 4,
	},
	{
		.name = "u55-256",
		.version_status = 1, .version_minor = 0, .version_major = 2, .product_major = 4,
		.arch_patch_rev = 0, .arch_minor_rev = 1, .arch_major_rev = 1,
		.macs_per_cc = 8, .cmd_stream_version = 0, .pmu_counters = 4,
	},
	{
		.name = "u65-256",
		.version_status = 1, .version_minor = 0, .version_major = 0, .product_major = 6,
		.arch_patch_rev = 6, .arch_minor_rev = 0, .arch_major_rev = 1,
		.macs_per_cc = 8, .cmd_stream_version = 0, .pmu_counters = 4,
	},
	{
		.name = "u85-256",
		.version_status = 1, .version_minor = 0, .version_major = 0, .product_major = 7,
		.arch_patch_rev = 0, .arch_minor_rev = 0, .arch_major_rev = 2,
		.macs_per_cc = 8, .cmd_stream_version = 1, .pmu_counters = 8,
	},
};

/* Subsystem N gets this NPU unless the npus parameter says otherwise. */
static const char *const emu_npu_defaults[] = { "u55-128", "u65-256", "u85-256", "u55-256" };

const struct emu_npu *emu_npu_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_npus); i++)
		if (!strcmp(emu_npus[i].name, name))
			return &emu_npus[i];
	return NULL;
}

const struct emu_npu *emu_npu_default(unsigned int index)
{
	if (index >= ARRAY_SIZE(emu_npu_defaults))
		return NULL;
	return emu_npu_find(emu_npu_defaults[index]);
}
