// SPDX-License-Identifier: GPL-2.0-only
/*
 * One Ethos-U subsystem as user space sees it: the ethosuN device (lowest free minor), its
 * character device, the DMA configuration buffers are allocated with, and the device-fd ioctls.
 */

#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/minmax.h>
#include <linux/of_device.h>
#include <linux/of_reserved_mem.h>
#include <linux/remoteproc.h>
#include <linux/rpmsg.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ethosu_buffer.h"
#include "ethosu_capabilities.h"
#include "ethosu_device.h"
#include "ethosu_ioctl_compat.h"
#include "ethosu_network.h"
#include "ethosu_version.h"

static DEFINE_IDA(ethosu_minors);

/* Takes the device lock for an ioctl; fails once the subsystem has gone away. */
int ethosu_device_lock(struct ethosu_device *edev)
{
	int ret;

	ret = mutex_lock_interruptible(&edev->mutex);
	if (ret)
		return ret;

	if (!edev->rpdev) {
		mutex_unlock(&edev->mutex);
		return -ENODEV;
	}

	return 0;
}

static long ethosu_device_ping(struct ethosu_device *edev)
{
	struct ethosu_rpmsg req = {};
	int ret;

	ret = ethosu_device_lock(edev);
	if (ret)
		return ret;

	/* Returns once queued: the PONG is not waited for */
	ret = ethosu_mailbox_send(&edev->mailbox, &req, ETHOSU_RPMSG_PING, 0, 0);
	mutex_unlock(&edev->mutex);

	return ret;
}

static long ethosu_device_buffer_create(struct ethosu_device *edev, void __user *udata)
{
	struct ethosu_uapi_buffer_create uapi;

	if (copy_from_user(&uapi, udata, sizeof(uapi)))
		return -EFAULT;

	return ethosu_buffer_create(edev, uapi.size);
}

static long ethosu_device_network_create(struct ethosu_device *edev, void __user *udata)
{
	struct ethosu_uapi_network_create uapi;

	if (copy_from_user(&uapi, udata, sizeof(uapi)))
		return -EFAULT;

	return ethosu_network_create(edev, &uapi);
}

static long ethosu_device_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ethosu_device *edev = file->private_data;
	void __user *udata = (void __user *)arg;

	switch (ethosu_ioctl_canonical(cmd)) {
	case ETHOSU_IOCTL_DRIVER_VERSION_GET:
		return ethosu_version_driver_ioctl(edev, udata);
	case ETHOSU_IOCTL_CAPABILITIES_REQ:
		return ethosu_capabilities_ioctl(edev, udata);
	case ETHOSU_IOCTL_PING:
		return ethosu_device_ping(edev);
	case ETHOSU_IOCTL_BUFFER_CREATE:
		return ethosu_device_buffer_create(edev, udata);
	case ETHOSU_IOCTL_NETWORK_CREATE:
		return ethosu_device_network_create(edev, udata);
	default:
		return -ENOIOCTLCMD;
	}
}

static int ethosu_device_open(struct inode *inode, struct file *file)
{
	struct ethosu_device *edev = container_of(inode->i_cdev, struct ethosu_device, cdev);

	get_device(&edev->dev);
	file->private_data = edev;

	return nonseekable_open(inode, file);
}

static int ethosu_device_release_file(struct inode *inode, struct file *file)
{
	struct ethosu_device *edev = file->private_data;

	put_device(&edev->dev);

	return 0;
}

static const struct file_operations ethosu_device_fops = {
	.owner = THIS_MODULE,
	.open = ethosu_device_open,
	.release = ethosu_device_release_file,
	.unlocked_ioctl = ethosu_device_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * The device whose view of memory the NPU shares: the remoteproc's platform device when the
 * subsystem is a remoteproc, else the nearest ancestor of the rpmsg device that can do DMA (the
 * firmware emulator's platform device).
 */
static struct device *ethosu_device_dma_source(struct rpmsg_device *rpdev)
{
	struct device *dev;

	if (IS_ENABLED(CONFIG_REMOTEPROC)) {
		struct rproc *rproc = rproc_get_by_child(&rpdev->dev);

		if (rproc && rproc->dev.parent)
			return rproc->dev.parent;
	}

	for (dev = rpdev->dev.parent; dev; dev = dev->parent)
		if (dev->dma_mask)
			return dev;

	return NULL;
}

static int ethosu_device_dma_configure(struct ethosu_device *edev, struct rpmsg_device *rpdev)
{
	struct device *src = ethosu_device_dma_source(rpdev);
	struct device *dev = &edev->dev;
	u64 mask = DMA_BIT_MASK(32);
	int ret;

	if (!src) {
		dev_err(&rpdev->dev, "no DMA capable parent device\n");
		return -ENODEV;
	}

	/* Buffer addresses travel as 32 bits in the wire protocol */
	if (src->dma_mask)
		mask = min_t(u64, *src->dma_mask, mask);

	dev->dma_mask = &edev->dma_mask;
	ret = dma_set_mask_and_coherent(dev, mask);
	if (ret)
		return ret;

	if (!src->of_node)
		return 0;

	/* Take over the DMA ranges and the DMA pool (memory-region 0) of the device tree node */
	ret = of_dma_configure(dev, src->of_node, true);
	if (ret)
		return ret;

	ret = of_reserved_mem_device_init_by_idx(dev, src->of_node, 0);
	if (ret && ret != -ENODEV)
		return ret;

	return 0;
}

static void ethosu_device_release(struct device *dev)
{
	struct ethosu_device *edev = container_of(dev, struct ethosu_device, dev);

	of_reserved_mem_device_release(dev);
	ethosu_mailbox_destroy(&edev->mailbox);
	mutex_destroy(&edev->mutex);
	kfree(edev);
}

/* An unpublished device for @rpdev, with the lowest free minor and its DMA set up. */
struct ethosu_device *ethosu_device_alloc(struct rpmsg_device *rpdev)
{
	struct ethosu_device *edev;
	int minor, ret;

	minor = ida_alloc_max(&ethosu_minors, ETHOSU_MINOR_COUNT - 1, GFP_KERNEL);
	if (minor < 0)
		return ERR_PTR(minor);

	edev = kzalloc(sizeof(*edev), GFP_KERNEL);
	if (!edev) {
		ida_free(&ethosu_minors, minor);
		return ERR_PTR(-ENOMEM);
	}

	edev->minor = minor;
	edev->rpdev = rpdev;
	mutex_init(&edev->mutex);
	ethosu_mailbox_init(&edev->mailbox, &edev->mutex, &edev->dev);
	cdev_init(&edev->cdev, &ethosu_device_fops);
	edev->cdev.owner = THIS_MODULE;

	device_initialize(&edev->dev);
	edev->dev.class = ethosu_class;
	edev->dev.parent = &rpdev->dev;
	edev->dev.devt = MKDEV(MAJOR(ethosu_devt), minor);
	edev->dev.release = ethosu_device_release;
	dev_set_drvdata(&edev->dev, edev);

	/* From here on the struct is freed by its release callback */
	ret = dev_set_name(&edev->dev, "ethosu%d", minor);
	if (!ret)
		ret = ethosu_device_dma_configure(edev, rpdev);
	if (ret) {
		ethosu_device_destroy(edev);
		return ERR_PTR(ret);
	}

	return edev;
}

/* Creates the character device and /dev/ethosuN. */
int ethosu_device_publish(struct ethosu_device *edev)
{
	int ret;

	ret = cdev_device_add(&edev->cdev, &edev->dev);
	if (ret)
		return ret;

	edev->published = true;

	return 0;
}

/*
 * Removes /dev/ethosuN and frees the minor for the next subsystem; the struct lives on until
 * the last fd and object let go of it. The mailbox must be closed already.
 */
void ethosu_device_destroy(struct ethosu_device *edev)
{
	if (edev->published)
		cdev_device_del(&edev->cdev, &edev->dev);
	edev->published = false;
	ida_free(&ethosu_minors, edev->minor);
	put_device(&edev->dev);
}
