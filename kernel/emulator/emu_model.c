// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NPU model path: for a network whose one subgraph holds only ethos-u operators, the firmware
 * does what TFLite Micro does on the board. It copies the request's IFMs into a fresh arena at
 * the model's OfflineMemoryAllocation offsets, runs the COP1 command stream with the functional
 * model in npu/ (npu_run), and keeps the OFMs until the inference completes. Runs on the
 * subsystem's own model workqueue, so the message worker keeps answering control messages.
 * An active inference is not cancellable (docs/emulator.md): a running model finishes.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "emu.h"
#include "npu_model.h"

/*
 * The model's work limit (element accesses, weights, DMA bytes) for one run: a KWS inference
 * takes 2.6 million, so this allows networks about 12 times larger, and keeps a hostile stream
 * to well under a second of kernel time (npu_run has no scheduling point inside).
 */
#define EMU_MODEL_MAX_WORK BIT_ULL(25)

/* Bytes the model's memory moves per cycle in the cycle estimate: one 128-bit AXI beat. */
#define EMU_BYTES_PER_CYCLE 16

void emu_inf_free(struct emu_inference *inf)
{
	if (!inf)
		return;
	kvfree(inf->model.ofm);
	kfree(inf);
}

/* Everything one model run allocates; freed by emu_model_release. */
struct emu_model_run {
	u8 *file;
	size_t file_size;
	struct npu_model m;
	struct emu_net_info info;
	u8 *arena;
	u8 *fast;
	struct npu_region regions[NPU_REGIONS];
	struct npu_result res;
};

static void emu_model_release(struct emu_model_run *r)
{
	vfree(r->arena);
	vfree(r->fast);
	kvfree(r->file);
	kfree(r);
}

/* Copies the request's IFMs into the arena; false if a buffer does not fit or cannot be read. */
static bool emu_model_ifms(struct emu_subsys *ss, const struct ethosu_rpmsg_inference_req *req,
			   struct emu_model_run *r)
{
	void *p;
	u32 i;

	for (i = 0; i < r->m.n_ifm; i++) {
		if (!r->m.ifm[i].size)
			continue;
		p = emu_mem_map(ss, req->ifm[i].ptr, r->m.ifm[i].size);
		if (!p)
			return false;
		memcpy(r->arena + r->m.ifm[i].arena_offset, p, r->m.ifm[i].size);
		emu_mem_unmap(ss, p);
	}
	return true;
}

/* The request against the network, as the formula path checks it, and the model's own IO. */
static const char *emu_model_check(struct emu_subsys *ss,
				   const struct ethosu_rpmsg_inference_req *req,
				   const struct emu_model_run *r)
{
	const struct emu_net_info *info = &r->info;
	u32 i;

	if (req->ifm_count != info->ifm_count || req->ofm_count != info->ofm_count)
		return "IFM/OFM count differs from the network's";
	if (!emu_buffers_fit(ss, req->ifm, info->ifm_size, info->ifm_count) ||
	    !emu_buffers_fit(ss, req->ofm, info->ofm_size, info->ofm_count))
		return "a buffer is smaller than its tensor or not in System RAM below 4 GiB";
	if (r->m.n_ifm != info->ifm_count || r->m.n_ofm != info->ofm_count)
		return "the ethos-u operator's IFM/OFM count differs from the subgraph's";
	for (i = 0; i < r->m.n_ifm; i++)
		if (r->m.ifm[i].size != info->ifm_size[i])
			return "an IFM's arena size differs from its tensor size";
	for (i = 0; i < r->m.n_ofm; i++)
		if (r->m.ofm[i].size != info->ofm_size[i])
			return "an OFM's arena size differs from its tensor size";
	if (r->m.arena_size > EMU_ARENA_MAX_BYTES || r->m.fast_size > EMU_ARENA_MAX_BYTES)
		return "arena or fast memory above the emulator's 64 MiB limit";
	return NULL;
}

/*
 * Runs the model for @inf if its network is an ethos-u network. Leaves inf->model.used false
 * for every other network (the formula path). A failure of the model path is status ERROR
 * with one kernel log line saying why.
 */
static void emu_model_exec(struct emu_subsys *ss, struct emu_inference *inf)
{
	const struct ethosu_rpmsg_inference_req *req = &inf->req;
	struct emu_model_out *mo = &inf->model;
	struct npu_config cfg = { 0 };
	const char *why = NULL;
	struct emu_model_run *r;
	enum npu_status st;
	u64 off = 0, total = 0, us;
	ktime_t t0;
	u32 i;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		/* Which path the network takes is unknown: fail it rather than guess. */
		mo->used = true;
		mo->status = ETHOSU_RPMSG_STATUS_ERROR;
		return;
	}
	ret = emu_net_load(ss, &req->network, &r->file, &r->file_size);
	if (ret || emu_tflite_parse(r->file, r->file_size, &r->info) || !r->info.ethosu_only) {
		if (ret == -EFBIG) {
			mo->used = true;
			mo->status = ETHOSU_RPMSG_STATUS_ERROR;
			dev_warn_ratelimited(ss->dev,
					     "inference %llu: network above the NPU model's %u byte limit\n",
					     inf->msg_id, EMU_MODEL_MAX_BYTES);
		}
		emu_model_release(r);
		return;
	}

	mo->used = true;
	mo->status = ETHOSU_RPMSG_STATUS_ERROR;
	cfg.hw = npu_hw_find(ss->npu->name);
	if (!cfg.hw) {
		why = "this NPU is not modelled";
		goto out;
	}
	st = npu_model_parse(r->file, r->file_size, &r->m);
	if (st != NPU_OK) {
		why = r->m.message;
		goto out;
	}
	why = emu_model_check(ss, req, r);
	if (why)
		goto out;
	if (!ss->model_workspace)
		ss->model_workspace = vmalloc(NPU_WORKSPACE_DEFAULT);
	r->arena = vzalloc(r->m.arena_size ? r->m.arena_size : 1);
	r->fast = vzalloc(r->m.fast_size ? r->m.fast_size : 1);
	if (!ss->model_workspace || !r->arena || !r->fast) {
		why = "out of memory for the arena or the workspace";
		goto out;
	}
	if (!emu_model_ifms(ss, req, r)) {
		why = "an IFM buffer cannot be read";
		goto out;
	}

	npu_model_regions(&r->m, r->arena, r->fast, r->regions);
	cfg.max_work = EMU_MODEL_MAX_WORK;
	cfg.workspace = ss->model_workspace;
	cfg.workspace_size = NPU_WORKSPACE_DEFAULT;
	t0 = ktime_get();
	st = npu_run(&cfg, r->m.cop1, r->m.cop1_size, r->regions, &r->res);
	us = ktime_us_delta(ktime_get(), t0);
	if (st != NPU_OK) {
		dev_warn_ratelimited(ss->dev,
				     "inference %llu: NPU model on %s: %s (%s) at payload offset %u\n",
				     inf->msg_id, ss->npu->name, npu_status_name(st),
				     r->res.message ? r->res.message : "", r->res.fail_offset);
		goto out_counted;
	}

	for (i = 0; i < r->m.n_ofm; i++)
		total += r->m.ofm[i].size;
	mo->ofm = kvmalloc(total ? total : 1, GFP_KERNEL | __GFP_NOWARN);
	if (!mo->ofm) {
		why = "out of memory for the OFMs";
		goto out;
	}
	mo->ofm_count = r->m.n_ofm;
	for (i = 0; i < r->m.n_ofm; i++) {
		mo->ofm_size[i] = r->m.ofm[i].size;
		memcpy(mo->ofm + off, r->arena + r->m.ofm[i].arena_offset, r->m.ofm[i].size);
		off += r->m.ofm[i].size;
	}
	mo->mac_cycles = div_u64(r->res.macs + BIT(EMU_CONFIG_MACS_PER_CC(ss->npu->config)) - 1,
				 BIT(EMU_CONFIG_MACS_PER_CC(ss->npu->config)));
	mo->cycles = mo->mac_cycles +
		     div_u64(r->res.bytes_read + r->res.bytes_written + EMU_BYTES_PER_CYCLE - 1,
			     EMU_BYTES_PER_CYCLE);
	mo->status = ETHOSU_RPMSG_STATUS_OK;

out_counted:
	spin_lock_irq(&ss->lock);
	if (mo->status == ETHOSU_RPMSG_STATUS_OK)
		ss->stats.model_ok++;
	else
		ss->stats.model_error++;
	ss->stats.model_last_us = us;
	ss->stats.model_max_us = max(ss->stats.model_max_us, us);
	spin_unlock_irq(&ss->lock);
	emu_model_release(r);
	return;
out:
	dev_warn_ratelimited(ss->dev, "inference %llu: NPU model on %s: %s\n", inf->msg_id,
			     ss->npu->name, why);
	spin_lock_irq(&ss->lock);
	ss->stats.model_error++;
	spin_unlock_irq(&ss->lock);
	emu_model_release(r);
}

/*
 * The active inference's first step when the model knob is on: the model (if the network is an
 * ethos-u network), then the completion after what is left of its latency, so an inference
 * takes max(latency_us, model time).
 */
void emu_model_work(struct work_struct *work)
{
	struct emu_subsys *ss = container_of(work, struct emu_subsys, model_work);
	struct emu_inference *inf;
	unsigned long elapsed, flags;

	spin_lock_irqsave(&ss->lock, flags);
	inf = ss->active;
	spin_unlock_irqrestore(&ss->lock, flags);
	if (!inf)
		return;

	/* Only this work and, once queued below, inf_work touch the active inference. */
	emu_model_exec(ss, inf);

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->active == inf) {
		elapsed = jiffies - inf->started;
		queue_delayed_work(ss->wq, &ss->inf_work,
				   elapsed < inf->latency ? inf->latency - elapsed : 0);
	}
	spin_unlock_irqrestore(&ss->lock, flags);
}
