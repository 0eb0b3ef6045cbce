// SPDX-License-Identifier: Apache-2.0
/* Runs a Vela .tflite through the NPU model: npu_kws MODEL INPUT [EXPECTED|-] [NPU]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model.h"
#include "npu_testutil.h"

int main(int argc, char **argv)
{
	struct npu_result res;
	struct npu_run_out out;
	size_t in_size, exp_size = 0;
	u8 *in, *exp = NULL;
	const char *npu = argc > 4 ? argv[4] : "u55-128";
	size_t i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MODEL INPUT [EXPECTED] [NPU]\n", argv[0]);
		return 2;
	}
	in = npu_read_file(argv[2], &in_size);
	if (argc > 3 && strcmp(argv[3], "-"))
		exp = npu_read_file(argv[3], &exp_size);
	if (npu_run_tflite(argv[1], npu, in, in_size, &res, &out))
		return 1;
	/* NPU_BENCH=N: N more runs, reporting the fastest (the machine may be busy). */
	for (i = getenv("NPU_BENCH") ? atoi(getenv("NPU_BENCH")) : 0; i > 0; i--) {
		struct npu_run_out again;
		struct npu_result r2;

		if (npu_run_tflite(argv[1], npu, in, in_size, &r2, &again))
			return 1;
		if (again.ms < out.ms)
			out.ms = again.ms;
	}
	printf("status %s (%s) %.2f ms commands %u ops %u dma %u macs %llu\n",
	       npu_status_name(res.status), res.message ? res.message : "", out.ms, res.commands, res.ops, res.dma,
	       (unsigned long long)res.macs);
	for (i = 0; i < out.size; i++)
		printf("%02x ", out.data[i]);
	printf("\n");
	if (exp && (exp_size != out.size || memcmp(exp, out.data, out.size))) {
		for (i = 0; i < exp_size; i++)
			printf("%02x ", exp[i]);
		printf("<- expected\n");
		return 1;
	}
	return res.status != NPU_OK;
}
