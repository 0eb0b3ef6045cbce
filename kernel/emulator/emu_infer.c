// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inference processing. Requests are queued and run one at a time; each spends latency_us as the
 * active inference (running, no longer cancellable) before its outputs are written. An ethos-u
 * network gets the NPU model's outputs (emu_model.c, which runs when the inference becomes
 * active); every other network a documented function of the inputs (docs/emulator.md):
 *   in = the first tensor-size bytes of each IFM, concatenated; T = len(in)
 *   ofm_k[j] = (in[j mod T] + k + 1) mod 256 for j < tensor size of OFM k
 */
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "emu.h"

#define EMU_PMU_EVENT_SCALE 1000
#define EMU_CYCLES_BASE 100000
/* The rpmsg firmware's PMU event values (the core driver's enum) the model path counts. */
#define EMU_PMU_CYCLE 1
#define EMU_PMU_NPU_ACTIVE 5
#define EMU_PMU_MAC_ACTIVE 6

/* Takes one pending fail_status (or, for inferences, reject) injection; OK when none. */
u32 emu_take_injected_status(struct emu_subsys *ss, bool inference)
{
	u32 status = ETHOSU_RPMSG_STATUS_OK;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->fail_status) {
		ss->fail_status--;
		status = ETHOSU_RPMSG_STATUS_ERROR;
	} else if (inference && ss->reject) {
		ss->reject--;
		status = ETHOSU_RPMSG_STATUS_REJECTED;
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	return status;
}

/* An INFERENCE_RSP carrying only a status, as for failures and cancelled inferences. */
void emu_inf_send_status(struct emu_subsys *ss, const struct emu_reply *to, u64 msg_id,
			 u32 status)
{
	struct ethosu_rpmsg_inference_rsp *rsp = &emu_tx_begin(ss)->inf_rsp;

	rsp->status = status;
	emu_tx_send(ss, to, ETHOSU_RPMSG_INFERENCE_RSP, msg_id, sizeof(*rsp));
}

/*
 * Makes @inf the active inference. With the model knob on, emu_model_work looks at the network
 * first (and runs the NPU model for an ethos-u network), then queues the completion for the rest
 * of the latency; otherwise the completion comes after the latency.
 */
static void emu_inf_start(struct emu_subsys *ss, struct emu_inference *inf)
{
	lockdep_assert_held(&ss->lock);
	ss->active = inf;
	inf->started = jiffies;
	inf->latency = usecs_to_jiffies(ss->latency_us);
	if (ss->model)
		queue_work(ss->model_wq, &ss->model_work);
	else
		queue_delayed_work(ss->wq, &ss->inf_work, inf->latency);
}

void emu_inf_queue(struct emu_subsys *ss, struct emu_inference *inf)
{
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	if (inf->to.gen != ss->gen) {
		/* The firmware crashed since the request arrived. */
		spin_unlock_irqrestore(&ss->lock, flags);
		emu_inf_free(inf);
		return;
	}
	if (!ss->active) {
		emu_inf_start(ss, inf);
	} else {
		list_add_tail(&inf->node, &ss->waiting);
		ss->n_waiting++;
	}
	spin_unlock_irqrestore(&ss->lock, flags);
}

bool emu_buffers_fit(struct emu_subsys *ss, const struct ethosu_rpmsg_buffer *bufs,
		     const u32 *sizes, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (bufs[i].size < sizes[i])
			return false;
		if (sizes[i] && !emu_mem_valid(ss, bufs[i].ptr, sizes[i]))
			return false;
	}
	return true;
}

static void emu_fill_ofm(u8 *ofm, u32 osize, const u8 *in, u64 total, unsigned int k)
{
	u64 s = 0;
	u32 j;

	if (!total) {
		memset(ofm, (k + 1) & 0xff, osize);
		return;
	}
	for (j = 0; j < osize; j++) {
		ofm[j] = in[s] + k + 1;
		if (++s == total)
			s = 0;
	}
}

/*
 * Checks the request against the model and produces the outputs. Returns the response status;
 * on OK, *total is T.
 */
static u32 emu_inf_exec(struct emu_subsys *ss, const struct ethosu_rpmsg_inference_req *req,
			struct emu_net_info *info, u64 *total)
{
	u32 status = ETHOSU_RPMSG_STATUS_ERROR;
	u64 t = 0, off = 0;
	u8 *in = NULL;
	void *p;
	u32 i;

	if (emu_net_info_get(ss, &req->network, info))
		return status;
	if (req->ifm_count != info->ifm_count || req->ofm_count != info->ofm_count)
		return status;
	if (!emu_buffers_fit(ss, req->ifm, info->ifm_size, info->ifm_count) ||
	    !emu_buffers_fit(ss, req->ofm, info->ofm_size, info->ofm_count))
		return status;

	for (i = 0; i < info->ifm_count; i++)
		t += info->ifm_size[i];
	if (t) {
		in = kvmalloc(t, GFP_KERNEL | __GFP_NOWARN);
		if (!in)
			return status;
	}

	/* Snapshot the inputs first: an OFM may share memory with an IFM. */
	for (i = 0; i < info->ifm_count; i++) {
		if (!info->ifm_size[i])
			continue;
		p = emu_mem_map(ss, req->ifm[i].ptr, info->ifm_size[i]);
		if (!p)
			goto out;
		memcpy(in + off, p, info->ifm_size[i]);
		emu_mem_unmap(ss, p);
		off += info->ifm_size[i];
	}

	for (i = 0; i < info->ofm_count; i++) {
		if (!info->ofm_size[i])
			continue;
		p = emu_mem_map(ss, req->ofm[i].ptr, info->ofm_size[i]);
		if (!p)
			goto out;
		emu_fill_ofm(p, info->ofm_size[i], in, t, i);
		emu_mem_unmap(ss, p);
	}

	*total = t;
	status = ETHOSU_RPMSG_STATUS_OK;
out:
	kvfree(in);
	return status;
}

/* Writes the model's OFMs into the request's buffers; ERROR if one cannot be mapped. */
static u32 emu_model_write(struct emu_subsys *ss, const struct ethosu_rpmsg_inference_req *req,
			   const struct emu_model_out *mo)
{
	u64 off = 0;
	void *p;
	u32 i;

	if (mo->status != ETHOSU_RPMSG_STATUS_OK)
		return mo->status;
	for (i = 0; i < mo->ofm_count; i++) {
		if (!mo->ofm_size[i])
			continue;
		p = emu_mem_map(ss, req->ofm[i].ptr, mo->ofm_size[i]);
		if (!p)
			return ETHOSU_RPMSG_STATUS_ERROR;
		memcpy(p, mo->ofm + off, mo->ofm_size[i]);
		emu_mem_unmap(ss, p);
		off += mo->ofm_size[i];
	}
	return ETHOSU_RPMSG_STATUS_OK;
}

/* PMU counts of a model-path inference: estimated cycles, MAC cycles; other events 0. */
static void emu_model_pmu(struct emu_subsys *ss, const struct ethosu_rpmsg_inference_req *req,
			  const struct emu_model_out *mo, struct ethosu_rpmsg_inference_rsp *rsp)
{
	unsigned int i;
	u8 e;

	for (i = 0; i < ss->npu->pmu_counters && i < ETHOSU_RPMSG_PMU_MAX; i++) {
		e = req->pmu_event_config[i];
		if (e == EMU_PMU_CYCLE || e == EMU_PMU_NPU_ACTIVE)
			rsp->pmu_event_count[i] = mo->cycles;
		else if (e == EMU_PMU_MAC_ACTIVE)
			rsp->pmu_event_count[i] = mo->mac_cycles;
	}
	if (req->pmu_cycle_counter_enable)
		rsp->pmu_cycle_counter_count = mo->cycles;
}

static void emu_inf_complete(struct emu_subsys *ss, const struct emu_inference *inf)
{
	const struct ethosu_rpmsg_inference_req *req = &inf->req;
	struct ethosu_rpmsg_inference_rsp *rsp;
	struct emu_net_info *info;
	unsigned long flags;
	u64 total = 0, out_bytes = 0;
	u32 status;
	unsigned int i;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	status = emu_take_injected_status(ss, true);
	if (status == ETHOSU_RPMSG_STATUS_OK && inf->model.used)
		status = emu_model_write(ss, req, &inf->model);
	else if (status == ETHOSU_RPMSG_STATUS_OK)
		status = info ? emu_inf_exec(ss, req, info, &total) : ETHOSU_RPMSG_STATUS_ERROR;

	spin_lock_irqsave(&ss->lock, flags);
	if (status == ETHOSU_RPMSG_STATUS_OK)
		ss->stats.inf_ok++;
	else if (status == ETHOSU_RPMSG_STATUS_REJECTED)
		ss->stats.inf_rejected++;
	else
		ss->stats.inf_error++;
	spin_unlock_irqrestore(&ss->lock, flags);

	if (status != ETHOSU_RPMSG_STATUS_OK) {
		kfree(info);
		emu_inf_send_status(ss, &inf->to, inf->msg_id, status);
		return;
	}

	rsp = &emu_tx_begin(ss)->inf_rsp;
	rsp->status = status;
	memcpy(rsp->pmu_event_config, req->pmu_event_config, sizeof(rsp->pmu_event_config));
	rsp->pmu_cycle_counter_enable = req->pmu_cycle_counter_enable;
	if (inf->model.used) {
		rsp->ofm_count = inf->model.ofm_count;
		memcpy(rsp->ofm_size, inf->model.ofm_size, sizeof(rsp->ofm_size));
		emu_model_pmu(ss, req, &inf->model, rsp);
		kfree(info);
		emu_tx_send(ss, &inf->to, ETHOSU_RPMSG_INFERENCE_RSP, inf->msg_id, sizeof(*rsp));
		return;
	}
	rsp->ofm_count = info->ofm_count;
	for (i = 0; i < info->ofm_count; i++) {
		rsp->ofm_size[i] = info->ofm_size[i];
		out_bytes += info->ofm_size[i];
	}
	for (i = 0; i < ss->npu->pmu_counters && i < ETHOSU_RPMSG_PMU_MAX; i++)
		if (req->pmu_event_config[i])
			rsp->pmu_event_count[i] =
				EMU_PMU_EVENT_SCALE * req->pmu_event_config[i] + i + total;
	if (req->pmu_cycle_counter_enable)
		rsp->pmu_cycle_counter_count = EMU_CYCLES_BASE + total + out_bytes;
	kfree(info);
	emu_tx_send(ss, &inf->to, ETHOSU_RPMSG_INFERENCE_RSP, inf->msg_id, sizeof(*rsp));
}

void emu_inf_work(struct work_struct *work)
{
	struct emu_subsys *ss = container_of(to_delayed_work(work), struct emu_subsys, inf_work);
	struct emu_inference *inf, *next;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->stalled) {
		/* Finish it when the stall ends. */
		ss->inf_blocked = !!ss->active;
		spin_unlock_irqrestore(&ss->lock, flags);
		return;
	}
	inf = ss->active;
	ss->active = NULL;
	spin_unlock_irqrestore(&ss->lock, flags);

	if (inf) {
		emu_inf_complete(ss, inf);
		emu_inf_free(inf);
	}

	spin_lock_irqsave(&ss->lock, flags);
	next = list_first_entry_or_null(&ss->waiting, struct emu_inference, node);
	if (!ss->active && next) {
		list_del(&next->node);
		ss->n_waiting--;
		emu_inf_start(ss, next);
	}
	spin_unlock_irqrestore(&ss->lock, flags);
}
