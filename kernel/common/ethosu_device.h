/* SPDX-License-Identifier: GPL-2.0-only */
/* One Ethos-U subsystem as user space sees it: /dev/ethosuN and the state its fds share. */
#ifndef ETHOSU_DEVICE_H
#define ETHOSU_DEVICE_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "uapi/ethosu.h"
#include "../rpmsg/ethosu_rpmsg_mailbox.h"

#define ETHOSU_MINOR_COUNT 64

struct rpmsg_device;

struct ethosu_device {
	/*
	 * Its refcount keeps the whole struct alive: the rpmsg binding, every open fd and every
	 * buffer, network and inference hold a reference, so they outlive a removed subsystem.
	 */
	struct device dev;
	struct cdev cdev;
	bool published;
	/* Serialises the ioctls and the rx handler; dropped while waiting for the firmware */
	struct mutex mutex;
	/* The subsystem, NULL once it has gone away (under mutex) */
	struct rpmsg_device *rpdev;
	bool recovery_requested;
	struct ethosu_mailbox mailbox;
	/* Fetched once at probe, read-only afterwards */
	struct ethosu_uapi_device_capabilities capabilities;
	u64 dma_mask;
	int minor;
};

/* Owned by ethosu_main.c */
extern struct class *ethosu_class;
extern dev_t ethosu_devt;

struct ethosu_device *ethosu_device_alloc(struct rpmsg_device *rpdev);
int ethosu_device_publish(struct ethosu_device *edev);
void ethosu_device_destroy(struct ethosu_device *edev);
int ethosu_device_lock(struct ethosu_device *edev);

#endif /* ETHOSU_DEVICE_H */
