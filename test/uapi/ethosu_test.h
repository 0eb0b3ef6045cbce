/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Everything a UAPI conformance program needs: case reporting (report.h), the emulated
 * subsystems and their formulas (emu_model.h), ioctl wrappers and inference jobs (uapi_ops.h).
 */
#ifndef ETHOSU_TEST_H
#define ETHOSU_TEST_H

#include "uapi_ops.h"

#endif /* ETHOSU_TEST_H */
