// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Ethos-U subsystem firmware emulator (test only). Registers one to four virtual subsystems,
 * each a platform device "ethosu-emu" with an rpmsg device "ethos-u-0.0" below it, so the
 * unmodified ethosu driver binds and is driven through real syscalls. The contract is
 * docs/emulator.md.
 */
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "emu.h"

#define EMU_SUBSYS_MAX 4

static unsigned int subsystems = 1;
module_param(subsystems, uint, 0444);
MODULE_PARM_DESC(subsystems, "Number of virtual Ethos-U subsystems, 1..4 (default 1)");

static char *npus[EMU_SUBSYS_MAX];
static unsigned int npus_count;
module_param_array(npus, charp, &npus_count, 0444);
MODULE_PARM_DESC(npus,
		 "NPU per subsystem: u55-32, u55-64, u55-128, u55-256, u65-256, u65-512, u85-128, u85-256, u85-512, u85-1024 or u85-2048 (default u55-128,u65-256,u85-256,u55-256)");

static bool npu_model = true;
module_param(npu_model, bool, 0444);
MODULE_PARM_DESC(npu_model,
		 "Run the NPU model for ethos-u networks (default Y); N: every network answers with the formula. Initial value of each subsystem's debugfs knob \"model\"");

struct workqueue_struct *emu_ctl_wq;

static struct dentry *emu_debugfs_root;
static struct emu_subsys *emu_subsys[EMU_SUBSYS_MAX];

static struct emu_subsys *emu_subsys_create(unsigned int index, const struct emu_npu *npu)
{
	struct platform_device_info pinfo = {
		.name = "ethosu-emu",
		.id = index,
		.dma_mask = DMA_BIT_MASK(32),
	};
	struct emu_subsys *ss;
	int ret = -ENOMEM;

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return ERR_PTR(-ENOMEM);
	ss->index = index;
	ss->npu = npu;
	ss->latency_us = EMU_LATENCY_US_DEFAULT;
	ss->model = npu_model;
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
	INIT_WORK(&ss->crash_work, emu_crash_work);
	INIT_DELAYED_WORK(&ss->restart_work, emu_restart_work);

	ss->ring = kvcalloc(EMU_RING_SLOTS, sizeof(*ss->ring), GFP_KERNEL);
	if (!ss->ring)
		goto err_free;
	ss->wq = alloc_ordered_workqueue("ethosu_emu%u", 0, index);
	if (!ss->wq)
		goto err_free;
	ss->model_wq = alloc_ordered_workqueue("ethosu_emu%u_npu", 0, index);
	if (!ss->model_wq)
		goto err_wq;

	ss->pdev = platform_device_register_full(&pinfo);
	if (IS_ERR(ss->pdev)) {
		ret = PTR_ERR(ss->pdev);
		goto err_wq;
	}

	mutex_lock(&ss->life_lock);
	ret = emu_online(ss);
	mutex_unlock(&ss->life_lock);
	if (ret)
		goto err_pdev;

	emu_debugfs_create(ss, emu_debugfs_root);
	dev_info(&ss->pdev->dev, "emulating an Ethos-U subsystem with %s\n", npu->name);
	return ss;

err_pdev:
	platform_device_unregister(ss->pdev);
err_wq:
	if (ss->model_wq)
		destroy_workqueue(ss->model_wq);
	destroy_workqueue(ss->wq);
err_free:
	kvfree(ss->ring);
	kfree(ss);
	return ERR_PTR(ret);
}

static void emu_subsys_destroy(struct emu_subsys *ss)
{
	unsigned long flags;

	/* No new fault writes, then no new crash or restart. */
	debugfs_remove_recursive(ss->debugfs);
	spin_lock_irqsave(&ss->lock, flags);
	ss->unloading = true;
	spin_unlock_irqrestore(&ss->lock, flags);
	cancel_work_sync(&ss->crash_work);
	cancel_delayed_work_sync(&ss->restart_work);

	mutex_lock(&ss->life_lock);
	emu_offline(ss);
	mutex_unlock(&ss->life_lock);

	/* Offline: trysend fails, so nothing queues firmware work any more. */
	cancel_work_sync(&ss->rx_work);
	cancel_delayed_work_sync(&ss->inf_work);
	cancel_work_sync(&ss->err_work);
	cancel_work_sync(&ss->model_work);
	destroy_workqueue(ss->model_wq);
	destroy_workqueue(ss->wq);

	platform_device_unregister(ss->pdev);
	vfree(ss->model_workspace);
	kvfree(ss->ring);
	kfree(ss);
}

static int emu_check_params(const struct emu_npu **npu)
{
	unsigned int i;

	if (subsystems < 1 || subsystems > EMU_SUBSYS_MAX) {
		pr_err("ethosu_emu: subsystems=%u: must be 1..%d\n", subsystems, EMU_SUBSYS_MAX);
		return -EINVAL;
	}
	if (npus_count > subsystems) {
		pr_err("ethosu_emu: npus names %u NPUs for %u subsystem(s)\n", npus_count,
		       subsystems);
		return -EINVAL;
	}
	for (i = 0; i < subsystems; i++) {
		npu[i] = i < npus_count ? emu_npu_find(npus[i]) : emu_npu_default(i);
		if (!npu[i]) {
			pr_err("ethosu_emu: npus: unknown NPU '%s' (" EMU_NPU_NAMES ")\n", npus[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static void emu_cleanup(void)
{
	int i;

	for (i = EMU_SUBSYS_MAX - 1; i >= 0; i--) {
		if (emu_subsys[i])
			emu_subsys_destroy(emu_subsys[i]);
		emu_subsys[i] = NULL;
	}
	destroy_workqueue(emu_ctl_wq);
	debugfs_remove_recursive(emu_debugfs_root);
	emu_wait_chans_released();
}

static int __init emu_init(void)
{
	const struct emu_npu *npu[EMU_SUBSYS_MAX];
	struct emu_subsys *ss;
	unsigned int i;
	int ret;

	ret = emu_npu_check_table();
	if (!ret)
		ret = emu_check_params(npu);
	if (ret)
		return ret;

	emu_ctl_wq = alloc_workqueue("ethosu_emu_ctl", 0, 0);
	if (!emu_ctl_wq)
		return -ENOMEM;
	emu_debugfs_root = debugfs_create_dir("ethosu_emu", NULL);

	for (i = 0; i < subsystems; i++) {
		ss = emu_subsys_create(i, npu[i]);
		if (IS_ERR(ss)) {
			pr_err("ethosu_emu: subsystem %u: %ld\n", i, PTR_ERR(ss));
			emu_cleanup();
			return PTR_ERR(ss);
		}
		emu_subsys[i] = ss;
	}
	return 0;
}

static void __exit emu_exit(void)
{
	emu_cleanup();
}

module_init(emu_init);
module_exit(emu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Arm Ethos-U subsystem firmware emulator (test only)");
