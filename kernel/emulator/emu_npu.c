// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NPUs the emulator can claim to drive: every published MAC configuration. CAPABILITIES_RSP
 * carries the fields of the NPU's ID and CONFIG registers exactly as the Cortex-M core driver
 * (ethos-u-core-driver, 0.16.0) reads them in ethosu_dev_get_hw_info(): raw bit fields, so
 * macs_per_cc is log2(MACs per cycle).
 *
 * ID: the reset value of the ID register in the core driver's register headers
 *   (ethosu_interface_u55.h 0x10104201, ethosu_interface_u65.h 0x10066001,
 *   ethosu_interface_u85.h 0x20007001).
 * CONFIG: the word Vela (5.2.0) writes into a model's COP1 payload for that NPU, which the core
 *   driver compares with the hardware's CONFIG register (macs_per_cc in bits 0-3,
 *   cmd_stream_version in bits 4-7, product in bits 28-31); the shared KWS models carry
 *   0x00001807 (U55-128), 0x10003008 (U65-256) and 0x20000118 (U85-256).
 * pmu_counters: NPU_REG_PMEVCNTR_ARRLEN of each header (4, 4, 8).
 *
 * The NPU model (npu/npu_hw.c) has its own copy of the ID and CONFIG words of the NPUs it
 * models; emu_npu_check_table() refuses to load the module if the two disagree.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "emu.h"
#include "npu.h"

#define EMU_ID_U55 0x10104201
#define EMU_ID_U65 0x10066001
#define EMU_ID_U85 0x20007001

static const struct emu_npu emu_npus[] = {
	{ .name = "u55-32", .id = EMU_ID_U55, .config = 0x00001005, .pmu_counters = 4 },
	{ .name = "u55-64", .id = EMU_ID_U55, .config = 0x00001006, .pmu_counters = 4 },
	{ .name = "u55-128", .id = EMU_ID_U55, .config = 0x00001807, .pmu_counters = 4 },
	{ .name = "u55-256", .id = EMU_ID_U55, .config = 0x00003008, .pmu_counters = 4 },
	{ .name = "u65-256", .id = EMU_ID_U65, .config = 0x10003008, .pmu_counters = 4 },
	{ .name = "u65-512", .id = EMU_ID_U65, .config = 0x10006009, .pmu_counters = 4 },
	{ .name = "u85-128", .id = EMU_ID_U85, .config = 0x20000117, .pmu_counters = 8 },
	{ .name = "u85-256", .id = EMU_ID_U85, .config = 0x20000118, .pmu_counters = 8 },
	{ .name = "u85-512", .id = EMU_ID_U85, .config = 0x20001119, .pmu_counters = 8 },
	{ .name = "u85-1024", .id = EMU_ID_U85, .config = 0x2000251a, .pmu_counters = 8 },
	{ .name = "u85-2048", .id = EMU_ID_U85, .config = 0x2000261b, .pmu_counters = 8 },
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

/*
 * Every NPU the model knows must have the CONFIG word the emulator reports, and the same
 * product and architecture in its ID (Vela's payloads carry another ID version than the
 * hardware's reset value, so only what the core driver compares is compared).
 */
int emu_npu_check_table(void)
{
	const struct npu_hw *hw;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(emu_npus); i++) {
		hw = npu_hw_find(emu_npus[i].name);
		if (!hw)
			continue;
		if (hw->config != emu_npus[i].config ||
		    EMU_ID_PRODUCT_MAJOR(hw->id) != EMU_ID_PRODUCT_MAJOR(emu_npus[i].id) ||
		    EMU_ID_ARCH_MAJOR(hw->id) != EMU_ID_ARCH_MAJOR(emu_npus[i].id)) {
			pr_err("ethosu_emu: %s: the NPU model has CONFIG 0x%08x ID 0x%08x, the emulator CONFIG 0x%08x ID 0x%08x\n",
			       emu_npus[i].name, hw->config, hw->id, emu_npus[i].config,
			       emu_npus[i].id);
			return -EINVAL;
		}
	}
	return 0;
}
