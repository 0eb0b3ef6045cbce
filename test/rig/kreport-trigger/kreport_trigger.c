// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test only: makes the debug kernel's checkers report, so that test/rig/kernel-reports can check
 * that the rig finds and prints each kind of report. Writing a name to
 * /sys/kernel/debug/kreport_trigger triggers one: kasan (a slab out-of-bounds read), ubsan (an
 * out-of-range shift), lockdep (two mutexes taken in both orders), sleep (a sleep under a
 * spinlock), kmemleak (an allocation whose pointer is dropped), warn (WARN_ON), dma (a DMA free
 * of the wrong size). Never loaded outside the rig.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static struct dentry *kt_file;
static struct platform_device *kt_pdev;
static DEFINE_MUTEX(kt_a);
static DEFINE_MUTEX(kt_b);
static DEFINE_SPINLOCK(kt_lock);
static void *kt_leak;

static noinline int kt_kasan(void)
{
	char *p = kmalloc(8, GFP_KERNEL);
	int v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[8]);
	kfree(p);
	return v & 0;
}

static noinline int kt_ubsan(unsigned int by)
{
	int one = 1;

	OPTIMIZER_HIDE_VAR(one);
	return (one << by) & 0;
}

static void kt_lockdep(void)
{
	mutex_lock(&kt_a);
	mutex_lock(&kt_b);
	mutex_unlock(&kt_b);
	mutex_unlock(&kt_a);
	mutex_lock(&kt_b);
	mutex_lock(&kt_a);
	mutex_unlock(&kt_a);
	mutex_unlock(&kt_b);
}

static void kt_sleep(void)
{
	spin_lock(&kt_lock);
	msleep(20);
	spin_unlock(&kt_lock);
}

static int kt_dma(void)
{
	dma_addr_t addr;
	void *p;

	p = dma_alloc_coherent(&kt_pdev->dev, PAGE_SIZE, &addr, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	dma_free_coherent(&kt_pdev->dev, 2 * PAGE_SIZE, p, addr);
	return 0;
}

/*
 * Four allocations whose pointers are dropped: a stale copy of the last one may survive on a
 * (cached) task stack, which kmemleak scans, but the first three are overwritten.
 */
static noinline void kt_leak_some(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		kt_leak = kmalloc(64, GFP_KERNEL);
		OPTIMIZER_HIDE_VAR(kt_leak);
	}
	kt_leak = NULL;
}

static ssize_t kt_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[16] = {};
	int ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	strim(buf);
	if (!strcmp(buf, "kasan"))
		ret = kt_kasan();
	else if (!strcmp(buf, "ubsan"))
		ret = kt_ubsan(40 + len);
	else if (!strcmp(buf, "lockdep"))
		kt_lockdep();
	else if (!strcmp(buf, "sleep"))
		kt_sleep();
	else if (!strcmp(buf, "kmemleak"))
		kt_leak_some();
	else if (!strcmp(buf, "warn"))
		WARN_ON(len);
	else if (!strcmp(buf, "dma"))
		ret = kt_dma();
	else
		return -EINVAL;
	return ret ? ret : len;
}

static const struct file_operations kt_fops = {
	.owner = THIS_MODULE,
	.write = kt_write,
};

static int __init kt_init(void)
{
	int ret;

	kt_pdev = platform_device_register_simple("kreport_trigger", -1, NULL, 0);
	if (IS_ERR(kt_pdev))
		return PTR_ERR(kt_pdev);
	ret = dma_coerce_mask_and_coherent(&kt_pdev->dev, DMA_BIT_MASK(32));
	if (ret) {
		platform_device_unregister(kt_pdev);
		return ret;
	}
	kt_file = debugfs_create_file("kreport_trigger", 0200, NULL, NULL, &kt_fops);
	return 0;
}

static void __exit kt_exit(void)
{
	debugfs_remove(kt_file);
	platform_device_unregister(kt_pdev);
}

module_init(kt_init);
module_exit(kt_exit);
MODULE_DESCRIPTION("Test only: triggers debug kernel reports for the rig's report detector");
MODULE_LICENSE("GPL");
