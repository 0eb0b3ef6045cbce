// SPDX-License-Identifier: Apache-2.0
// Module entry: per-environment classes and the UAPI constants the TypeScript side needs (it
// never re-declares them).
#include <napi.h>

#include "addon_data.h"
#include "buffer.h"
#include "device.h"
#include "ethosu_abi.h"
#include "inference.h"
#include "network.h"
#include "sim/sim.h"

namespace ethosu {
namespace {

Napi::Object Constants(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
  Napi::Object version = Napi::Object::New(env);
  version.Set("major", ETHOSU_KERNEL_DRIVER_VERSION_MAJOR);
  version.Set("minor", ETHOSU_KERNEL_DRIVER_VERSION_MINOR);
  version.Set("patch", ETHOSU_KERNEL_DRIVER_VERSION_PATCH);
  c.Set("DRIVER_VERSION", version);
  c.Set("FD_MAX", ETHOSU_FD_MAX);
  c.Set("PMU_EVENT_MAX", ETHOSU_PMU_EVENT_MAX);
  c.Set("NETWORK_DESC_MAX", ETHOSU_NETWORK_DESC_MAX);

  Napi::Object status = Napi::Object::New(env);
  status.Set("OK", static_cast<int>(ETHOSU_UAPI_STATUS_OK));
  status.Set("ERROR", static_cast<int>(ETHOSU_UAPI_STATUS_ERROR));
  status.Set("RUNNING", static_cast<int>(ETHOSU_UAPI_STATUS_RUNNING));
  status.Set("REJECTED", static_cast<int>(ETHOSU_UAPI_STATUS_REJECTED));
  status.Set("ABORTED", static_cast<int>(ETHOSU_UAPI_STATUS_ABORTED));
  status.Set("ABORTING", static_cast<int>(ETHOSU_UAPI_STATUS_ABORTING));
  c.Set("STATUS", status);

  Napi::Object type = Napi::Object::New(env);
  type.Set("UNKNOWN", static_cast<int>(ETHOSU_UAPI_DEVICE_UNKNOWN));
  type.Set("SUBSYSTEM", static_cast<int>(ETHOSU_UAPI_DEVICE_SUBSYSTEM));
  type.Set("DIRECT", static_cast<int>(ETHOSU_UAPI_DEVICE_DIRECT));
  c.Set("DEVICE_TYPE", type);
  c.Freeze();
  return c;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData(data);  // deleted with the environment
  data->device_ctor = Napi::Persistent(Device::Define(env));
  data->buffer_ctor = Napi::Persistent(Buffer::Define(env));
  data->network_ctor = Napi::Persistent(Network::Define(env));
  data->inference_ctor = Napi::Persistent(Inference::Define(env));

  exports.Set("open", Napi::Function::New(env, Device::Open, "open"));
  exports.Set("constants", Constants(env));
  exports.Set("sim", sim::Init(env));  // the in-process NPU model behind sim: devices
  return exports;
}

}  // namespace ethosu

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return ethosu::Init(env, exports);
}

NODE_API_MODULE(ethosu, InitAddon)
