// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inference fds ("ethosu-inference"). INFERENCE_CREATE sends the request at once; the fd polls
 * readable when the firmware answered (or the subsystem went away) and reports the status and
 * PMU counts; INFERENCE_CANCEL asks the firmware to drop it.
 */

#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ethosu_buffer.h"
#include "ethosu_cancel_inference.h"
#include "ethosu_device.h"
#include "ethosu_inference.h"
#include "ethosu_ioctl_compat.h"
#include "ethosu_network.h"

static void ethosu_inference_free(struct kref *kref)
{
	struct ethosu_inference *inf = container_of(kref, struct ethosu_inference, kref);
	struct ethosu_device *edev = inf->edev;
	u32 i;

	for (i = 0; i < inf->ifm_count; i++)
		ethosu_buffer_put(inf->ifm[i]);
	for (i = 0; i < inf->ofm_count; i++)
		ethosu_buffer_put(inf->ofm[i]);
	ethosu_network_put(inf->net);
	kfree(inf);
	put_device(&edev->dev);
}

static void ethosu_inference_put(struct ethosu_inference *inf)
{
	kref_put(&inf->kref, ethosu_inference_free);
}

/* Final status is set: wake pollers and drop the pending request's reference. */
static void ethosu_inference_finish(struct ethosu_inference *inf, enum ethosu_uapi_status status)
{
	inf->status = status;
	WRITE_ONCE(inf->done, true);
	wake_up_interruptible_poll(&inf->waitq, EPOLLIN);
	ethosu_inference_put(inf);
}

static void ethosu_inference_rsp(struct ethosu_mailbox_msg *msg,
				 const struct ethosu_rpmsg *rpmsg)
{
	struct ethosu_inference *inf = container_of(msg, struct ethosu_inference, msg);
	const struct ethosu_rpmsg_inference_rsp *rsp = &rpmsg->inf_rsp;
	enum ethosu_uapi_status status;
	int i;

	/* A cancel was sent: whatever the firmware says, the user asked for this to stop */
	if (inf->status == ETHOSU_UAPI_STATUS_ABORTING ||
	    inf->status == ETHOSU_UAPI_STATUS_ABORTED)
		status = ETHOSU_UAPI_STATUS_ABORTED;
	else if (rsp->status == ETHOSU_RPMSG_STATUS_OK && rsp->ofm_count <= ETHOSU_FD_MAX)
		status = ETHOSU_UAPI_STATUS_OK;
	else if (rsp->status == ETHOSU_RPMSG_STATUS_REJECTED)
		status = ETHOSU_UAPI_STATUS_REJECTED;
	else if (rsp->status == ETHOSU_RPMSG_STATUS_ABORTED)
		status = ETHOSU_UAPI_STATUS_ABORTED;
	else
		status = ETHOSU_UAPI_STATUS_ERROR;

	/* PMU results are only meaningful for an inference that ran to the end */
	if (status == ETHOSU_UAPI_STATUS_OK) {
		for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++) {
			inf->pmu_event_config[i] = rsp->pmu_event_config[i];
			inf->pmu_event_count[i] = rsp->pmu_event_count[i];
		}
		inf->pmu_cycle_counter_enable = rsp->pmu_cycle_counter_enable;
		inf->pmu_cycle_counter_count = rsp->pmu_cycle_counter_count;
	}

	ethosu_inference_finish(inf, status);
}

static void ethosu_inference_fail(struct ethosu_mailbox_msg *msg)
{
	struct ethosu_inference *inf = container_of(msg, struct ethosu_inference, msg);

	if (inf->status == ETHOSU_UAPI_STATUS_ABORTING ||
	    inf->status == ETHOSU_UAPI_STATUS_ABORTED)
		ethosu_inference_finish(inf, ETHOSU_UAPI_STATUS_ABORTED);
	else
		ethosu_inference_finish(inf, ETHOSU_UAPI_STATUS_ERROR);
}

static const struct ethosu_mailbox_msg_ops ethosu_inference_ops = {
	.rsp = ethosu_inference_rsp,
	.fail = ethosu_inference_fail,
};

static void ethosu_inference_fill_buffers(struct ethosu_rpmsg_buffer *out,
					  struct ethosu_buffer *const *bufs, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		out[i].ptr = lower_32_bits(bufs[i]->mem.dma);
		out[i].size = bufs[i]->mem.size;
	}
}

/*
 * Registers and sends the request; on success the pending request holds a reference. With
 * @nonblock a full TX ring is -EAGAIN instead of a wait for space.
 */
static int ethosu_inference_send(struct ethosu_inference *inf, bool nonblock)
{
	struct ethosu_mailbox *mbox = &inf->edev->mailbox;
	struct ethosu_rpmsg req = {};
	struct ethosu_rpmsg_inference_req *r = &req.inf_req;
	int ret;

	r->ifm_count = inf->ifm_count;
	ethosu_inference_fill_buffers(r->ifm, inf->ifm, inf->ifm_count);
	r->ofm_count = inf->ofm_count;
	ethosu_inference_fill_buffers(r->ofm, inf->ofm, inf->ofm_count);
	ethosu_network_to_rpmsg(inf->net, &r->network);
	memcpy(r->pmu_event_config, inf->pmu_event_config, sizeof(r->pmu_event_config));
	r->pmu_cycle_counter_enable = inf->pmu_cycle_counter_enable;

	kref_get(&inf->kref);
	ret = ethosu_mailbox_register(mbox, &inf->msg, ETHOSU_RPMSG_INFERENCE_REQ,
				      &ethosu_inference_ops);
	if (ret) {
		ethosu_inference_put(inf);
		return ret;
	}

	inf->status = ETHOSU_UAPI_STATUS_RUNNING;
	ret = ethosu_mailbox_send_msg(mbox, &inf->msg, &req, sizeof(*r), nonblock);
	/* Unless the subsystem failed it meanwhile (which dropped the reference), take it back */
	if (ret && ethosu_mailbox_deregister(mbox, &inf->msg))
		ethosu_inference_put(inf);

	return ret;
}

static int ethosu_inference_status(struct ethosu_inference *inf, void __user *udata,
				   unsigned int size)
{
	struct ethosu_uapi_result_status_u32 st32 = {};
	struct ethosu_uapi_result_status st = {};
	int i, ret;

	/*
	 * Local state only: a result stays readable after the subsystem went away (its removal
	 * finished every pending inference, so no status changes after that).
	 */
	ret = mutex_lock_interruptible(&inf->edev->mutex);
	if (ret)
		return ret;

	st.status = inf->status;
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++) {
		st.pmu_config.events[i] = inf->pmu_event_config[i];
		st.pmu_count.events[i] = inf->pmu_event_count[i];
	}
	st.pmu_config.cycle_count = inf->pmu_cycle_counter_enable;
	st.pmu_count.cycle_count = inf->pmu_cycle_counter_count;
	mutex_unlock(&inf->edev->mutex);

	if (size == sizeof(st32)) {
		/* The alias layout: 32-bit event counts, truncated */
		st32.status = st.status;
		st32.pmu_config = st.pmu_config;
		for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++)
			st32.pmu_count.events[i] = lower_32_bits(st.pmu_count.events[i]);
		st32.pmu_count.cycle_count = st.pmu_count.cycle_count;

		return copy_to_user(udata, &st32, sizeof(st32)) ? -EFAULT : 0;
	}

	return copy_to_user(udata, &st, sizeof(st)) ? -EFAULT : 0;
}

static int ethosu_inference_cancel_ioctl(struct ethosu_inference *inf, void __user *udata)
{
	struct ethosu_uapi_cancel_inference_status st = {};
	int ret;

	ret = ethosu_device_lock(inf->edev);
	if (ret)
		return ret;

	ret = ethosu_cancel_inference(inf, &st);
	mutex_unlock(&inf->edev->mutex);
	if (ret)
		return ret;

	return copy_to_user(udata, &st, sizeof(st)) ? -EFAULT : 0;
}

static long ethosu_inference_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ethosu_inference *inf = file->private_data;
	void __user *udata = (void __user *)arg;

	switch (ethosu_ioctl_canonical(cmd)) {
	case ETHOSU_IOCTL_INFERENCE_STATUS:
		/* Canonical or alias: the encoded size says which layout to write */
		return ethosu_inference_status(inf, udata, _IOC_SIZE(cmd));
	case ETHOSU_IOCTL_INFERENCE_CANCEL:
		return ethosu_inference_cancel_ioctl(inf, udata);
	default:
		return -ENOIOCTLCMD;
	}
}

static __poll_t ethosu_inference_poll(struct file *file, poll_table *wait)
{
	struct ethosu_inference *inf = file->private_data;

	poll_wait(file, &inf->waitq, wait);

	return READ_ONCE(inf->done) ? EPOLLIN : 0;
}

static int ethosu_inference_release(struct inode *inode, struct file *file)
{
	ethosu_inference_put(file->private_data);

	return 0;
}

static const struct file_operations ethosu_inference_fops = {
	.owner = THIS_MODULE,
	.release = ethosu_inference_release,
	.poll = ethosu_inference_poll,
	.unlocked_ioctl = ethosu_inference_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* Takes a reference on each buffer; *count says how many to put back, even on failure. */
static int ethosu_inference_get_buffers(struct ethosu_inference *inf,
					struct ethosu_buffer **bufs, u32 *count,
					const __u32 *fds, u32 nfds)
{
	struct ethosu_buffer *buf;
	u32 i;

	for (i = 0; i < nfds; i++) {
		buf = ethosu_buffer_get_from_fd(inf->edev, fds[i]);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		bufs[i] = buf;
		*count = i + 1;
	}

	return 0;
}

/* Called with the device lock held. Returns the new fd. */
static int ethosu_inference_create(struct ethosu_network *net,
				   const struct ethosu_uapi_inference_create *uapi, bool nonblock)
{
	struct ethosu_device *edev = net->edev;
	struct ethosu_inference *inf;
	struct file *file;
	int fd, ret, i;

	inf = kzalloc(sizeof(*inf), GFP_KERNEL);
	if (!inf)
		return -ENOMEM;

	inf->edev = edev;
	get_device(&edev->dev);
	inf->net = net;
	ethosu_network_get(net);
	kref_init(&inf->kref);
	init_waitqueue_head(&inf->waitq);
	inf->msg.id = -1;
	inf->status = ETHOSU_UAPI_STATUS_ERROR;

	ret = ethosu_inference_get_buffers(inf, inf->ifm, &inf->ifm_count, uapi->ifm_fd,
					   uapi->ifm_count);
	if (ret)
		goto put;

	ret = ethosu_inference_get_buffers(inf, inf->ofm, &inf->ofm_count, uapi->ofm_fd,
					   uapi->ofm_count);
	if (ret)
		goto put;

	/* The firmware takes 8-bit event ids and an 8-bit enable: upstream truncates both */
	for (i = 0; i < ETHOSU_PMU_EVENT_MAX; i++)
		inf->pmu_event_config[i] = uapi->pmu_config.events[i] & 0xff;
	inf->pmu_cycle_counter_enable = uapi->pmu_config.cycle_count & 0xff;

	/* Get the fd and file ready first, so a sent request always ends up with an fd */
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto put;
	}

	file = anon_inode_getfile("ethosu-inference", &ethosu_inference_fops, inf,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		ret = PTR_ERR(file);
		goto put;
	}

	ret = ethosu_inference_send(inf, nonblock);
	if (ret) {
		/* The file's release drops the reference the fd would have held */
		fput(file);
		put_unused_fd(fd);
		return ret;
	}

	fd_install(fd, file);

	return fd;

put:
	ethosu_inference_put(inf);

	return ret;
}

/* @nonblock: the network fd is O_NONBLOCK; a full TX ring is then -EAGAIN (poll and retry). */
long ethosu_inference_create_ioctl(struct ethosu_network *net, void __user *udata, bool nonblock)
{
	struct ethosu_uapi_inference_create uapi;
	int ret;

	if (copy_from_user(&uapi, udata, sizeof(uapi)))
		return -EFAULT;

	/* Upstream answers too many fds with -EFAULT, not -EINVAL; kept for compatibility */
	if (uapi.ifm_count > ETHOSU_FD_MAX || uapi.ofm_count > ETHOSU_FD_MAX)
		return -EFAULT;

	ret = ethosu_device_lock(net->edev);
	if (ret)
		return ret;

	ret = ethosu_inference_create(net, &uapi, nonblock);
	mutex_unlock(&net->edev->mutex);

	return ret;
}
