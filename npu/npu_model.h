/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * What running a Vela-compiled .tflite takes, read from the file: the ethos-u operator's COP1
 * payload, the read-only region, the arena size and where each region, IFM and OFM sits in it
 * (the OfflineMemoryAllocation metadata). Pointers point into the caller's file buffer.
 */
#ifndef NPU_MODEL_H
#define NPU_MODEL_H

#include "npu.h"

#define NPU_MODEL_MAX_IO 8

struct npu_model_region {
	const u8 *data;		/* constant data in the file (read-only), or NULL */
	size_t size;
	s64 arena_offset;	/* for arena regions; -1 otherwise */
	bool present;
};

struct npu_model_tensor {
	size_t arena_offset;
	size_t size;
};

struct npu_model {
	const u8 *cop1;
	size_t cop1_size;
	struct npu_model_region regions[NPU_REGIONS];
	size_t arena_size;
	size_t fast_size;	/* bytes of the fast-scratch tensor (region 2) */
	u32 n_ifm, n_ofm;
	struct npu_model_tensor ifm[NPU_MODEL_MAX_IO], ofm[NPU_MODEL_MAX_IO];
	const char *message;	/* why parsing failed */
};

/* NPU_OK, or NPU_ERR_PAYLOAD / NPU_ERR_UNSUPPORTED with model->message set. */
enum npu_status npu_model_parse(const u8 *buf, size_t size, struct npu_model *model);

/*
 * Points regions[] at the file's constant data, at the arena (arena_size bytes) and, for
 * region 2, at @fast (fast_size bytes): the NPU's dedicated fast memory, which the core driver
 * puts in place of the fast-scratch tensor and which Vela uses as a memory of its own for U65
 * (Dedicated_Sram). With @fast NULL, region 2 is the fast-scratch tensor in the arena.
 */
void npu_model_regions(const struct npu_model *model, u8 *arena, u8 *fast,
		       struct npu_region regions[NPU_REGIONS]);

#endif
