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
	size_t i, off;
	u8 *arena, *fast;

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
	/* The IFMs take consecutive slices of the input, as `ethosu run` does. */
	for (i = 0, off = 0; ifm && i < m.n_ifm && off < ifm_size; i++) {
		size_t n = ifm_size - off < m.ifm[i].size ? ifm_size - off : m.ifm[i].size;

		memcpy(arena + m.ifm[i].arena_offset, ifm + off, n);
		off += n;
	}
	fast = calloc(1, m.fast_size ? m.fast_size : 1);
	if (!fast) {
		free(arena);
		return -1;
	}
	npu_model_regions(&m, arena, fast, regions);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	npu_run(&cfg, m.cop1, m.cop1_size, regions, res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	/* The OFMs, concatenated. */
	for (i = 0; i < m.n_ofm && out->size + m.ofm[i].size <= sizeof(out->data); i++) {
		memcpy(out->data + out->size, arena + m.ofm[i].arena_offset, m.ofm[i].size);
		out->size += m.ofm[i].size;
	}
	free(arena);
	free(fast);
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
