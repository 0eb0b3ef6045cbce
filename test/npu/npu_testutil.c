// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "npu_model.h"
#include "npu_testutil.h"

u8 *npu_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	u8 *buf;

	if (!f) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "%s: read failed\n", path);
		exit(2);
	}
	fclose(f);
	*size = n;
	return buf;
}

static void *workspace(void)
{
	static void *ws;

	if (!ws)
		ws = aligned_alloc(8, NPU_WORKSPACE_DEFAULT);
	return ws;
}

int npu_run_tflite_buf(const u8 *model, size_t model_size, const char *npu, const u8 *ifm,
		       size_t ifm_size, u32 max_commands, struct npu_result *res,
		       struct npu_run_out *out)
{
	struct npu_region regions[NPU_REGIONS];
	struct npu_config cfg = { 0 };
	struct timespec t0, t1;
	struct npu_model m;
	enum npu_status s;
	u8 *arena;

	memset(out, 0, sizeof(*out));
	memset(res, 0, sizeof(*res));
	s = npu_model_parse(model, model_size, &m);
	if (s) {
		res->status = s;
		res->message = m.message;
		return 0;
	}
	cfg.hw = npu_hw_find(npu);
	cfg.max_commands = max_commands;
	cfg.workspace = workspace();
	cfg.workspace_size = NPU_WORKSPACE_DEFAULT;
	if (!cfg.hw || !cfg.workspace) {
		fprintf(stderr, "unknown NPU %s or no memory\n", npu);
		return -1;
	}
	arena = calloc(1, m.arena_size ? m.arena_size : 1);
	if (!arena)
		return -1;
	if (m.n_ifm && ifm)
		memcpy(arena + m.ifm[0].arena_offset, ifm,
		       ifm_size < m.ifm[0].size ? ifm_size : m.ifm[0].size);
	npu_model_regions(&m, arena, regions);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	npu_run(&cfg, m.cop1, m.cop1_size, regions, res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (m.n_ofm && m.ofm[0].size <= sizeof(out->data)) {
		out->size = m.ofm[0].size;
		memcpy(out->data, arena + m.ofm[0].arena_offset, out->size);
	}
	free(arena);
	return 0;
}

int npu_run_tflite(const char *model_path, const char *npu, const u8 *ifm, size_t ifm_size,
		   struct npu_result *res, struct npu_run_out *out)
{
	size_t size;
	u8 *model = npu_read_file(model_path, &size);
	int r = npu_run_tflite_buf(model, size, npu, ifm, ifm_size, 0, res, out);

	free(model);
	return r;
}
