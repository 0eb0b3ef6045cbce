// SPDX-License-Identifier: GPL-2.0-only
/* Building and validating ethos-u rpmsg messages (wire protocol 0.2.0). */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "ethosu_rpmsg_msg.h"

void ethosu_rpmsg_header_init(struct ethosu_rpmsg_header *hdr, u32 type, u64 msg_id)
{
	hdr->magic = ETHOSU_RPMSG_MAGIC;
	hdr->type = type;
	hdr->msg_id = msg_id;
}

/* The response type a request is answered with, or 0 for requests with no response. */
u32 ethosu_rpmsg_rsp_type(u32 req_type)
{
	switch (req_type) {
	case ETHOSU_RPMSG_INFERENCE_REQ:
		return ETHOSU_RPMSG_INFERENCE_RSP;
	case ETHOSU_RPMSG_VERSION_REQ:
		return ETHOSU_RPMSG_VERSION_RSP;
	case ETHOSU_RPMSG_CAPABILITIES_REQ:
		return ETHOSU_RPMSG_CAPABILITIES_RSP;
	case ETHOSU_RPMSG_NETWORK_INFO_REQ:
		return ETHOSU_RPMSG_NETWORK_INFO_RSP;
	case ETHOSU_RPMSG_CANCEL_INFERENCE_REQ:
		return ETHOSU_RPMSG_CANCEL_INFERENCE_RSP;
	default:
		return 0;
	}
}

/* Exact payload size of each type the firmware may send us; -1 for the others. */
static int ethosu_rpmsg_rx_payload_size(u32 type)
{
	switch (type) {
	case ETHOSU_RPMSG_ERR:
		return sizeof(struct ethosu_rpmsg_err);
	case ETHOSU_RPMSG_PING:
	case ETHOSU_RPMSG_PONG:
		return 0;
	case ETHOSU_RPMSG_INFERENCE_RSP:
		return sizeof(struct ethosu_rpmsg_inference_rsp);
	case ETHOSU_RPMSG_VERSION_RSP:
		return sizeof(struct ethosu_rpmsg_version_rsp);
	case ETHOSU_RPMSG_CAPABILITIES_RSP:
		return sizeof(struct ethosu_rpmsg_capabilities_rsp);
	case ETHOSU_RPMSG_NETWORK_INFO_RSP:
		return sizeof(struct ethosu_rpmsg_network_info_rsp);
	case ETHOSU_RPMSG_CANCEL_INFERENCE_RSP:
		return sizeof(struct ethosu_rpmsg_cancel_inference_rsp);
	default:
		return -1;
	}
}

/*
 * Checks a received message in protocol order (magic, payload size for its type, type) and
 * copies it into @rpmsg, which the transport buffer may not be aligned for.
 * Returns 0, or -EBADMSG / -EPROTO for a message to drop.
 */
int ethosu_rpmsg_validate(struct device *dev, const void *data, int len,
			  struct ethosu_rpmsg *rpmsg)
{
	const size_t hdr_len = sizeof(struct ethosu_rpmsg_header);
	struct ethosu_rpmsg_header hdr;
	int payload;

	if (len < 0 || (size_t)len < hdr_len) {
		dev_warn_ratelimited(dev, "rx: dropping a %d-byte message, shorter than a header\n",
				     len);
		return -EBADMSG;
	}
	memcpy(&hdr, data, hdr_len);

	if (hdr.magic != ETHOSU_RPMSG_MAGIC) {
		dev_warn_ratelimited(dev, "rx: dropping a message with bad magic 0x%08x\n",
				     hdr.magic);
		return -EBADMSG;
	}

	payload = ethosu_rpmsg_rx_payload_size(hdr.type);
	if (payload >= 0 && (size_t)len - hdr_len != payload) {
		dev_warn_ratelimited(dev, "rx: dropping type %u with a %zu-byte payload (want %d)\n",
				     hdr.type, (size_t)len - hdr_len, payload);
		return -EBADMSG;
	}

	if (payload < 0) {
		dev_warn_ratelimited(dev, "rx: dropping a message of unexpected type %u\n",
				     hdr.type);
		return -EPROTO;
	}

	memset(rpmsg, 0, sizeof(*rpmsg));
	memcpy(rpmsg, data, len);

	return 0;
}
