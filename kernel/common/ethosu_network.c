// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network fds ("ethosu-network"): a model copied from user memory into DMA memory the firmware
 * reads, or the index of a model built into the firmware. Inferences are created on them.
 */

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ethosu_device.h"
#include "ethosu_inference.h"
#include "ethosu_network.h"
#include "ethosu_network_info.h"

static void ethosu_network_free(struct kref *kref)
{
	struct ethosu_network *net = container_of(kref, struct ethosu_network, kref);
	struct ethosu_device *edev = net->edev;

	ethosu_dma_mem_free(&edev->dev, &net->mem);
	kfree(net);
	put_device(&edev->dev);
}

void ethosu_network_get(struct ethosu_network *net)
{
	kref_get(&net->kref);
}

void ethosu_network_put(struct ethosu_network *net)
{
	kref_put(&net->kref, ethosu_network_free);
}

static int ethosu_network_release(struct inode *inode, struct file *file)
{
	ethosu_network_put(file->private_data);

	return 0;
}

static long ethosu_network_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ethosu_network *net = file->private_data;
	void __user *udata = (void __user *)arg;

	switch (cmd) {
	case ETHOSU_IOCTL_NETWORK_INFO:
		return ethosu_network_info_ioctl(net, udata);
	case ETHOSU_IOCTL_INFERENCE_CREATE:
		return ethosu_inference_create_ioctl(net, udata, file->f_flags & O_NONBLOCK);
	default:
		return -ENOIOCTLCMD;
	}
}

static const struct file_operations ethosu_network_fops = {
	.owner = THIS_MODULE,
	.release = ethosu_network_release,
	.unlocked_ioctl = ethosu_network_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* How the firmware finds the model: its DMA address and size, or its built-in index. */
void ethosu_network_to_rpmsg(const struct ethosu_network *net,
			     struct ethosu_rpmsg_network_buffer *out)
{
	if (net->mem.cpu) {
		out->type = ETHOSU_RPMSG_NETWORK_BUFFER;
		out->buffer.ptr = lower_32_bits(net->mem.dma);
		out->buffer.size = net->mem.size;
	} else {
		out->type = ETHOSU_RPMSG_NETWORK_INDEX;
		out->index = net->index;
	}
}

static int ethosu_network_load(struct ethosu_network *net,
			       const struct ethosu_uapi_network_create *uapi)
{
	void __user *data = u64_to_user_ptr(uapi->network.data_ptr);
	int ret;

	if (!uapi->network.data_ptr || !uapi->network.size)
		return -EINVAL;

	ret = ethosu_dma_mem_alloc(&net->edev->dev, &net->mem, uapi->network.size);
	if (ret)
		return ret;

	/*
	 * Deliberate difference from upstream, which returns copy_from_user()'s positive count of
	 * bytes not copied here: a fault is -EFAULT.
	 */
	if (copy_from_user(net->mem.cpu, data, uapi->network.size))
		return -EFAULT;

	return 0;
}

/*
 * Returns the new fd. The model is copied before the device lock is taken: a slow or faulting
 * user page must not stall the rx path or the removal of the subsystem.
 */
int ethosu_network_create(struct ethosu_device *edev,
			  const struct ethosu_uapi_network_create *uapi)
{
	struct ethosu_network *net;
	int ret;

	if (uapi->type != ETHOSU_UAPI_NETWORK_USER_BUFFER &&
	    uapi->type != ETHOSU_UAPI_NETWORK_INDEX)
		return -EINVAL;

	net = kzalloc(sizeof(*net), GFP_KERNEL);
	if (!net)
		return -ENOMEM;

	net->edev = edev;
	get_device(&edev->dev);
	kref_init(&net->kref);

	if (uapi->type == ETHOSU_UAPI_NETWORK_USER_BUFFER) {
		ret = ethosu_network_load(net, uapi);
		if (ret)
			goto put;
	} else {
		/* Not checked here: an unknown index fails at NETWORK_INFO or inference time */
		net->index = uapi->index;
	}

	ret = ethosu_device_lock(edev);
	if (ret)
		goto put;

	ret = anon_inode_getfd("ethosu-network", &ethosu_network_fops, net, O_RDWR | O_CLOEXEC);
	mutex_unlock(&edev->mutex);
	if (ret < 0)
		goto put;

	return ret;

put:
	ethosu_network_put(net);

	return ret;
}
