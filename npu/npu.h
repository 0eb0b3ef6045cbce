/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * Functional model of the Arm Ethos-U NPU: runs the command stream that Vela puts into the
 * "ethos-u" custom operator and produces the bytes the hardware produces. Integer only, no
 * allocation (the caller lends all memory), every access to caller memory bounds-checked, so
 * the same sources build into a kernel module and into user space.
 */
#ifndef NPU_H
#define NPU_H

#include "npu_shim.h"

enum npu_status {
	NPU_OK = 0,
	NPU_ERR_ARG,		/* a NULL pointer or impossible argument from the caller */
	NPU_ERR_PAYLOAD,	/* the COP1 driver payload is malformed or truncated */
	NPU_ERR_CONFIG,		/* the payload was compiled for another NPU (CONFIG/ID words) */
	NPU_ERR_STREAM,		/* malformed command stream (unknown or truncated command) */
	NPU_ERR_LIMIT,		/* over max_commands or max_work, or no NPU_OP_STOP */
	NPU_ERR_REGION,		/* an address outside its region, or an unset region */
	NPU_ERR_WEIGHTS,	/* the weight or scale stream does not decode */
	NPU_ERR_UNSUPPORTED,	/* a valid operation this model does not implement (yet) */
	NPU_ERR_WORKSPACE,	/* npu_config.workspace is too small for this operation */
	NPU_STATUS_COUNT
};

enum npu_arch {
	NPU_ARCH_U55,
	NPU_ARCH_U65,
	NPU_ARCH_U85,
};

enum npu_variant {
	NPU_U55_32,
	NPU_U55_64,
	NPU_U55_128,
	NPU_U55_256,
	NPU_U65_256,
	NPU_U65_512,
	NPU_U85_256,
	NPU_U85_128,		/* added after U85-256: earlier values keep their numbers */
	NPU_U85_512,
	NPU_U85_1024,
	NPU_U85_2048,
	NPU_VARIANT_COUNT
};

/* The NPU being modelled, with the register values a payload is checked against. */
struct npu_hw {
	const char *name;	/* "u55-128" */
	enum npu_arch arch;
	u32 macs;		/* MACs per cycle, all cores */
	u32 cores;		/* U65-512: 2; U85: weight streams (1, 1, 2, 4, 4) */
	u32 id;			/* ID register */
	u32 config;		/* CONFIG register as Vela writes it for this NPU */
	u32 shram_bytes;	/* internal SHRAM; the LUT lives in its top 2 KiB */
	u32 ofm_ublock_depth;	/* weight brick order parameters */
	u32 ifm_ublock_depth;
};

#define NPU_REGIONS 8
#define NPU_DEFAULT_MAX_COMMANDS 0x100000u
/* About a second of host time; a KWS inference takes 2.6 million. */
#define NPU_DEFAULT_MAX_WORK 0x10000000ull

struct npu_region {
	u8 *base;		/* NULL: region not provided; any access fails */
	size_t size;
	bool writable;
};

struct npu_config {
	const struct npu_hw *hw;
	u32 max_commands;	/* 0: NPU_DEFAULT_MAX_COMMANDS */
	u64 max_work;		/* element accesses, weights, DMA bytes; 0: default */
	void *workspace;	/* scratch for decoded weights; 8-byte aligned */
	size_t workspace_size;
};

struct npu_result {
	enum npu_status status;
	u32 commands;		/* command words executed */
	u32 ops;		/* NPU_OP_CONV/DEPTHWISE/POOL/ELEMENTWISE */
	u32 dma;		/* NPU_OP_DMA_START */
	u64 macs;		/* multiply-accumulates done by CONV and DEPTHWISE */
	u64 bytes_read;		/* feature-map, weight and DMA bytes read */
	u64 bytes_written;
	u32 fail_offset;	/* byte offset in the payload of the failing command */
	const char *message;	/* what went wrong, static text */
};

const struct npu_hw *npu_hw_get(enum npu_variant v);
const struct npu_hw *npu_hw_find(const char *name);
const char *npu_status_name(enum npu_status s);

/*
 * Runs one COP1 driver payload (the bytes of the custom operator's command-stream tensor)
 * against the regions: 0 read-only (weights, scales, LUTs), 1 the arena, 2 fast scratch,
 * 3.. separate IFM/OFM regions. Returns result->status.
 */
enum npu_status npu_run(const struct npu_config *cfg, const u8 *cop1, size_t cop1_size,
			const struct npu_region regions[NPU_REGIONS], struct npu_result *result);

/* Workspace npu_run needs at most for a payload; a safe default for the KWS models. */
#define NPU_WORKSPACE_DEFAULT (4u << 20)

#endif
