// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/*
 * The NPU configurations the model can play. ID: the reset value of the ID register in Arm's
 * core-driver register headers (U55 0x10104201, U65 0x10066001, U85 0x20007001). CONFIG: the
 * word Vela writes into a payload for that NPU: macs_per_cc = log2(MACs) in bits 0-3,
 * cmd_stream_version in bits 4-7, SHRAM KiB in bits 8-15, product in bits 28-31 (checked
 * against the KWS fixtures: U55-128 0x00001807, U65-256 0x10003008, U85-256 0x20000118; the
 * other U85 words are Vela 5.2.0's). SHRAM sizes and micro-block depths are Vela's
 * architecture tables (U55/U65; U85 takes its micro-block from ACC_FORMAT); U85 cores are its
 * weight streams.
 */
#include "npu.h"

static const struct npu_hw npu_hw_table[NPU_VARIANT_COUNT] = {
	[NPU_U55_32] = { "u55-32", NPU_ARCH_U55, 32, 1, 0x10104201, 0x00001005, 16384, 4, 8 },
	[NPU_U55_64] = { "u55-64", NPU_ARCH_U55, 64, 1, 0x10104201, 0x00001006, 16384, 8, 8 },
	[NPU_U55_128] = { "u55-128", NPU_ARCH_U55, 128, 1, 0x10104201, 0x00001807, 24576, 8, 8 },
	[NPU_U55_256] = { "u55-256", NPU_ARCH_U55, 256, 1, 0x10104201, 0x00003008, 49152, 8, 8 },
	[NPU_U65_256] = { "u65-256", NPU_ARCH_U65, 256, 1, 0x10066001, 0x10003008, 49152, 8, 8 },
	[NPU_U65_512] = { "u65-512", NPU_ARCH_U65, 512, 2, 0x10066001, 0x10006009, 49152, 8, 8 },
	[NPU_U85_256] = { "u85-256", NPU_ARCH_U85, 256, 1, 0x20007001, 0x20000118, 16384, 8, 8 },
	[NPU_U85_128] = { "u85-128", NPU_ARCH_U85, 128, 1, 0x20007001, 0x20000117, 16384, 8, 8 },
	[NPU_U85_512] = { "u85-512", NPU_ARCH_U85, 512, 2, 0x20007001, 0x20001119, 16384, 8, 8 },
	[NPU_U85_1024] = { "u85-1024", NPU_ARCH_U85, 1024, 4, 0x20007001, 0x2000251a, 16384, 8, 8 },
	[NPU_U85_2048] = { "u85-2048", NPU_ARCH_U85, 2048, 4, 0x20007001, 0x2000261b, 16384, 8, 8 },
};

const struct npu_hw *npu_hw_get(enum npu_variant v)
{
	if ((unsigned int)v >= NPU_VARIANT_COUNT)
		return NULL;
	return &npu_hw_table[v];
}

static bool npu_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct npu_hw *npu_hw_find(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < NPU_VARIANT_COUNT; i++)
		if (npu_streq(npu_hw_table[i].name, name))
			return &npu_hw_table[i];
	return NULL;
}

const char *npu_status_name(enum npu_status s)
{
	static const char *const names[NPU_STATUS_COUNT] = {
		"OK", "ERR_ARG", "ERR_PAYLOAD", "ERR_CONFIG", "ERR_STREAM", "ERR_LIMIT",
		"ERR_REGION", "ERR_WEIGHTS", "ERR_UNSUPPORTED", "ERR_WORKSPACE",
	};

	if ((unsigned int)s >= NPU_STATUS_COUNT)
		return "ERR_UNKNOWN";
	return names[s];
}
