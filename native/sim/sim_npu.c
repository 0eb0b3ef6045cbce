// SPDX-License-Identifier: Apache-2.0
/* The C side of sim_npu.h: npu/'s API behind opaque handles. */
#include <stdlib.h>

#include "../../npu/npu.h"
#include "../../npu/npu_model.h"
#include "sim_npu.h"

/* A hostile file may claim a huge arena: the simulator refuses instead of exhausting memory. */
#define SIM_MAX_ARENA ((size_t)1 << 30)

struct sim_hw {
	struct npu_hw hw;
};

struct sim_model {
	struct npu_model m;
	enum npu_status status;
	const char *message;
};

/*
 * npu/'s table entry for @name ("u55-128"), which has every configuration Vela compiles for; the
 * JS side checks names against Vela's list first. @macs must be the entry's own.
 */
struct sim_hw *sim_hw_new(const char *name, uint32_t macs)
{
	const struct npu_hw *base = npu_hw_find(name);
	struct sim_hw *h;

	if (!base || base->macs != macs)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->hw = *base;
	return h;
}

void sim_hw_info(const struct sim_hw *h, struct sim_hw_info *info)
{
	static const char *const families[] = { "U55", "U65", "U85" };

	info->family = (unsigned int)h->hw.arch < 3 ? families[h->hw.arch] : "unknown";
	info->macs = h->hw.macs;
	info->id = h->hw.id;
	info->config = h->hw.config;
}

void sim_hw_free(struct sim_hw *h)
{
	free(h);
}

struct sim_model *sim_model_new(const uint8_t *bytes, size_t size)
{
	struct sim_model *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->status = npu_model_parse(bytes, size, &s->m);
	s->message = s->m.message;
	if (s->status == NPU_OK && s->m.arena_size > SIM_MAX_ARENA) {
		s->status = NPU_ERR_UNSUPPORTED;
		s->message = "the model's arena exceeds the simulator's 1 GiB limit";
	}
	return s;
}

void sim_model_free(struct sim_model *s)
{
	free(s);
}

int sim_model_ok(const struct sim_model *s)
{
	return s->status == NPU_OK;
}

const char *sim_model_status(const struct sim_model *s)
{
	return npu_status_name(s->status);
}

const char *sim_model_message(const struct sim_model *s)
{
	return s->message;
}

size_t sim_model_arena_size(const struct sim_model *s)
{
	return s->m.arena_size;
}

size_t sim_model_fast_size(const struct sim_model *s)
{
	return s->m.fast_size;
}

uint32_t sim_model_count(const struct sim_model *s, int dir)
{
	if (s->status != NPU_OK)
		return 0;
	return dir ? s->m.n_ofm : s->m.n_ifm;
}

size_t sim_model_offset(const struct sim_model *s, int dir, uint32_t i)
{
	return (dir ? s->m.ofm : s->m.ifm)[i].arena_offset;
}

size_t sim_model_size(const struct sim_model *s, int dir, uint32_t i)
{
	return (dir ? s->m.ofm : s->m.ifm)[i].size;
}

size_t sim_workspace_size(void)
{
	return NPU_WORKSPACE_DEFAULT;
}

void sim_model_run(const struct sim_model *s, const struct sim_hw *h, uint8_t *arena,
		   uint8_t *fast, void *workspace, size_t workspace_size, struct sim_result *r)
{
	struct npu_region regions[NPU_REGIONS];
	struct npu_config cfg = { 0 };
	struct npu_result res = { 0 };

	npu_model_regions(&s->m, arena, fast, regions);
	cfg.hw = &h->hw;
	cfg.workspace = workspace;
	cfg.workspace_size = workspace_size;
	npu_run(&cfg, s->m.cop1, s->m.cop1_size, regions, &res);
	r->status = npu_status_name(res.status);
	r->message = res.message;
	r->commands = res.commands;
	r->ops = res.ops;
	r->dma = res.dma;
	r->macs = res.macs;
	r->bytes_read = res.bytes_read;
	r->bytes_written = res.bytes_written;
}
