// SPDX-License-Identifier: GPL-2.0-only
/*
 * INFERENCE_CANCEL: ask the firmware to drop a running inference. The inference fd only polls
 * readable once the firmware answers the inference itself, or the subsystem fails: until then
 * the inference holds its buffers, which the firmware may still write (see the UAPI header).
 */

#include <linux/device.h>
#include <linux/errno.h>

#include "ethosu_cancel_inference.h"
#include "ethosu_device.h"
#include "ethosu_inference.h"
#include "../rpmsg/ethosu_rpmsg_driver.h"

#define ETHOSU_CANCEL_INFERENCE_TIMEOUT_MS 2000

struct ethosu_cancel_inference {
	struct ethosu_mailbox_call call;
	enum ethosu_uapi_status status;
};

static void ethosu_cancel_inference_rsp(struct ethosu_mailbox_msg *msg,
					const struct ethosu_rpmsg *rpmsg)
{
	struct ethosu_cancel_inference *ci =
		container_of(msg, struct ethosu_cancel_inference, call.msg);

	if (rpmsg->cancel_rsp.status == ETHOSU_RPMSG_STATUS_OK)
		ci->status = ETHOSU_UAPI_STATUS_OK;
	else
		ci->status = ETHOSU_UAPI_STATUS_ERROR;

	ethosu_mailbox_call_complete(&ci->call, 0);
}

static const struct ethosu_mailbox_msg_ops ethosu_cancel_inference_ops = {
	.rsp = ethosu_cancel_inference_rsp,
	.fail = ethosu_mailbox_call_fail,
};

/* Called with the device lock held (dropped while waiting). */
int ethosu_cancel_inference(struct ethosu_inference *inf,
			    struct ethosu_uapi_cancel_inference_status *st)
{
	struct ethosu_cancel_inference ci = { .status = ETHOSU_UAPI_STATUS_ERROR };
	enum ethosu_uapi_status prev = inf->status;
	struct ethosu_device *edev = inf->edev;
	struct ethosu_rpmsg req = {};
	int ret;

	/* Nothing left to cancel: 0 with ERROR, which the library reports as "not cancelled" */
	if (inf->done) {
		st->status = ETHOSU_UAPI_STATUS_ERROR;
		return 0;
	}

	inf->status = ETHOSU_UAPI_STATUS_ABORTING;
	req.cancel_req.inference_handle = inf->msg.id;
	ret = ethosu_mailbox_call(&edev->mailbox, &ci.call, ETHOSU_RPMSG_CANCEL_INFERENCE_REQ,
				  &ethosu_cancel_inference_ops, &req, sizeof(req.cancel_req),
				  ETHOSU_CANCEL_INFERENCE_TIMEOUT_MS);
	switch (ret) {
	case 0:
		st->status = ci.status;
		if (ci.status == ETHOSU_UAPI_STATUS_OK)
			inf->status = ETHOSU_UAPI_STATUS_ABORTED;
		else if (!inf->done)
			/* Refused: it runs on and ends with the firmware's own result */
			inf->status = prev;
		return 0;
	case -ETIME:
		/* A firmware that cannot answer a cancel is hung: restart it */
		dev_warn(&edev->dev, "cancelling an inference timed out\n");
		ethosu_rpmsg_request_recovery(edev);
		return -EIO;
	case -EFAULT:
		/* The subsystem failed while we waited; its removal also ends the inference */
		ethosu_rpmsg_request_recovery(edev);
		return -EFAULT;
	default:
		/* The request never left (signal, no memory): the inference runs on */
		if (!inf->done && inf->status == ETHOSU_UAPI_STATUS_ABORTING)
			inf->status = prev;
		return ret;
	}
}
