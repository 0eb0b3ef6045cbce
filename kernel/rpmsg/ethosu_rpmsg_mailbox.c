// SPDX-License-Identifier: GPL-2.0-only
/*
 * Request/response bookkeeping on the rpmsg endpoint of one Ethos-U subsystem: message ids,
 * sending with a bounded wait for TX buffers, response matching and failing everything pending
 * when the subsystem goes away.
 */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

#include "ethosu_rpmsg_mailbox.h"
#include "ethosu_rpmsg_msg.h"

/* How long a sender may wait in total for the transport to free a TX buffer */
#define ETHOSU_MAILBOX_TX_TIMEOUT_MS 15000
/*
 * TX buffers can be returned without the firmware sending anything, which would not wake us:
 * retry at least this often.
 */
#define ETHOSU_MAILBOX_TX_RETRY_MS 10

void ethosu_mailbox_init(struct ethosu_mailbox *mbox, struct mutex *lock, struct device *dev)
{
	memset(mbox, 0, sizeof(*mbox));
	mbox->lock = lock;
	mbox->dev = dev;
	idr_init(&mbox->msgs);
	init_waitqueue_head(&mbox->tx_wq);
}

/* Frees the IDR; the mailbox must be closed and nothing registered any more. */
void ethosu_mailbox_destroy(struct ethosu_mailbox *mbox)
{
	WARN_ON(!idr_is_empty(&mbox->msgs));
	idr_destroy(&mbox->msgs);
}

int ethosu_mailbox_open(struct ethosu_mailbox *mbox, struct rpmsg_device *rpdev,
			rpmsg_rx_cb_t cb, void *priv)
{
	struct rpmsg_channel_info chinfo = {
		.src = RPMSG_ADDR_ANY,
		.dst = rpdev->dst,
	};
	struct rpmsg_endpoint *ept;

	strscpy(chinfo.name, rpdev->id.name, sizeof(chinfo.name));
	ept = rpmsg_create_ept(rpdev, cb, priv, chinfo);
	if (!ept)
		return -ENOMEM;

	mutex_lock(mbox->lock);
	mbox->ept = ept;
	mutex_unlock(mbox->lock);

	return 0;
}

/*
 * Stops all traffic: later sends fail with -ENODEV, waiting senders wake up, and every pending
 * request gets its fail callback. Returns the endpoint, which the caller destroys after dropping
 * the lock (destroying waits for a running rx callback, which takes the lock).
 */
struct rpmsg_endpoint *ethosu_mailbox_close(struct ethosu_mailbox *mbox)
{
	struct rpmsg_endpoint *ept = mbox->ept;
	struct ethosu_mailbox_msg *msg;
	int id;

	lockdep_assert_held(mbox->lock);

	mbox->ept = NULL;
	idr_for_each_entry(&mbox->msgs, msg, id) {
		idr_remove(&mbox->msgs, id);
		msg->id = -1;
		msg->ops->fail(msg);
	}
	ethosu_mailbox_kick_tx(mbox);

	return ept;
}

int ethosu_mailbox_register(struct ethosu_mailbox *mbox, struct ethosu_mailbox_msg *msg, u32 type,
			    const struct ethosu_mailbox_msg_ops *ops)
{
	int id;

	lockdep_assert_held(mbox->lock);

	/* Nothing registered after close would ever be failed */
	if (!mbox->ept)
		return -ENODEV;

	/* end = 0: ids run cyclically through 0..INT_MAX */
	id = idr_alloc_cyclic(&mbox->msgs, msg, 0, 0, GFP_KERNEL);
	if (id < 0)
		return id;

	msg->id = id;
	msg->type = type;
	msg->ops = ops;

	return 0;
}

/* Returns true if @msg was still registered, i.e. no response or failure has claimed it. */
bool ethosu_mailbox_deregister(struct ethosu_mailbox *mbox, struct ethosu_mailbox_msg *msg)
{
	lockdep_assert_held(mbox->lock);

	if (msg->id < 0)
		return false;

	idr_remove(&mbox->msgs, msg->id);
	msg->id = -1;

	return true;
}

/* The pending request a response of type @rsp_type with @msg_id answers, or NULL. */
struct ethosu_mailbox_msg *ethosu_mailbox_find(struct ethosu_mailbox *mbox, u64 msg_id,
					       u32 rsp_type)
{
	struct ethosu_mailbox_msg *msg = NULL;

	lockdep_assert_held(mbox->lock);

	if (msg_id <= INT_MAX)
		msg = idr_find(&mbox->msgs, (int)msg_id);

	if (!msg) {
		dev_warn_ratelimited(mbox->dev, "rx: no pending request with id %llu for type %u\n",
				     msg_id, rsp_type);
		return NULL;
	}

	if (ethosu_rpmsg_rsp_type(msg->type) != rsp_type) {
		dev_warn_ratelimited(mbox->dev,
				     "rx: id %llu is a type %u request, not answered by type %u\n",
				     msg_id, msg->type, rsp_type);
		return NULL;
	}

	return msg;
}

/* Wakes senders waiting for a TX buffer; the rx path calls it after every message. */
void ethosu_mailbox_kick_tx(struct ethosu_mailbox *mbox)
{
	WRITE_ONCE(mbox->tx_kicks, mbox->tx_kicks + 1);
	wake_up_all(&mbox->tx_wq);
}

/*
 * Sends without blocking while the transport is out of TX buffers, dropping the lock while it
 * waits so the rx path (which frees buffers on the remote side) and other users can run. With
 * @nonblock (an fd opened O_NONBLOCK) a full transport is -EAGAIN at once instead.
 */
static int ethosu_mailbox_trysend(struct ethosu_mailbox *mbox, void *data, size_t len,
				  bool nonblock)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ETHOSU_MAILBOX_TX_TIMEOUT_MS);

	lockdep_assert_held(mbox->lock);

	for (;;) {
		unsigned long now, wait;
		unsigned int kicks;
		long ret;

		if (!mbox->ept)
			return -ENODEV;

		ret = rpmsg_trysend(mbox->ept, data, len);
		if (ret != -ENOMEM)
			return ret;
		if (nonblock)
			return -EAGAIN;

		now = jiffies;
		if (time_after_eq(now, deadline))
			return -ETIME;

		wait = min(deadline - now, msecs_to_jiffies(ETHOSU_MAILBOX_TX_RETRY_MS));
		kicks = mbox->tx_kicks;
		mutex_unlock(mbox->lock);
		ret = wait_event_interruptible_timeout(mbox->tx_wq,
						       READ_ONCE(mbox->tx_kicks) != kicks, wait);
		mutex_lock(mbox->lock);
		if (ret < 0)
			return -EINTR;
	}
}

int ethosu_mailbox_send(struct ethosu_mailbox *mbox, struct ethosu_rpmsg *rpmsg, u32 type,
			u64 msg_id, size_t payload_len)
{
	ethosu_rpmsg_header_init(&rpmsg->header, type, msg_id);

	return ethosu_mailbox_trysend(mbox, rpmsg, sizeof(rpmsg->header) + payload_len, false);
}

/* Sends the request of a registered message, with its type and id in the header. */
int ethosu_mailbox_send_msg(struct ethosu_mailbox *mbox, struct ethosu_mailbox_msg *msg,
			    struct ethosu_rpmsg *rpmsg, size_t payload_len, bool nonblock)
{
	ethosu_rpmsg_header_init(&rpmsg->header, msg->type, msg->id);

	return ethosu_mailbox_trysend(mbox, rpmsg, sizeof(rpmsg->header) + payload_len, nonblock);
}

/* Header-only message from the rx path, which must never wait for a TX buffer. */
int ethosu_mailbox_send_nowait(struct ethosu_mailbox *mbox, u32 type, u64 msg_id)
{
	struct ethosu_rpmsg_header hdr;

	lockdep_assert_held(mbox->lock);

	if (!mbox->ept)
		return -ENODEV;

	ethosu_rpmsg_header_init(&hdr, type, msg_id);

	return rpmsg_trysend(mbox->ept, &hdr, sizeof(hdr));
}

/*
 * Sends a request and sleeps, without the lock, until its response handler calls
 * ethosu_mailbox_call_complete(), the subsystem fails (-EFAULT), @timeout_ms pass (-ETIME) or
 * the caller is killed (-EINTR). Called and returns with the lock held; returns the send error
 * or the handler's result.
 */
int ethosu_mailbox_call(struct ethosu_mailbox *mbox, struct ethosu_mailbox_call *call, u32 type,
			const struct ethosu_mailbox_msg_ops *ops, struct ethosu_rpmsg *rpmsg,
			size_t payload_len, unsigned int timeout_ms)
{
	int ret;

	init_completion(&call->done);
	call->err = 0;

	ret = ethosu_mailbox_register(mbox, &call->msg, type, ops);
	if (ret)
		return ret;

	ret = ethosu_mailbox_send_msg(mbox, &call->msg, rpmsg, payload_len, false);
	if (ret) {
		ethosu_mailbox_deregister(mbox, &call->msg);
		return ret;
	}

	mutex_unlock(mbox->lock);
	ret = wait_for_completion_killable_timeout(&call->done, msecs_to_jiffies(timeout_ms));
	mutex_lock(mbox->lock);

	/* Still registered: nothing answered, even if the response is on its way right now */
	if (ethosu_mailbox_deregister(mbox, &call->msg))
		return ret < 0 ? -EINTR : -ETIME;

	return call->err;
}

void ethosu_mailbox_call_complete(struct ethosu_mailbox_call *call, int err)
{
	call->err = err;
	complete(&call->done);
}

void ethosu_mailbox_call_fail(struct ethosu_mailbox_msg *msg)
{
	ethosu_mailbox_call_complete(container_of(msg, struct ethosu_mailbox_call, msg), -EFAULT);
}
