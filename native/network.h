// SPDX-License-Identifier: Apache-2.0
// A network fd: NETWORK_INFO and INFERENCE_CREATE.
#pragma once

#include <napi.h>

#include "ethosu_abi.h"
#include "fd_object.h"

namespace ethosu {

class Network : public Napi::ObjectWrap<Network>, private FdObject {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps `fd` and makes it O_NONBLOCK (INFERENCE_CREATE then never waits for the firmware's
  // queue: EAGAIN); owns it from the call on.
  static Napi::Value Create(Napi::Env env, int fd);
  // NETWORK_INFO as { description, ifmSizes, ofmSizes }.
  static Napi::Object InfoObject(Napi::Env env, const ethosu_uapi_network_info& ni);

  explicit Network(const Napi::CallbackInfo& info);

 private:
  struct Init {
    int fd;
  };

  Napi::Value GetFd(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  // createInference(ifmFds, ofmFds, pmuEvents, cycleCounter): the Inference, or null when the
  // firmware's queue is full (EAGAIN).
  Napi::Value CreateInference(const Napi::CallbackInfo& info);
  // Benchmark only (test/bench, not in the library's interface): the same INFERENCE_CREATE on a
  // libuv worker thread (Napi::AsyncWorker), resolving with the Inference or null on EAGAIN, to
  // measure what that design would cost per inference against the O_NONBLOCK call above.
  Napi::Value CreateInferenceOnWorker(const Napi::CallbackInfo& info);

 public:
  void ReleaseFd() { Unhold(); }
};

}  // namespace ethosu
