// SPDX-License-Identifier: GPL-2.0-only
/* The NPU's capabilities: fetched from the firmware once at probe, then served from the cache. */

#include <linux/errno.h>
#include <linux/uaccess.h>

#include "ethosu_capabilities.h"
#include "ethosu_device.h"

#define ETHOSU_CAPABILITIES_TIMEOUT_MS 2000

struct ethosu_capabilities {
	struct ethosu_mailbox_call call;
	struct ethosu_uapi_device_capabilities uapi;
};

static void ethosu_capabilities_rsp(struct ethosu_mailbox_msg *msg,
				    const struct ethosu_rpmsg *rpmsg)
{
	struct ethosu_capabilities *caps =
		container_of(msg, struct ethosu_capabilities, call.msg);
	const struct ethosu_rpmsg_capabilities_rsp *rsp = &rpmsg->cap_rsp;
	struct ethosu_uapi_device_capabilities *uapi = &caps->uapi;

	uapi->hw_id.version_status = rsp->version_status;
	uapi->hw_id.version_minor = rsp->version_minor;
	uapi->hw_id.version_major = rsp->version_major;
	uapi->hw_id.product_major = rsp->product_major;
	uapi->hw_id.arch_patch_rev = rsp->arch_patch_rev;
	uapi->hw_id.arch_minor_rev = rsp->arch_minor_rev;
	uapi->hw_id.arch_major_rev = rsp->arch_major_rev;
	uapi->hw_cfg.macs_per_cc = rsp->macs_per_cc;
	uapi->hw_cfg.cmd_stream_version = rsp->cmd_stream_version;
	uapi->hw_cfg.custom_dma = rsp->custom_dma;
	/* Behind rpmsg there is always a Cortex-M subsystem driving the NPU */
	uapi->hw_cfg.type = ETHOSU_UAPI_DEVICE_SUBSYSTEM;
	/* The firmware's NPU driver version, not ours */
	uapi->driver_patch_rev = rsp->driver_patch_rev;
	uapi->driver_minor_rev = rsp->driver_minor_rev;
	uapi->driver_major_rev = rsp->driver_major_rev;

	ethosu_mailbox_call_complete(&caps->call, 0);
}

static const struct ethosu_mailbox_msg_ops ethosu_capabilities_ops = {
	.rsp = ethosu_capabilities_rsp,
	.fail = ethosu_mailbox_call_fail,
};

/* Probe time: asks the firmware and caches the answer in edev->capabilities. */
int ethosu_capabilities_fetch(struct ethosu_device *edev)
{
	struct ethosu_capabilities caps = {};
	struct ethosu_rpmsg req = {};
	int ret;

	mutex_lock(&edev->mutex);
	ret = ethosu_mailbox_call(&edev->mailbox, &caps.call, ETHOSU_RPMSG_CAPABILITIES_REQ,
				  &ethosu_capabilities_ops, &req, 0,
				  ETHOSU_CAPABILITIES_TIMEOUT_MS);
	if (!ret)
		edev->capabilities = caps.uapi;
	mutex_unlock(&edev->mutex);

	if (ret)
		dev_err(&edev->dev, "capabilities request failed: %d\n", ret);

	return ret;
}

/* CAPABILITIES_REQ needs no lock: the cache never changes after probe. */
long ethosu_capabilities_ioctl(struct ethosu_device *edev, void __user *udata)
{
	if (!READ_ONCE(edev->rpdev))
		return -ENODEV;

	if (copy_to_user(udata, &edev->capabilities, sizeof(edev->capabilities)))
		return -EFAULT;

	return 0;
}
