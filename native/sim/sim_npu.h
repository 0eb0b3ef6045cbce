/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A C interface to the NPU functional model (npu/) that C++ can include: npu/'s headers are C
 * only, so sim_npu.c wraps what the addon needs behind opaque handles and plain types.
 */
#ifndef ETHOSU_SIM_NPU_H
#define ETHOSU_SIM_NPU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sim_hw;
struct sim_model;

struct sim_hw_info {
	const char *family;	/* "U55", "U65", "U85" */
	uint32_t macs;
	uint32_t id;		/* ID register */
	uint32_t config;	/* CONFIG word */
};

struct sim_result {
	const char *status;	/* npu_status_name(): "OK", "ERR_CONFIG", ... */
	const char *message;	/* static text, or NULL */
	uint32_t commands, ops, dma;
	uint64_t macs, bytes_read, bytes_written;
};

/* NULL when npu/'s table has no such configuration (name and MAC count). */
struct sim_hw *sim_hw_new(const char *name, uint32_t macs);
void sim_hw_info(const struct sim_hw *hw, struct sim_hw_info *info);
void sim_hw_free(struct sim_hw *hw);

/* Parses @bytes, which must outlive the model. Never NULL except out of memory. */
struct sim_model *sim_model_new(const uint8_t *bytes, size_t size);
void sim_model_free(struct sim_model *m);
int sim_model_ok(const struct sim_model *m);
/* "ERR_PAYLOAD: model must have exactly one subgraph", or "OK". */
const char *sim_model_status(const struct sim_model *m);
const char *sim_model_message(const struct sim_model *m);
size_t sim_model_arena_size(const struct sim_model *m);
size_t sim_model_fast_size(const struct sim_model *m);
/* dir 0: IFMs, 1: OFMs. */
uint32_t sim_model_count(const struct sim_model *m, int dir);
size_t sim_model_offset(const struct sim_model *m, int dir, uint32_t i);
size_t sim_model_size(const struct sim_model *m, int dir, uint32_t i);

/* Bytes of scratch sim_model_run needs (npu/'s NPU_WORKSPACE_DEFAULT), 8-byte aligned. */
size_t sim_workspace_size(void);

/* Runs the model's command stream; arena and fast have the sizes above. */
void sim_model_run(const struct sim_model *m, const struct sim_hw *hw, uint8_t *arena,
		   uint8_t *fast, void *workspace, size_t workspace_size, struct sim_result *r);

#ifdef __cplusplus
}
#endif

#endif
