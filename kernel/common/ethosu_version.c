// SPDX-License-Identifier: GPL-2.0-only
/* Versions: the firmware's wire protocol (checked at probe) and this driver's UAPI version. */

#include <linux/errno.h>
#include <linux/uaccess.h>

#include "ethosu_device.h"
#include "ethosu_version.h"

#define ETHOSU_VERSION_TIMEOUT_MS 2000

struct ethosu_version {
	struct ethosu_mailbox_call call;
	struct ethosu_rpmsg_version_rsp rsp;
};

static void ethosu_version_rsp(struct ethosu_mailbox_msg *msg, const struct ethosu_rpmsg *rpmsg)
{
	struct ethosu_version *ver = container_of(msg, struct ethosu_version, call.msg);

	ver->rsp = rpmsg->version_rsp;
	ethosu_mailbox_call_complete(&ver->call, 0);
}

static const struct ethosu_mailbox_msg_ops ethosu_version_ops = {
	.rsp = ethosu_version_rsp,
	.fail = ethosu_mailbox_call_fail,
};

/* Probe time: the firmware must speak protocol 0.2.x (the patch level does not matter). */
int ethosu_version_check(struct ethosu_device *edev)
{
	struct ethosu_version ver = {};
	struct ethosu_rpmsg req = {};
	int ret;

	mutex_lock(&edev->mutex);
	ret = ethosu_mailbox_call(&edev->mailbox, &ver.call, ETHOSU_RPMSG_VERSION_REQ,
				  &ethosu_version_ops, &req, 0, ETHOSU_VERSION_TIMEOUT_MS);
	mutex_unlock(&edev->mutex);

	if (ret) {
		dev_err(&edev->dev, "protocol version request failed: %d\n", ret);
		return ret;
	}

	if (ver.rsp.major != ETHOSU_RPMSG_VERSION_MAJOR ||
	    ver.rsp.minor != ETHOSU_RPMSG_VERSION_MINOR) {
		dev_err(&edev->dev, "firmware speaks protocol %u.%u.%u, need %u.%u.x\n",
			ver.rsp.major, ver.rsp.minor, ver.rsp.patch, ETHOSU_RPMSG_VERSION_MAJOR,
			ETHOSU_RPMSG_VERSION_MINOR);
		return -EPROTO;
	}

	return 0;
}

long ethosu_version_driver_ioctl(struct ethosu_device *edev, void __user *udata)
{
	const struct ethosu_uapi_kernel_driver_version ver = {
		.major = ETHOSU_KERNEL_DRIVER_VERSION_MAJOR,
		.minor = ETHOSU_KERNEL_DRIVER_VERSION_MINOR,
		.patch = ETHOSU_KERNEL_DRIVER_VERSION_PATCH,
	};

	if (!READ_ONCE(edev->rpdev))
		return -ENODEV;

	if (copy_to_user(udata, &ver, sizeof(ver)))
		return -EFAULT;

	return 0;
}
