// SPDX-License-Identifier: Apache-2.0
// A network fd: NETWORK_INFO and INFERENCE_CREATE.
#pragma once

#include <napi.h>

#include "fd_object.h"

namespace ethosu {

class Network : public Napi::ObjectWrap<Network>, private FdObject {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps `fd`; owns it from the call on.
  static Napi::Value Create(Napi::Env env, int fd);

  explicit Network(const Napi::CallbackInfo& info);

 private:
  struct Init {
    int fd;
  };

  Napi::Value GetFd(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
  // createInference(ifmFds, ofmFds, pmuEvents, cycleCounter)
  Napi::Value CreateInference(const Napi::CallbackInfo& info);
};

}  // namespace ethosu
