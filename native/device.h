// SPDX-License-Identifier: Apache-2.0
// An open Ethos-U device node (/dev/ethosuN) and its ioctls.
#pragma once

#include <napi.h>

#include <string>

#include "ethosu_abi.h"
#include "fd_object.h"

namespace ethosu {

class Device : public Napi::ObjectWrap<Device>, private FdObject {
 public:
  static Napi::Function Define(Napi::Env env);
  // binding.open(path): opens the node O_RDWR|O_NONBLOCK|O_CLOEXEC.
  static Napi::Value Open(const Napi::CallbackInfo& info);

  explicit Device(const Napi::CallbackInfo& info);

 private:
  struct Init {
    int fd;
    std::string path;
  };

  Napi::Value GetFd(const Napi::CallbackInfo& info);
  Napi::Value GetPath(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  // ping(): Promise<void>. PING waits for room in the firmware's queue (up to 15 s when it is
  // full): on a worker thread.
  Napi::Value Ping(const Napi::CallbackInfo& info);
  Napi::Value DriverVersion(const Napi::CallbackInfo& info);
  Napi::Value Capabilities(const Napi::CallbackInfo& info);
  Napi::Value CreateBuffer(const Napi::CallbackInfo& info);
  Napi::Value CreateNetwork(const Napi::CallbackInfo& info);
  Napi::Value CreateNetworkIndex(const Napi::CallbackInfo& info);
  // loadNetwork(bytes | index): Promise<{ network, info }>, NETWORK_CREATE and NETWORK_INFO on
  // a worker thread (NETWORK_INFO waits up to 3 s for the firmware).
  Napi::Value LoadNetwork(const Napi::CallbackInfo& info);

 public:
  // A load job is done with the fd.
  void ReleaseFd() { Unhold(); }
  const std::string& path() const { return path_; }
  // A worker learnt which numbering the kernel speaks.
  void LearnNumbering(Numbering n) {
    numbering_ = n;
    numbering_known_ = true;
  }

 private:

  // Runs one of the commands whose number depends on the ABI variant, learning the variant from
  // the first ENOTTY.
  void NumberedIoctl(Napi::Env env, const char* name, unsigned long primary,
                     unsigned long alternative, void* arg);
  Napi::Value NetworkFromCreate(Napi::Env env, ethosu_uapi_network_create* req);

  std::string path_;
  Numbering numbering_ = Numbering::kPrimary;
  bool numbering_known_ = false;
};

}  // namespace ethosu
