// SPDX-License-Identifier: Apache-2.0
// The simulated device's native half: the NPU functional model (npu/) run in-process, off the
// JS thread. src/sim/ builds the rest of a device around it.
#pragma once

#include <napi.h>

namespace ethosu {
namespace sim {

// The `sim` export: { hw(name, macs), Model }.
Napi::Object Init(Napi::Env env);

}  // namespace sim
}  // namespace ethosu
