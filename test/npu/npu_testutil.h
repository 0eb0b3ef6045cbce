/* SPDX-License-Identifier: Apache-2.0 */
/* Host helpers shared by the NPU model's tests: files and one whole inference. */
#ifndef NPU_TESTUTIL_H
#define NPU_TESTUTIL_H

#include "npu.h"

struct npu_run_out {
	u8 data[65536];	/* the OFMs, concatenated */
	size_t size;
	double ms;	/* wall time of npu_run */
};

u8 *npu_read_file(const char *path, size_t *size);

/* Parses the model, copies the IFMs into a fresh arena, runs, copies the OFMs out. -1 on setup
 * errors (printed); otherwise 0 and the model's status in res. */
int npu_run_tflite(const char *model_path, const char *npu, const u8 *ifm, size_t ifm_size,
		   struct npu_result *res, struct npu_run_out *out);

/* The same for a model already in memory; max_commands 0 means the default. */
int npu_run_tflite_buf(const u8 *model, size_t model_size, const char *npu, const u8 *ifm,
		       size_t ifm_size, u32 max_commands, struct npu_result *res,
		       struct npu_run_out *out);

#endif
