// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness for the NPU model. The first input byte picks what the rest is:
 *   bit 0 clear: a COP1 payload, run against a KWS model's regions (its real weights and LUTs
 *         in a read-only copy of region 0, a zeroed arena);
 *   bit 0 set: a whole .tflite file, parsed by the loader and, if it parses, run on its own
 *         regions;
 *   bit 1: on a U85-256 (with the U85 KWS model's regions) instead of a U55-128.
 * NPU_FUZZ_MODEL and NPU_FUZZ_MODEL_U85 name the KWS models (scripts/fuzz-npu sets them). Any
 * status is fine; a crash, a sanitizer report or a timeout is a bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model.h"

struct target {
	u8 *file, *flash;
	size_t size;
	struct npu_model kws;
	struct npu_config cfg;
};

static struct target targets[2];	/* U55-128, U85-256 */
static u8 *ws;

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

static void target_open(struct target *t, const char *env, const char *npu)
{
	const char *path = getenv(env);

	t->file = path ? slurp(path, &t->size) : NULL;
	if (!t->file || npu_model_parse(t->file, t->size, &t->kws)) {
		fprintf(stderr, "set %s to the Vela %s KWS .tflite\n", env, npu);
		exit(2);
	}
	t->flash = malloc(t->kws.regions[0].size);
	memcpy(t->flash, t->kws.regions[0].data, t->kws.regions[0].size);
	t->cfg.hw = npu_hw_find(npu);
	t->cfg.workspace = ws;
	t->cfg.workspace_size = NPU_WORKSPACE_DEFAULT;
	t->cfg.max_commands = 1 << 16;
	t->cfg.max_work = 1 << 19;	/* keeps each run well under the fuzzer's timeout */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ws = aligned_alloc(8, NPU_WORKSPACE_DEFAULT);
	target_open(&targets[0], "NPU_FUZZ_MODEL", "u55-128");
	target_open(&targets[1], "NPU_FUZZ_MODEL_U85", "u85-256");
	return 0;
}

static void run_tflite(const struct target *t, const u8 *data, size_t size)
{
	struct npu_region regions[NPU_REGIONS];
	struct npu_result res;
	struct npu_model m;
	u8 *a;

	if (npu_model_parse(data, size, &m) || m.arena_size > (1u << 24))
		return;
	a = calloc(1, m.arena_size ? m.arena_size : 1);
	npu_model_regions(&m, a, NULL, regions);
	npu_run(&t->cfg, m.cop1, m.cop1_size, regions, &res);
	free(a);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct npu_region regions[NPU_REGIONS];
	const struct target *t;
	struct npu_result res;
	u8 *payload, *arena;

	if (!size)
		return 0;
	t = &targets[(data[0] >> 1) & 1];
	if (data[0] & 1) {
		run_tflite(t, data + 1, size - 1);
		return 0;
	}
	/* Exact-size copies, so that ASan catches any read past the input. */
	payload = malloc(size - 1 ? size - 1 : 1);
	memcpy(payload, data + 1, size - 1);
	arena = calloc(1, t->kws.arena_size);
	npu_model_regions(&t->kws, arena, NULL, regions);
	regions[0].base = t->flash;	/* region 0 stays read-only: writes must be refused */
	npu_run(&t->cfg, payload, size - 1, regions, &res);
	free(arena);
	free(payload);
	return 0;
}
