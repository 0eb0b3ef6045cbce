// SPDX-License-Identifier: GPL-2.0-only
/*
 * The firmware core of one emulated subsystem, whatever carries its messages (emu_core.h): its
 * inbox (the ring of host messages it has not handled yet), its work queues, its debugfs
 * directory, and the reset that makes it forget everything. The transport hands it messages
 * with ethosu_emu_core_rx() and gets its answers through ops->deliver().
 */
#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "emu.h"

static DEFINE_IDA(emu_index_ida);
static struct dentry *emu_debugfs_root;
struct workqueue_struct *emu_ctl_wq;

int emu_core_init(void)
{
	emu_ctl_wq = alloc_workqueue("ethosu_emu_ctl", 0, 0);
	if (!emu_ctl_wq)
		return -ENOMEM;
	emu_debugfs_root = debugfs_create_dir("ethosu_emu", NULL);
	return 0;
}

void emu_core_exit(void)
{
	destroy_workqueue(emu_ctl_wq);
	debugfs_remove_recursive(emu_debugfs_root);
	ida_destroy(&emu_index_ida);
}

/* Counts a message the inbox accepted by its type, or as invalid. */
static void emu_count_rx(struct emu_subsys *ss, const void *data, size_t len)
{
	const struct ethosu_rpmsg_header *hdr = data;
	unsigned int idx = 0;

	if (len >= sizeof(*hdr) && hdr->magic == ETHOSU_RPMSG_MAGIC && hdr->type > 0 &&
	    hdr->type < ETHOSU_RPMSG_MAX)
		idx = hdr->type;
	ss->stats.rx[idx]++;
}

/* Copies one message into the inbox under ss->lock: 0, or -ENOMEM when it is full. */
int emu_inbox_put_locked(struct emu_subsys *ss, u32 src, const void *data, size_t len)
{
	struct emu_slot *slot;

	lockdep_assert_held(&ss->lock);
	if (ss->ring_count == EMU_RING_SLOTS)
		return -ENOMEM;
	slot = &ss->ring[(ss->ring_head + ss->ring_count) % EMU_RING_SLOTS];
	slot->gen = ss->gen;
	slot->src = src;
	slot->len = len;
	memcpy(slot->data, data, len);
	ss->ring_count++;
	emu_count_rx(ss, data, len);
	queue_work(ss->wq, &ss->rx_work);
	return 0;
}

/* A host message from endpoint src: 0, -EMSGSIZE, or -ENOMEM while the inbox is full. */
int ethosu_emu_core_rx(struct emu_subsys *ss, u32 src, const void *data, size_t len)
{
	unsigned long flags;
	int ret;

	if (len > EMU_MSG_MAX)
		return -EMSGSIZE;
	spin_lock_irqsave(&ss->lock, flags);
	ret = emu_inbox_put_locked(ss, src, data, len);
	spin_unlock_irqrestore(&ss->lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(ethosu_emu_core_rx);

bool emu_ring_take(struct emu_subsys *ss, struct emu_slot *out)
{
	struct emu_slot *slot;
	unsigned long flags;
	bool taken = false, was_full = false;

	spin_lock_irqsave(&ss->lock, flags);
	if (!ss->stalled && ss->ring_count) {
		slot = &ss->ring[ss->ring_head];
		out->gen = slot->gen;
		out->src = slot->src;
		out->len = slot->len;
		memcpy(out->data, slot->data, slot->len);
		was_full = ss->ring_count == EMU_RING_SLOTS;
		ss->ring_head = (ss->ring_head + 1) % EMU_RING_SLOTS;
		ss->ring_count--;
		ss->last_sender.gen = slot->gen;
		ss->last_sender.addr = slot->src;
		taken = true;
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	if (taken)
		wake_up_all(&ss->tx_wait);
	if (was_full && ss->ops->rx_space)
		ss->ops->rx_space(ss);
	return taken;
}

/* Whether a reply still goes to the firmware generation it was made for. */
bool ethosu_emu_core_current(struct emu_subsys *ss, const struct emu_reply *to)
{
	unsigned long flags;
	bool current_gen;

	spin_lock_irqsave(&ss->lock, flags);
	current_gen = to->gen == ss->gen;
	spin_unlock_irqrestore(&ss->lock, flags);
	return current_gen;
}
EXPORT_SYMBOL_GPL(ethosu_emu_core_current);

/*
 * The firmware forgets everything, as at a crash or a reset: its inbox and its inference queue
 * go without an answer, and replies made before are stale (a new generation). Process context;
 * the caller holds no lock the core's deliver takes.
 */
void ethosu_emu_core_reset(struct emu_subsys *ss)
{
	struct emu_inference *inf, *tmp;
	unsigned long flags;
	LIST_HEAD(lost);

	spin_lock_irqsave(&ss->lock, flags);
	ss->gen++;
	ss->ring_count = 0;
	ss->ring_head = 0;
	if (ss->active)
		list_add(&ss->active->node, &lost);
	ss->active = NULL;
	list_splice_init(&ss->waiting, &lost);
	ss->n_waiting = 0;
	ss->inf_blocked = false;
	spin_unlock_irqrestore(&ss->lock, flags);

	/* A model run of the active inference finishes first: it still uses it. */
	cancel_work_sync(&ss->model_work);
	cancel_delayed_work(&ss->inf_work);
	wake_up_all(&ss->tx_wait);
	list_for_each_entry_safe(inf, tmp, &lost, node)
		emu_inf_free(inf);
}
EXPORT_SYMBOL_GPL(ethosu_emu_core_reset);

void *ethosu_emu_core_priv(struct emu_subsys *ss)
{
	return ss->priv;
}
EXPORT_SYMBOL_GPL(ethosu_emu_core_priv);

unsigned int ethosu_emu_core_index(struct emu_subsys *ss)
{
	return ss->index;
}
EXPORT_SYMBOL_GPL(ethosu_emu_core_index);

/*
 * A firmware core for the subsystem at dev, with the next free index (its debugfs directory
 * /sys/kernel/debug/ethosu_emu/<index>/, and its NPU from the npus parameter).
 */
struct emu_subsys *ethosu_emu_core_create(struct device *dev, const struct emu_transport_ops *ops,
					  void *priv)
{
	struct emu_subsys *ss;
	int index, ret = -ENOMEM;

	index = ida_alloc_max(&emu_index_ida, EMU_SUBSYS_MAX - 1, GFP_KERNEL);
	if (index < 0)
		return ERR_PTR(index == -ENOSPC ? -EBUSY : index);

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss)
		goto err_ida;
	ss->index = index;
	ss->npu = emu_core_npu(index);
	if (!ss->npu) {
		ret = -EINVAL;
		goto err_free;
	}
	ss->dev = dev;
	ss->ops = ops;
	ss->priv = priv;
	ss->latency_us = EMU_LATENCY_US_DEFAULT;
	ss->model = emu_npu_model_default;
	mutex_init(&ss->net_lock);
	ss->last_sender.addr = RPMSG_ADDR_ANY;
	spin_lock_init(&ss->lock);
	mutex_init(&ss->life_lock);
	init_waitqueue_head(&ss->tx_wait);
	INIT_LIST_HEAD(&ss->waiting);
	INIT_WORK(&ss->rx_work, emu_rx_work);
	INIT_DELAYED_WORK(&ss->inf_work, emu_inf_work);
	INIT_WORK(&ss->err_work, emu_err_work);
	INIT_WORK(&ss->model_work, emu_model_work);

	ss->ring = kvcalloc(EMU_RING_SLOTS, sizeof(*ss->ring), GFP_KERNEL);
	if (!ss->ring)
		goto err_free;
	ss->wq = alloc_ordered_workqueue("ethosu_emu%u", 0, index);
	if (!ss->wq)
		goto err_free;
	ss->model_wq = alloc_ordered_workqueue("ethosu_emu%u_npu", 0, index);
	if (!ss->model_wq)
		goto err_wq;
	emu_debugfs_create(ss, emu_debugfs_root);
	dev_info(dev, "emulating an Ethos-U subsystem with %s (ethosu_emu/%u)\n", ss->npu->name,
		 index);
	return ss;

err_wq:
	destroy_workqueue(ss->wq);
err_free:
	kvfree(ss->ring);
	kfree(ss);
err_ida:
	ida_free(&emu_index_ida, index);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(ethosu_emu_core_create);

/* No fault writes after this, so no new crash (the transport may still be running). */
void emu_core_debugfs_remove(struct emu_subsys *ss)
{
	debugfs_remove_recursive(ss->debugfs);
	ss->debugfs = NULL;
}

/* The transport no longer calls ethosu_emu_core_rx(). */
void ethosu_emu_core_destroy(struct emu_subsys *ss)
{
	emu_core_debugfs_remove(ss);
	ethosu_emu_core_reset(ss);
	cancel_work_sync(&ss->rx_work);
	cancel_delayed_work_sync(&ss->inf_work);
	cancel_work_sync(&ss->err_work);
	cancel_work_sync(&ss->model_work);
	destroy_workqueue(ss->model_wq);
	destroy_workqueue(ss->wq);
	ida_free(&emu_index_ida, ss->index);
	vfree(ss->model_workspace);
	kvfree(ss->ring);
	kfree(ss);
}
EXPORT_SYMBOL_GPL(ethosu_emu_core_destroy);
