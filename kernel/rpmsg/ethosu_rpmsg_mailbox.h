/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Request/response bookkeeping on the rpmsg endpoint of one Ethos-U subsystem.
 *
 * Every function here is called with the device mutex (mailbox->lock) held.
 */
#ifndef ETHOSU_RPMSG_MAILBOX_H
#define ETHOSU_RPMSG_MAILBOX_H

#include <linux/completion.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/rpmsg.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "rpmsg/ethosu_rpmsg.h"

struct ethosu_mailbox_msg;

struct ethosu_mailbox_msg_ops {
	/* A validated response of the matching type arrived; msg is already deregistered. */
	void (*rsp)(struct ethosu_mailbox_msg *msg, const struct ethosu_rpmsg *rpmsg);
	/* The subsystem went away before the response came; msg is already deregistered. */
	void (*fail)(struct ethosu_mailbox_msg *msg);
};

/* A request waiting for its response, embedded in its owner. */
struct ethosu_mailbox_msg {
	int id;		/* rpmsg msg_id, -1 while not registered */
	u32 type;	/* the request's ETHOSU_RPMSG_* type */
	const struct ethosu_mailbox_msg_ops *ops;
};

/* A request whose sender sleeps until the response or a failure (see ethosu_mailbox_call). */
struct ethosu_mailbox_call {
	struct ethosu_mailbox_msg msg;
	struct completion done;
	int err;
};

struct ethosu_mailbox {
	/* The device mutex, held by every caller */
	struct mutex *lock;
	struct device *dev;
	/* NULL before open and after close: sending then fails with -ENODEV */
	struct rpmsg_endpoint *ept;
	struct idr msgs;
	/* Senders waiting for a free TX buffer; woken after every received message */
	wait_queue_head_t tx_wq;
	unsigned int tx_kicks;
};

void ethosu_mailbox_init(struct ethosu_mailbox *mbox, struct mutex *lock, struct device *dev);
void ethosu_mailbox_destroy(struct ethosu_mailbox *mbox);
int ethosu_mailbox_open(struct ethosu_mailbox *mbox, struct rpmsg_device *rpdev,
			rpmsg_rx_cb_t cb, void *priv);
struct rpmsg_endpoint *ethosu_mailbox_close(struct ethosu_mailbox *mbox);

int ethosu_mailbox_register(struct ethosu_mailbox *mbox, struct ethosu_mailbox_msg *msg, u32 type,
			    const struct ethosu_mailbox_msg_ops *ops);
bool ethosu_mailbox_deregister(struct ethosu_mailbox *mbox, struct ethosu_mailbox_msg *msg);
struct ethosu_mailbox_msg *ethosu_mailbox_find(struct ethosu_mailbox *mbox, u64 msg_id,
					       u32 rsp_type);

int ethosu_mailbox_send(struct ethosu_mailbox *mbox, struct ethosu_rpmsg *rpmsg, u32 type,
			u64 msg_id, size_t payload_len);
int ethosu_mailbox_send_msg(struct ethosu_mailbox *mbox, struct ethosu_mailbox_msg *msg,
			    struct ethosu_rpmsg *rpmsg, size_t payload_len, bool nonblock);
int ethosu_mailbox_send_nowait(struct ethosu_mailbox *mbox, u32 type, u64 msg_id);
void ethosu_mailbox_kick_tx(struct ethosu_mailbox *mbox);

int ethosu_mailbox_call(struct ethosu_mailbox *mbox, struct ethosu_mailbox_call *call, u32 type,
			const struct ethosu_mailbox_msg_ops *ops, struct ethosu_rpmsg *rpmsg,
			size_t payload_len, unsigned int timeout_ms);
void ethosu_mailbox_call_complete(struct ethosu_mailbox_call *call, int err);
void ethosu_mailbox_call_fail(struct ethosu_mailbox_msg *msg);

#endif /* ETHOSU_RPMSG_MAILBOX_H */
