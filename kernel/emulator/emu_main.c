// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arm Ethos-U subsystem firmware emulator (test only). Registers zero to four virtual subsystems,
 * each a platform device "ethosu-emu" with an rpmsg device "ethos-u-0.0" below it (the fake rpmsg
 * transport), so the unmodified ethosu driver binds and is driven through real syscalls. The
 * firmware core (emu_core.h) is also what the AMP test module's emulated Cortex-M runs, behind
 * remoteproc and virtio-rpmsg; with subsystems=0 it is the only user. The contract is
 * docs/emulator.md.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>

#include "emu.h"

static unsigned int subsystems = 1;
module_param(subsystems, uint, 0444);
MODULE_PARM_DESC(subsystems,
		 "Virtual Ethos-U subsystems on the fake rpmsg transport, 0..4 (default 1); 0: only other transports (the AMP test module)");

static char *npus[EMU_SUBSYS_MAX];
static unsigned int npus_count;
module_param_array(npus, charp, &npus_count, 0444);
MODULE_PARM_DESC(npus,
		 "NPU per subsystem: u55-32, u55-64, u55-128, u55-256, u65-256, u65-512, u85-128, u85-256, u85-512, u85-1024 or u85-2048 (default u55-128,u65-256,u85-256,u55-256)");

bool emu_npu_model_default = true;
module_param_named(npu_model, emu_npu_model_default, bool, 0444);
MODULE_PARM_DESC(npu_model,
		 "Run the NPU model for ethos-u networks (default Y); N: every network answers with the formula. Initial value of each subsystem's debugfs knob \"model\"");

static struct emu_subsys *emu_subsys[EMU_SUBSYS_MAX];

/* The NPU of the subsystem with this index (checked at load). */
const struct emu_npu *emu_core_npu(unsigned int index)
{
	return index < npus_count ? emu_npu_find(npus[index]) : emu_npu_default(index);
}

static struct emu_subsys *emu_subsys_create(unsigned int index)
{
	struct platform_device_info pinfo = {
		.name = "ethosu-emu",
		.id = index,
		.dma_mask = DMA_BIT_MASK(32),
	};
	struct platform_device *pdev;
	struct emu_subsys *ss;
	int ret;

	pdev = platform_device_register_full(&pinfo);
	if (IS_ERR(pdev))
		return ERR_CAST(pdev);
	ss = ethosu_emu_core_create(&pdev->dev, &emu_rpmsg_transport, NULL);
	if (IS_ERR(ss)) {
		platform_device_unregister(pdev);
		return ss;
	}
	ss->pdev = pdev;
	INIT_WORK(&ss->crash_work, emu_crash_work);
	INIT_DELAYED_WORK(&ss->restart_work, emu_restart_work);

	mutex_lock(&ss->life_lock);
	ret = emu_online(ss);
	mutex_unlock(&ss->life_lock);
	if (ret) {
		ethosu_emu_core_destroy(ss);
		platform_device_unregister(pdev);
		return ERR_PTR(ret);
	}
	return ss;
}

static void emu_subsys_destroy(struct emu_subsys *ss)
{
	struct platform_device *pdev = ss->pdev;
	unsigned long flags;

	/* No new fault writes, then no new crash or restart. */
	emu_core_debugfs_remove(ss);
	spin_lock_irqsave(&ss->lock, flags);
	ss->unloading = true;
	spin_unlock_irqrestore(&ss->lock, flags);
	cancel_work_sync(&ss->crash_work);
	cancel_delayed_work_sync(&ss->restart_work);

	mutex_lock(&ss->life_lock);
	emu_offline(ss);
	mutex_unlock(&ss->life_lock);

	/* Offline: trysend fails, so nothing queues firmware work any more. */
	ethosu_emu_core_destroy(ss);
	platform_device_unregister(pdev);
}

static int emu_check_params(void)
{
	unsigned int i;

	if (subsystems > EMU_SUBSYS_MAX) {
		pr_err("ethosu_emu: subsystems=%u: must be 0..%d\n", subsystems, EMU_SUBSYS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < npus_count; i++) {
		if (!emu_npu_find(npus[i])) {
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
	emu_core_exit();
	emu_wait_chans_released();
}

static int __init emu_init(void)
{
	struct emu_subsys *ss;
	unsigned int i;
	int ret;

	ret = emu_npu_check_table();
	if (!ret)
		ret = emu_check_params();
	if (!ret)
		ret = emu_core_init();
	if (ret)
		return ret;

	for (i = 0; i < subsystems; i++) {
		ss = emu_subsys_create(i);
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
