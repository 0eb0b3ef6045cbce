// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the NPU model. The first input byte picks what the rest is:
 *   even: a COP1 payload, run as a U55-128 payload against the KWS model's regions (its real
 *         weights and LUTs in a read-only copy of region 0, a zeroed arena);
 *   odd:  a whole .tflite file, parsed by the loader and, if it parses, run on its own regions.
 * NPU_FUZZ_MODEL names the KWS model (scripts/fuzz-npu sets it). Any status is fine; a crash,
 * a sanitizer report or a timeout is a bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model.h"

static u8 *model_file, *flash, *arena, *ws;
static size_t model_size;
static struct npu_model kws;
static struct npu_config cfg;

static u8 *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("NPU_FUZZ_MODEL");

	(void)argc;
	(void)argv;
	model_file = path ? slurp(path, &model_size) : NULL;
	if (!model_file || npu_model_parse(model_file, model_size, &kws)) {
		fprintf(stderr, "set NPU_FUZZ_MODEL to a Vela U55-128 .tflite\n");
		exit(2);
	}
	flash = malloc(kws.regions[0].size);
	memcpy(flash, kws.regions[0].data, kws.regions[0].size);
	ws = aligned_alloc(8, NPU_WORKSPACE_DEFAULT);
	cfg.hw = npu_hw_find("u55-128");
	cfg.workspace = ws;
	cfg.workspace_size = NPU_WORKSPACE_DEFAULT;
	cfg.max_commands = 1 << 16;
	cfg.max_work = 1 << 19;	/* keeps each run well under the fuzzer's timeout */
	return 0;
}

static void run_tflite(const u8 *data, size_t size)
{
	struct npu_region regions[NPU_REGIONS];
	struct npu_result res;
	struct npu_model m;
	u8 *a;

	if (npu_model_parse(data, size, &m) || m.arena_size > (1u << 24))
		return;
	a = calloc(1, m.arena_size ? m.arena_size : 1);
	npu_model_regions(&m, a, NULL, regions);
	npu_run(&cfg, m.cop1, m.cop1_size, regions, &res);
	free(a);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct npu_region regions[NPU_REGIONS];
	struct npu_result res;
	u8 *payload;

	if (!size)
		return 0;
	if (data[0] & 1) {
		run_tflite(data + 1, size - 1);
		return 0;
	}
	/* Exact-size copies, so that ASan catches any read past the input. */
	payload = malloc(size - 1 ? size - 1 : 1);
	memcpy(payload, data + 1, size - 1);
	arena = calloc(1, kws.arena_size);
	npu_model_regions(&kws, arena, NULL, regions);
	regions[0].base = flash;	/* region 0 stays read-only: writes must be refused */
	npu_run(&cfg, payload, size - 1, regions, &res);
	free(arena);
	free(payload);
	return 0;
}
