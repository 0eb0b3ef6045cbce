// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rpmsg driver: binds one ethosu device to each "ethos-u-0.0" endpoint (one per subsystem),
 * receives the firmware's messages and asks for a firmware restart when it misbehaves.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/remoteproc.h>
#include <linux/rpmsg.h>
#include <linux/string.h>

#include "ethosu_recovery.h"
#include "ethosu_rpmsg_driver.h"
#include "ethosu_rpmsg_msg.h"
#include "../common/ethosu_capabilities.h"
#include "../common/ethosu_device.h"
#include "../common/ethosu_version.h"

/* The transport's recovery hook, or NULL if its platform_data is anything else. */
static const struct ethosu_recovery_ops *ethosu_rpmsg_recovery_ops(struct rpmsg_device *rpdev)
{
	const struct ethosu_recovery_ops *ops = dev_get_platdata(&rpdev->dev);

	if (!ops || ops->magic != ETHOSU_RECOVERY_MAGIC || ops->rpdev_ops != rpdev->ops ||
	    !ops->request_recovery)
		return NULL;

	return ops;
}

/*
 * Restarts the firmware: through remoteproc recovery when the subsystem is a remoteproc, else
 * through the transport's recovery hook. Both only schedule the restart, which removes and
 * re-adds the rpmsg device, so this is safe from the rx path. Called with the device lock held;
 * asks once per binding.
 */
void ethosu_rpmsg_request_recovery(struct ethosu_device *edev)
{
	struct rpmsg_device *rpdev = edev->rpdev;
	const struct ethosu_recovery_ops *ops;

	lockdep_assert_held(&edev->mutex);

	if (!rpdev || edev->recovery_requested)
		return;
	edev->recovery_requested = true;

	if (IS_ENABLED(CONFIG_REMOTEPROC)) {
		struct rproc *rproc = rproc_get_by_child(&rpdev->dev);

		if (rproc) {
			dev_warn(&edev->dev, "reporting a firmware crash to remoteproc\n");
			rproc_report_crash(rproc, RPROC_FATAL_ERROR);
			return;
		}
	}

	ops = ethosu_rpmsg_recovery_ops(rpdev);
	if (ops) {
		dev_warn(&edev->dev, "requesting a firmware restart\n");
		ops->request_recovery(&rpdev->dev);
		return;
	}

	dev_err(&edev->dev, "the firmware needs a restart, but nothing can restart it\n");
}

static void ethosu_rpmsg_firmware_error(struct ethosu_device *edev,
					const struct ethosu_rpmsg_err *err)
{
	dev_err_ratelimited(&edev->dev, "firmware error %u: %.*s\n", err->type,
			    (int)strnlen(err->msg, sizeof(err->msg)), err->msg);
	ethosu_rpmsg_request_recovery(edev);
}

/* A validated message; the device lock is held. */
static void ethosu_rpmsg_dispatch(struct ethosu_device *edev, const struct ethosu_rpmsg *rpmsg)
{
	struct ethosu_mailbox *mbox = &edev->mailbox;
	struct ethosu_mailbox_msg *msg;
	int ret;

	switch (rpmsg->header.type) {
	case ETHOSU_RPMSG_ERR:
		ethosu_rpmsg_firmware_error(edev, &rpmsg->error);
		break;
	case ETHOSU_RPMSG_PING:
		/* Like any response, the PONG echoes the request's id */
		ret = ethosu_mailbox_send_nowait(mbox, ETHOSU_RPMSG_PONG, rpmsg->header.msg_id);
		if (ret)
			dev_warn_ratelimited(&edev->dev, "could not answer a ping: %d\n", ret);
		break;
	case ETHOSU_RPMSG_PONG:
		break;
	default:
		msg = ethosu_mailbox_find(mbox, rpmsg->header.msg_id, rpmsg->header.type);
		if (!msg)
			break;
		ethosu_mailbox_deregister(mbox, msg);
		msg->ops->rsp(msg, rpmsg);
		break;
	}
}

static int ethosu_rpmsg_cb(struct rpmsg_device *rpdev, void *data, int len, void *priv, u32 src)
{
	struct ethosu_device *edev = priv;
	struct ethosu_rpmsg rpmsg;

	mutex_lock(&edev->mutex);
	/* Nothing is waiting any more once the mailbox is closed */
	if (edev->mailbox.ept && !ethosu_rpmsg_validate(&edev->dev, data, len, &rpmsg))
		ethosu_rpmsg_dispatch(edev, &rpmsg);
	ethosu_mailbox_kick_tx(&edev->mailbox);
	mutex_unlock(&edev->mutex);

	return 0;
}

/* Ends all traffic: pending requests fail, ioctls get -ENODEV from now on. */
static void ethosu_rpmsg_shutdown(struct ethosu_device *edev)
{
	struct rpmsg_endpoint *ept;

	mutex_lock(&edev->mutex);
	WRITE_ONCE(edev->rpdev, NULL);
	ept = ethosu_mailbox_close(&edev->mailbox);
	mutex_unlock(&edev->mutex);

	/* Outside the lock: this waits for a running callback, which takes the lock */
	if (ept)
		rpmsg_destroy_ept(ept);
}

static int ethosu_rpmsg_probe(struct rpmsg_device *rpdev)
{
	const struct ethosu_uapi_device_capabilities *caps;
	struct ethosu_device *edev;
	int ret;

	edev = ethosu_device_alloc(rpdev);
	if (IS_ERR(edev))
		return PTR_ERR(edev);

	ret = ethosu_mailbox_open(&edev->mailbox, rpdev, ethosu_rpmsg_cb, edev);
	if (ret)
		goto destroy;

	ret = ethosu_version_check(edev);
	if (ret)
		goto shutdown;

	ret = ethosu_capabilities_fetch(edev);
	if (ret)
		goto shutdown;

	dev_set_drvdata(&rpdev->dev, edev);
	ret = ethosu_device_publish(edev);
	if (ret)
		goto shutdown;

	caps = &edev->capabilities;
	dev_info(&edev->dev,
		 "Created Arm Ethos-U device: NPU %u.%u.%u product %u, %u MACs/cc, firmware driver %u.%u.%u\n",
		 caps->hw_id.arch_major_rev, caps->hw_id.arch_minor_rev,
		 caps->hw_id.arch_patch_rev, caps->hw_id.product_major, caps->hw_cfg.macs_per_cc,
		 caps->driver_major_rev, caps->driver_minor_rev, caps->driver_patch_rev);

	return 0;

shutdown:
	ethosu_rpmsg_shutdown(edev);
destroy:
	ethosu_device_destroy(edev);

	return ret;
}

static void ethosu_rpmsg_remove(struct rpmsg_device *rpdev)
{
	struct ethosu_device *edev = dev_get_drvdata(&rpdev->dev);

	ethosu_rpmsg_shutdown(edev);
	ethosu_device_destroy(edev);
}

static const struct rpmsg_device_id ethosu_rpmsg_ids[] = {
	{ .name = ETHOSU_RPMSG_NAME },
	{},
};
MODULE_DEVICE_TABLE(rpmsg, ethosu_rpmsg_ids);

static struct rpmsg_driver ethosu_rpmsg_driver = {
	.drv = {
		.name = "ethosu",
		/* Probe waits for the firmware (up to 4 s): keep it off the registering thread */
		.probe_type = PROBE_PREFER_ASYNCHRONOUS,
	},
	.id_table = ethosu_rpmsg_ids,
	.probe = ethosu_rpmsg_probe,
	.remove = ethosu_rpmsg_remove,
};

int ethosu_rpmsg_register(void)
{
	return register_rpmsg_driver(&ethosu_rpmsg_driver);
}

void ethosu_rpmsg_unregister(void)
{
	unregister_rpmsg_driver(&ethosu_rpmsg_driver);
}
