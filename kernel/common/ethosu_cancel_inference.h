/* SPDX-License-Identifier: GPL-2.0-only */
/* INFERENCE_CANCEL: ask the firmware to drop a running inference. */
#ifndef ETHOSU_CANCEL_INFERENCE_H
#define ETHOSU_CANCEL_INFERENCE_H

#include "uapi/ethosu.h"

struct ethosu_inference;

int ethosu_cancel_inference(struct ethosu_inference *inf,
			    struct ethosu_uapi_cancel_inference_status *st);

#endif /* ETHOSU_CANCEL_INFERENCE_H */
