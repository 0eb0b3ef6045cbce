// SPDX-License-Identifier: GPL-2.0-only
/* NETWORK_INFO: ask the firmware what a network's inputs and outputs are. */

#include <linux/errno.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ethosu_device.h"
#include "ethosu_network.h"
#include "ethosu_network_info.h"

#define ETHOSU_NETWORK_INFO_TIMEOUT_MS 3000

struct ethosu_network_info {
	struct ethosu_mailbox_call call;
	struct ethosu_uapi_network_info *info;
};

/* Runs in the rx path with the device lock held; the waiter is still asleep or about to look. */
static void ethosu_network_info_rsp(struct ethosu_mailbox_msg *msg,
				    const struct ethosu_rpmsg *rpmsg)
{
	struct ethosu_network_info *ni = container_of(msg, struct ethosu_network_info, call.msg);
	const struct ethosu_rpmsg_network_info_rsp *rsp = &rpmsg->net_info_rsp;
	struct ethosu_uapi_network_info *info = ni->info;
	int err = 0;

	if (rsp->status != ETHOSU_RPMSG_STATUS_OK)
		err = -EBADF;
	else if (rsp->ifm_count > ETHOSU_FD_MAX || rsp->ofm_count > ETHOSU_FD_MAX)
		err = -ENFILE;
	else if (strnlen(rsp->desc, sizeof(rsp->desc)) == sizeof(rsp->desc))
		err = -EMSGSIZE;

	if (!err) {
		memcpy(info->desc, rsp->desc, sizeof(info->desc));
		info->ifm_count = rsp->ifm_count;
		memcpy(info->ifm_size, rsp->ifm_size, rsp->ifm_count * sizeof(info->ifm_size[0]));
		info->ofm_count = rsp->ofm_count;
		memcpy(info->ofm_size, rsp->ofm_size, rsp->ofm_count * sizeof(info->ofm_size[0]));
	}

	ethosu_mailbox_call_complete(&ni->call, err);
}

static const struct ethosu_mailbox_msg_ops ethosu_network_info_ops = {
	.rsp = ethosu_network_info_rsp,
	.fail = ethosu_mailbox_call_fail,
};

/* Called with the device lock held (dropped while waiting). */
static int ethosu_network_info_request(struct ethosu_network *net,
				       struct ethosu_uapi_network_info *info)
{
	struct ethosu_network_info ni = { .info = info };
	struct ethosu_rpmsg req = {};

	memset(info, 0, sizeof(*info));
	ethosu_network_to_rpmsg(net, &req.net_info_req.network);

	return ethosu_mailbox_call(&net->edev->mailbox, &ni.call, ETHOSU_RPMSG_NETWORK_INFO_REQ,
				   &ethosu_network_info_ops, &req, sizeof(req.net_info_req),
				   ETHOSU_NETWORK_INFO_TIMEOUT_MS);
}

long ethosu_network_info_ioctl(struct ethosu_network *net, void __user *udata)
{
	struct ethosu_uapi_network_info info;
	int ret;

	ret = ethosu_device_lock(net->edev);
	if (ret)
		return ret;

	ret = ethosu_network_info_request(net, &info);
	mutex_unlock(&net->edev->mutex);
	if (ret)
		return ret;

	if (copy_to_user(udata, &info, sizeof(info)))
		return -EFAULT;

	return 0;
}
