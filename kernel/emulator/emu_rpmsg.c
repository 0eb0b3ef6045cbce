// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulator's fake rpmsg transport: device and endpoint ops for the rpmsg core, sends into the
 * firmware core's inbox (host->firmware; it stands for the TX ring, so trysend fails when it is
 * full) and delivery to host endpoint callbacks (firmware->host).
 *
 * Locking: ss->lock guards the ring, the endpoint IDR and the live channel. A callback runs under
 * the endpoint's cb_lock and only while ept->cb is set, which destroy_ept clears under the same
 * lock, so no callback runs after an endpoint is destroyed. Sends never call back into the
 * sender: they only queue work.
 */
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ethosu_compat.h"
#include "rpmsg_internal.h"

#include "emu.h"

/* A blocking send gives up after this long without a free slot, like virtio-rpmsg. */
#define EMU_SEND_TIMEOUT_MS 15000

struct emu_ept {
	struct rpmsg_endpoint ept;
	struct emu_chan *chan;
};

static atomic_t emu_live_chans = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(emu_chans_wq);

static struct emu_ept *to_emu_ept(struct rpmsg_endpoint *ept)
{
	return container_of(ept, struct emu_ept, ept);
}

static struct emu_chan *to_emu_chan(struct rpmsg_device *rpdev)
{
	return container_of(rpdev, struct emu_chan, rpdev);
}

/* Counts a channel whose release callback has yet to run. */
void emu_chan_get_live(void)
{
	atomic_inc(&emu_live_chans);
}

void emu_chan_release(struct device *dev)
{
	struct rpmsg_device *rpdev = to_rpmsg_device(dev);
	struct emu_chan *chan = to_emu_chan(rpdev);

	idr_destroy(&chan->epts);
	ethosu_rpmsg_free_driver_override(rpdev);
	kfree(chan);
	if (atomic_dec_and_test(&emu_live_chans))
		wake_up_all(&emu_chans_wq);
}

/* Module unload must not return while a release callback in this module can still run. */
void emu_wait_chans_released(void)
{
	while (!wait_event_timeout(emu_chans_wq, !atomic_read(&emu_live_chans), 10 * HZ))
		pr_warn("ethosu_emu: waiting for %d rpmsg device(s) to be released\n",
			atomic_read(&emu_live_chans));
}

static void emu_ept_release(struct kref *ref)
{
	struct rpmsg_endpoint *ept = container_of(ref, struct rpmsg_endpoint, refcount);
	struct emu_ept *eept = to_emu_ept(ept);
	struct device *dev = &eept->chan->rpdev.dev;

	kfree(eept);
	put_device(dev);
}

/* Copies one message into the inbox: 0, -ENOMEM when full, -ENODEV when the device is gone. */
static int emu_ring_put(struct emu_chan *chan, u32 src, const void *data, int len)
{
	struct emu_subsys *ss = chan->ss;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->chan != chan)
		ret = -ENODEV;
	else
		ret = emu_inbox_put_locked(ss, src, data, len);
	spin_unlock_irqrestore(&ss->lock, flags);
	return ret;
}

static bool emu_ring_writable(struct emu_chan *chan)
{
	struct emu_subsys *ss = chan->ss;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&ss->lock, flags);
	ok = ss->chan != chan || ss->ring_count < EMU_RING_SLOTS;
	spin_unlock_irqrestore(&ss->lock, flags);
	return ok;
}

static int emu_post(struct rpmsg_endpoint *ept, u32 dst, const void *data, int len, bool wait)
{
	struct emu_chan *chan = to_emu_ept(ept)->chan;
	long left = msecs_to_jiffies(EMU_SEND_TIMEOUT_MS);
	int ret;

	if (len > EMU_MSG_MAX)
		return -EMSGSIZE;
	if (len < 0 || (!data && len))
		return -EINVAL;
	if (dst != chan->rpdev.dst)
		return -ENXIO;

	for (;;) {
		ret = emu_ring_put(chan, ept->addr, data, len);
		if (ret != -ENOMEM || !wait)
			return ret;
		left = wait_event_interruptible_timeout(chan->ss->tx_wait,
							emu_ring_writable(chan), left);
		if (left < 0)
			return left;
		if (!left)
			return -ETIMEDOUT;
	}
}

/*
 * Finds the endpoint a message goes to and takes a reference on it. RPMSG_ADDR_ANY means the
 * endpoint with the lowest address.
 */
static struct rpmsg_endpoint *emu_ept_get(struct emu_subsys *ss, const struct emu_reply *to)
{
	struct rpmsg_endpoint *ept = NULL;
	unsigned long flags;
	int id = 0;

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->chan && to->gen == ss->gen) {
		if (to->addr == RPMSG_ADDR_ANY)
			ept = idr_get_next(&ss->chan->epts, &id);
		else if (to->addr <= INT_MAX)
			ept = idr_find(&ss->chan->epts, to->addr);
		if (ept)
			kref_get(&ept->refcount);
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	return ept;
}

static int emu_deliver(struct emu_subsys *ss, const struct emu_reply *to, void *msg, size_t len)
{
	struct rpmsg_endpoint *ept = emu_ept_get(ss, to);
	int ret = -ENXIO;

	if (!ept)
		return ret;
	mutex_lock(&ept->cb_lock);
	if (ept->cb) {
		ret = ept->cb(ept->rpdev, msg, len, ept->priv, EMU_FW_ADDR);
		if (ret)
			dev_dbg(&ept->rpdev->dev, "endpoint 0x%x callback: %d\n", ept->addr, ret);
		ret = 0;
	}
	mutex_unlock(&ept->cb_lock);
	kref_put(&ept->refcount, emu_ept_release);
	return ret;
}

static void emu_destroy_ept(struct rpmsg_endpoint *ept)
{
	struct emu_ept *eept = to_emu_ept(ept);
	struct emu_subsys *ss = eept->chan->ss;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	idr_remove(&eept->chan->epts, ept->addr);
	spin_unlock_irqrestore(&ss->lock, flags);

	/* Waits for a running callback; none starts after this. */
	mutex_lock(&ept->cb_lock);
	ept->cb = NULL;
	mutex_unlock(&ept->cb_lock);

	kref_put(&ept->refcount, emu_ept_release);
}

static int emu_send(struct rpmsg_endpoint *ept, void *data, int len)
{
	return emu_post(ept, ept->rpdev->dst, data, len, true);
}

static int emu_sendto(struct rpmsg_endpoint *ept, void *data, int len, u32 dst)
{
	return emu_post(ept, dst, data, len, true);
}

static int emu_trysend(struct rpmsg_endpoint *ept, void *data, int len)
{
	return emu_post(ept, ept->rpdev->dst, data, len, false);
}

static int emu_trysendto(struct rpmsg_endpoint *ept, void *data, int len, u32 dst)
{
	return emu_post(ept, dst, data, len, false);
}

static ssize_t emu_get_mtu(struct rpmsg_endpoint *ept)
{
	return EMU_MSG_MAX;
}

static const struct rpmsg_endpoint_ops emu_ept_ops = {
	.destroy_ept = emu_destroy_ept,
	.send = emu_send,
	.sendto = emu_sendto,
	.trysend = emu_trysend,
	.trysendto = emu_trysendto,
	.get_mtu = emu_get_mtu,
};

static struct rpmsg_endpoint *emu_create_ept(struct rpmsg_device *rpdev, rpmsg_rx_cb_t cb,
					     void *priv, struct rpmsg_channel_info chinfo)
{
	struct emu_chan *chan = to_emu_chan(rpdev);
	struct emu_subsys *ss = chan->ss;
	int start = EMU_HOST_ADDR_MIN, end = 0;
	struct emu_ept *eept;
	unsigned long flags;
	int id;

	if (chinfo.src != RPMSG_ADDR_ANY) {
		if (chinfo.src < EMU_HOST_ADDR_MIN || chinfo.src >= INT_MAX) {
			dev_err(&rpdev->dev, "endpoint address 0x%x is reserved\n", chinfo.src);
			return NULL;
		}
		start = chinfo.src;
		end = start + 1;
	}

	eept = kzalloc(sizeof(*eept), GFP_KERNEL);
	if (!eept)
		return NULL;
	kref_init(&eept->ept.refcount);
	mutex_init(&eept->ept.cb_lock);
	eept->ept.rpdev = rpdev;
	eept->ept.cb = cb;
	eept->ept.priv = priv;
	eept->ept.ops = &emu_ept_ops;
	eept->chan = chan;

	get_device(&rpdev->dev); /* the endpoint may outlive the unregistration */

	idr_preload(GFP_KERNEL);
	spin_lock_irqsave(&ss->lock, flags);
	id = idr_alloc(&chan->epts, &eept->ept, start, end, GFP_NOWAIT);
	if (id >= 0)
		eept->ept.addr = id;
	spin_unlock_irqrestore(&ss->lock, flags);
	idr_preload_end();
	if (id < 0) {
		if (end && id == -ENOSPC)
			dev_err(&rpdev->dev, "endpoint address 0x%x is in use\n", start);
		else
			dev_err(&rpdev->dev, "no free endpoint address: %d\n", id);
		kref_put(&eept->ept.refcount, emu_ept_release);
		return NULL;
	}
	return &eept->ept;
}

const struct rpmsg_device_ops emu_dev_ops = {
	.create_ept = emu_create_ept,
};

static bool emu_rpmsg_online(struct emu_subsys *ss)
{
	unsigned long flags;
	bool online;

	spin_lock_irqsave(&ss->lock, flags);
	online = !!ss->chan;
	spin_unlock_irqrestore(&ss->lock, flags);
	return online;
}

static int emu_rpmsg_crash(struct emu_subsys *ss, unsigned int delay_ms)
{
	emu_schedule_crash(ss, delay_ms);
	return 0;
}

/* The firmware core's side of this transport (emu_core.h). */
const struct emu_transport_ops emu_rpmsg_transport = {
	.deliver = emu_deliver,
	.mem_valid = emu_phys_valid,
	.mem_map = emu_phys_map,
	.mem_unmap = emu_phys_unmap,
	.online = emu_rpmsg_online,
	.crash = emu_rpmsg_crash,
};
