// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifecycle of a subsystem's rpmsg device: registration, crash (unregister, so the driver's
 * remove runs), restart after a delay, and the recovery hook the driver calls instead of
 * remoteproc crash reporting. Registration changes run on emu_ctl_wq under life_lock, never in
 * the caller's context: the driver may ask for recovery from its receive callback with its locks
 * held.
 */
#include <linux/build_bug.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <ethosu_recovery.h>

#include "rpmsg_internal.h"

#include "emu.h"

static void emu_request_recovery(struct device *dev);
static void emu_foreign_hook(struct device *dev);

static const struct ethosu_recovery_ops emu_recovery_ops = {
	.magic = ETHOSU_RECOVERY_MAGIC,
	.rpdev_ops = &emu_dev_ops,
	.request_recovery = emu_request_recovery,
};

/*
 * Test only: platform_data some other transport might carry, a table that starts with a
 * function (padded past the size of struct ethosu_recovery_ops, so a driver that checks it reads
 * in bounds). The driver must not take it for a recovery hook; calls are counted in stats.
 */
static const struct {
	void (*fn)(struct device *dev);
	unsigned long pad[3];
} emu_foreign_platdata = {
	.fn = emu_foreign_hook,
};

static_assert(sizeof(emu_foreign_platdata) >= sizeof(struct ethosu_recovery_ops));

static void *emu_platform_data(struct emu_subsys *ss)
{
	unsigned long flags;
	enum emu_platdata pd;

	spin_lock_irqsave(&ss->lock, flags);
	pd = ss->platdata;
	spin_unlock_irqrestore(&ss->lock, flags);

	switch (pd) {
	case EMU_PLATDATA_NONE:
		return NULL;
	case EMU_PLATDATA_FOREIGN:
		return (void *)&emu_foreign_platdata;
	default:
		return (void *)&emu_recovery_ops;
	}
}

/* Registers a new rpmsg device; the caller holds life_lock and the subsystem is offline. */
int emu_online(struct emu_subsys *ss)
{
	struct rpmsg_device *rpdev;
	struct emu_chan *chan;
	unsigned long flags;
	int ret;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return -ENOMEM;
	chan->ss = ss;
	idr_init(&chan->epts);

	rpdev = &chan->rpdev;
	strscpy(rpdev->id.name, ETHOSU_RPMSG_NAME, sizeof(rpdev->id.name));
	rpdev->src = RPMSG_ADDR_ANY;
	rpdev->dst = EMU_FW_ADDR;
	rpdev->little_endian = true;
	rpdev->ops = &emu_dev_ops;
	rpdev->dev.parent = &ss->pdev->dev;
	rpdev->dev.release = emu_chan_release;
	rpdev->dev.platform_data = emu_platform_data(ss);
	/* Same as the platform device, for a driver that allocates on the rpmsg device itself. */
	rpdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
	rpdev->dev.dma_mask = &rpdev->dev.coherent_dma_mask;
	emu_chan_get_live();

	/* Live before registering: a synchronous probe sends at once. */
	spin_lock_irqsave(&ss->lock, flags);
	ss->chan = chan;
	spin_unlock_irqrestore(&ss->lock, flags);

	ret = rpmsg_register_device(rpdev);
	if (ret) {
		/* The core dropped the last reference: chan is freed. */
		spin_lock_irqsave(&ss->lock, flags);
		ss->chan = NULL;
		ss->gen++;
		spin_unlock_irqrestore(&ss->lock, flags);
		dev_err(&ss->pdev->dev, "cannot register the rpmsg device: %d\n", ret);
	}
	return ret;
}

/*
 * Takes the subsystem offline as a firmware crash would: the firmware forgets its inbox and
 * inference queue without answering, then the rpmsg device is unregistered. The caller holds
 * life_lock.
 */
void emu_offline(struct emu_subsys *ss)
{
	struct emu_chan *chan;
	unsigned long flags;

	/* Gone first: no send gets into the inbox the reset empties. */
	spin_lock_irqsave(&ss->lock, flags);
	chan = ss->chan;
	ss->chan = NULL;
	spin_unlock_irqrestore(&ss->lock, flags);

	ethosu_emu_core_reset(ss);

	if (chan) {
		dev_info(&ss->pdev->dev, "firmware offline\n");
		device_unregister(&chan->rpdev.dev);
	}
}

static bool emu_unloading(struct emu_subsys *ss)
{
	unsigned long flags;
	bool unloading;

	spin_lock_irqsave(&ss->lock, flags);
	unloading = ss->unloading;
	spin_unlock_irqrestore(&ss->lock, flags);
	return unloading;
}

void emu_crash_work(struct work_struct *work)
{
	struct emu_subsys *ss = container_of(work, struct emu_subsys, crash_work);
	unsigned long flags;
	unsigned int delay;

	mutex_lock(&ss->life_lock);
	if (!emu_unloading(ss)) {
		emu_offline(ss);
		spin_lock_irqsave(&ss->lock, flags);
		delay = ss->crash_delay_ms;
		spin_unlock_irqrestore(&ss->lock, flags);
		mod_delayed_work(emu_ctl_wq, &ss->restart_work, msecs_to_jiffies(delay));
	}
	mutex_unlock(&ss->life_lock);
}

void emu_restart_work(struct work_struct *work)
{
	struct emu_subsys *ss = container_of(to_delayed_work(work), struct emu_subsys,
					     restart_work);
	unsigned long flags;
	bool offline;

	mutex_lock(&ss->life_lock);
	spin_lock_irqsave(&ss->lock, flags);
	offline = !ss->chan && !ss->unloading;
	spin_unlock_irqrestore(&ss->lock, flags);
	if (offline && !emu_online(ss))
		dev_info(&ss->pdev->dev, "firmware restarted\n");
	mutex_unlock(&ss->life_lock);
}

/* Crash now (from a work item), come back after delay_ms. Any context. */
void emu_schedule_crash(struct emu_subsys *ss, unsigned int delay_ms)
{
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	if (!ss->unloading) {
		ss->crash_delay_ms = delay_ms;
		queue_work(emu_ctl_wq, &ss->crash_work);
	}
	spin_unlock_irqrestore(&ss->lock, flags);
}

static void emu_foreign_hook(struct device *dev)
{
	struct emu_subsys *ss;
	unsigned long flags;

	if (!dev || dev->release != emu_chan_release)
		return;
	ss = container_of(to_rpmsg_device(dev), struct emu_chan, rpdev)->ss;
	spin_lock_irqsave(&ss->lock, flags);
	ss->stats.foreign_hook_calls++;
	spin_unlock_irqrestore(&ss->lock, flags);
	dev_err(&ss->pdev->dev, "the driver called foreign platform_data as a recovery hook\n");
}

static void emu_request_recovery(struct device *dev)
{
	struct emu_chan *chan;
	struct emu_subsys *ss;
	unsigned long flags;
	bool live;

	if (!dev || dev->release != emu_chan_release) {
		pr_err("ethosu_emu: recovery requested for a device that is not ours\n");
		return;
	}
	chan = container_of(to_rpmsg_device(dev), struct emu_chan, rpdev);
	ss = chan->ss;

	spin_lock_irqsave(&ss->lock, flags);
	live = ss->chan == chan;
	spin_unlock_irqrestore(&ss->lock, flags);

	/* A request from a device that already went away is stale. */
	if (live) {
		dev_info(&ss->pdev->dev, "driver requested recovery\n");
		emu_schedule_crash(ss, EMU_RECOVERY_DELAY_MS);
	}
}
