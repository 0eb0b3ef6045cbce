// SPDX-License-Identifier: GPL-2.0-only
/*
 * The firmware's message handler: validates each host message as the upstream reference firmware
 * does, answers the control messages, queues inferences and handles cancel. Everything here runs
 * on the subsystem's ordered workqueue; answers leave through the transport's deliver().
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "emu.h"

/* The Cortex-M core driver version the emulated firmware reports. */
#define EMU_CORE_DRIVER_MAJOR 0
#define EMU_CORE_DRIVER_MINOR 16
#define EMU_CORE_DRIVER_PATCH 0

#define EMU_CORRUPT_TYPE_VALUE 99
#define EMU_CORRUPT_MSG_ID_DELTA 1000

struct ethosu_rpmsg *emu_tx_begin(struct emu_subsys *ss)
{
	memset(&ss->tx, 0, sizeof(ss->tx));
	return &ss->tx;
}

/* Sends ss->tx with a header; drop and corrupt injections apply to every message sent. */
void emu_tx_send(struct emu_subsys *ss, const struct emu_reply *to, u32 type, u64 msg_id,
		 size_t payload_len)
{
	struct ethosu_rpmsg *msg = &ss->tx;
	size_t len = sizeof(msg->header) + payload_len;
	enum emu_corrupt corrupt;
	unsigned long flags;
	int ret;

	msg->header.magic = ETHOSU_RPMSG_MAGIC;
	msg->header.type = type;
	msg->header.msg_id = msg_id;

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->drop) {
		ss->drop--;
		ss->stats.tx_dropped++;
		spin_unlock_irqrestore(&ss->lock, flags);
		return;
	}
	corrupt = ss->corrupt;
	ss->corrupt = EMU_CORRUPT_NONE;
	spin_unlock_irqrestore(&ss->lock, flags);

	switch (corrupt) {
	case EMU_CORRUPT_MAGIC:
		msg->header.magic = ~ETHOSU_RPMSG_MAGIC;
		break;
	case EMU_CORRUPT_SIZE:
		len -= 4;
		break;
	case EMU_CORRUPT_TYPE:
		msg->header.type = EMU_CORRUPT_TYPE_VALUE;
		break;
	case EMU_CORRUPT_MSG_ID:
		msg->header.msg_id += EMU_CORRUPT_MSG_ID_DELTA;
		break;
	case EMU_CORRUPT_NONE:
		break;
	}

	ret = ss->ops->deliver(ss, to, msg, len);
	spin_lock_irqsave(&ss->lock, flags);
	if (ret)
		ss->stats.tx_dropped++;
	else
		ss->stats.tx_delivered++;
	spin_unlock_irqrestore(&ss->lock, flags);
}

static __printf(4, 5) void emu_send_err(struct emu_subsys *ss, const struct emu_reply *to,
					u32 err_type, const char *fmt, ...)
{
	struct ethosu_rpmsg *msg = emu_tx_begin(ss);
	va_list args;

	msg->error.type = err_type;
	va_start(args, fmt);
	vsnprintf(msg->error.msg, sizeof(msg->error.msg), fmt, args);
	va_end(args);
	emu_tx_send(ss, to, ETHOSU_RPMSG_ERR, 0, sizeof(msg->error));
}

static void emu_send_version(struct emu_subsys *ss, const struct emu_reply *to, u64 msg_id)
{
	struct ethosu_rpmsg *msg = emu_tx_begin(ss);

	msg->version_rsp.major = ETHOSU_RPMSG_VERSION_MAJOR;
	msg->version_rsp.minor = ETHOSU_RPMSG_VERSION_MINOR;
	msg->version_rsp.patch = ETHOSU_RPMSG_VERSION_PATCH;
	emu_tx_send(ss, to, ETHOSU_RPMSG_VERSION_RSP, msg_id, sizeof(msg->version_rsp));
}

static void emu_send_capabilities(struct emu_subsys *ss, const struct emu_reply *to, u64 msg_id)
{
	struct ethosu_rpmsg *msg = emu_tx_begin(ss);
	struct ethosu_rpmsg_capabilities_rsp *cap = &msg->cap_rsp;
	const struct emu_npu *npu = ss->npu;

	cap->version_status = EMU_ID_VERSION_STATUS(npu->id);
	cap->version_minor = EMU_ID_VERSION_MINOR(npu->id);
	cap->version_major = EMU_ID_VERSION_MAJOR(npu->id);
	cap->product_major = EMU_ID_PRODUCT_MAJOR(npu->id);
	cap->arch_patch_rev = EMU_ID_ARCH_PATCH(npu->id);
	cap->arch_minor_rev = EMU_ID_ARCH_MINOR(npu->id);
	cap->arch_major_rev = EMU_ID_ARCH_MAJOR(npu->id);
	cap->driver_patch_rev = EMU_CORE_DRIVER_PATCH;
	cap->driver_minor_rev = EMU_CORE_DRIVER_MINOR;
	cap->driver_major_rev = EMU_CORE_DRIVER_MAJOR;
	cap->macs_per_cc = EMU_CONFIG_MACS_PER_CC(npu->config);
	cap->cmd_stream_version = EMU_CONFIG_CMD_STREAM_VERSION(npu->config);
	cap->custom_dma = 0;
	emu_tx_send(ss, to, ETHOSU_RPMSG_CAPABILITIES_RSP, msg_id, sizeof(*cap));
}

static void emu_handle_network_info(struct emu_subsys *ss, const struct emu_reply *to,
				    u64 msg_id, const struct ethosu_rpmsg_network_info_req *req)
{
	struct ethosu_rpmsg_network_info_rsp *rsp;
	struct emu_net_info *info;
	u32 status;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	status = emu_take_injected_status(ss, false);
	if (status == ETHOSU_RPMSG_STATUS_OK &&
	    (!info || emu_net_info_get(ss, &req->network, info)))
		status = ETHOSU_RPMSG_STATUS_ERROR;

	rsp = &emu_tx_begin(ss)->net_info_rsp;
	rsp->status = status;
	if (status == ETHOSU_RPMSG_STATUS_OK) {
		memcpy(rsp->desc, info->desc, sizeof(rsp->desc));
		rsp->ifm_count = info->ifm_count;
		memcpy(rsp->ifm_size, info->ifm_size, sizeof(rsp->ifm_size));
		rsp->ofm_count = info->ofm_count;
		memcpy(rsp->ofm_size, info->ofm_size, sizeof(rsp->ofm_size));
	}
	kfree(info);
	emu_tx_send(ss, to, ETHOSU_RPMSG_NETWORK_INFO_RSP, msg_id, sizeof(*rsp));
}

static void emu_handle_inference(struct emu_subsys *ss, const struct emu_reply *to, u64 msg_id,
				 const struct ethosu_rpmsg_inference_req *req)
{
	struct emu_inference *inf;
	unsigned long flags;

	inf = kzalloc(sizeof(*inf), GFP_KERNEL);
	if (!inf) {
		spin_lock_irqsave(&ss->lock, flags);
		ss->stats.inf_error++;
		spin_unlock_irqrestore(&ss->lock, flags);
		emu_inf_send_status(ss, to, msg_id, ETHOSU_RPMSG_STATUS_ERROR);
		return;
	}
	inf->to = *to;
	inf->msg_id = msg_id;
	inf->req = *req;
	emu_inf_queue(ss, inf);
}

static void emu_handle_cancel(struct emu_subsys *ss, const struct emu_reply *to, u64 msg_id,
			      const struct ethosu_rpmsg_cancel_inference_req *req)
{
	u32 status = ETHOSU_RPMSG_STATUS_OK;
	struct emu_inference *inf, *found = NULL;
	struct ethosu_rpmsg *msg;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->refuse_cancel) {
		/* Refused like a firmware that cannot stop it: the inference runs on */
		ss->refuse_cancel--;
		status = ETHOSU_RPMSG_STATUS_ERROR;
		goto unlock;
	}
	list_for_each_entry(inf, &ss->waiting, node) {
		if (inf->msg_id == req->inference_handle) {
			list_del(&inf->node);
			ss->n_waiting--;
			ss->stats.inf_aborted++;
			found = inf;
			break;
		}
	}
unlock:
	spin_unlock_irqrestore(&ss->lock, flags);

	if (found) {
		emu_inf_send_status(ss, &found->to, found->msg_id, ETHOSU_RPMSG_STATUS_ABORTED);
		emu_inf_free(found);
	}

	msg = emu_tx_begin(ss);
	msg->cancel_rsp.status = status;
	emu_tx_send(ss, to, ETHOSU_RPMSG_CANCEL_INFERENCE_RSP, msg_id, sizeof(msg->cancel_rsp));
}

/* Payload length each request type must have; -1 for types the firmware does not accept. */
static int emu_request_len(u32 type)
{
	switch (type) {
	case ETHOSU_RPMSG_PING:
	case ETHOSU_RPMSG_PONG:
	case ETHOSU_RPMSG_VERSION_REQ:
	case ETHOSU_RPMSG_CAPABILITIES_REQ:
		return 0;
	case ETHOSU_RPMSG_INFERENCE_REQ:
		return sizeof(struct ethosu_rpmsg_inference_req);
	case ETHOSU_RPMSG_NETWORK_INFO_REQ:
		return sizeof(struct ethosu_rpmsg_network_info_req);
	case ETHOSU_RPMSG_CANCEL_INFERENCE_REQ:
		return sizeof(struct ethosu_rpmsg_cancel_inference_req);
	default:
		return -1;
	}
}

static void emu_handle(struct emu_subsys *ss, const struct emu_slot *m)
{
	const struct ethosu_rpmsg *msg = (const struct ethosu_rpmsg *)m->data;
	const struct emu_reply to = { .gen = m->gen, .addr = m->src };
	size_t payload_len;
	u64 msg_id;
	u32 type;
	int want;

	if (m->len < sizeof(msg->header)) {
		emu_send_err(ss, &to, ETHOSU_RPMSG_ERR_INVALID_SIZE,
			     "message of %u bytes is shorter than its header", m->len);
		return;
	}
	if (msg->header.magic != ETHOSU_RPMSG_MAGIC) {
		emu_send_err(ss, &to, ETHOSU_RPMSG_ERR_INVALID_MAGIC, "invalid magic 0x%08x",
			     msg->header.magic);
		return;
	}

	type = msg->header.type;
	msg_id = msg->header.msg_id;
	payload_len = m->len - sizeof(msg->header);
	want = emu_request_len(type);
	if (want < 0) {
		emu_send_err(ss, &to, ETHOSU_RPMSG_ERR_UNSUPPORTED_TYPE,
			     "unsupported message type %u", type);
		return;
	}
	if (payload_len != want) {
		emu_send_err(ss, &to, ETHOSU_RPMSG_ERR_INVALID_PAYLOAD,
			     "type %u: payload of %zu bytes, expected %d", type, payload_len, want);
		return;
	}

	switch (type) {
	case ETHOSU_RPMSG_PING:
		emu_tx_begin(ss);
		emu_tx_send(ss, &to, ETHOSU_RPMSG_PONG, msg_id, 0);
		break;
	case ETHOSU_RPMSG_PONG:
		break;
	case ETHOSU_RPMSG_VERSION_REQ:
		emu_send_version(ss, &to, msg_id);
		break;
	case ETHOSU_RPMSG_CAPABILITIES_REQ:
		emu_send_capabilities(ss, &to, msg_id);
		break;
	case ETHOSU_RPMSG_NETWORK_INFO_REQ:
		emu_handle_network_info(ss, &to, msg_id, &msg->net_info_req);
		break;
	case ETHOSU_RPMSG_INFERENCE_REQ:
		emu_handle_inference(ss, &to, msg_id, &msg->inf_req);
		break;
	case ETHOSU_RPMSG_CANCEL_INFERENCE_REQ:
		emu_handle_cancel(ss, &to, msg_id, &msg->cancel_req);
		break;
	}
}

void emu_rx_work(struct work_struct *work)
{
	struct emu_subsys *ss = container_of(work, struct emu_subsys, rx_work);

	while (emu_ring_take(ss, &ss->rx_msg)) {
		emu_handle(ss, &ss->rx_msg);
		cond_resched();
	}
}

/* Sends the ERR messages the send_err fault file asked for. */
void emu_err_work(struct work_struct *work)
{
	struct emu_subsys *ss = container_of(work, struct emu_subsys, err_work);
	struct emu_reply to;
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&ss->lock, flags);
	n = ss->send_err;
	ss->send_err = 0;
	to = ss->last_sender;
	if (to.gen != ss->gen)
		to = (struct emu_reply){ .gen = ss->gen, .addr = RPMSG_ADDR_ANY };
	spin_unlock_irqrestore(&ss->lock, flags);

	while (n--)
		emu_send_err(ss, &to, ETHOSU_RPMSG_ERR_GENERIC, "injected fault");
}
