// SPDX-License-Identifier: Apache-2.0
#include "network.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "addon_data.h"
#include "async_job.h"
#include "convert.h"
#include "errors.h"
#include "ethosu_abi.h"
#include "inference.h"

namespace ethosu {

Napi::Function Network::Define(Napi::Env env) {
  return DefineClass(env, "Network",
                     {
                         InstanceAccessor<&Network::GetFd>("fd"),
                         InstanceMethod<&Network::Close>("close"),
                         InstanceMethod<&Network::Info>("info"),
                         InstanceMethod<&Network::CreateInference>("createInference"),
                         InstanceMethod<&Network::CreateInferenceOnWorker>(
                             "_benchCreateInferenceOnWorker"),
                     });
}

Napi::Value Network::Create(Napi::Env env, int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    int err = errno;
    ::close(fd);
    throw SysError(env, "fcntl(O_NONBLOCK)", err);
  }
  Init init{fd};
  try {
    return NewInternal(env, GetAddonData(env)->network_ctor, &init);
  } catch (...) {
    if (init.fd >= 0) ::close(init.fd);  // the constructor did not take it
    throw;
  }
}

Network::Network(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Network>(info), FdObject(-1, "Network") {
  if (!IsInternalCall(info)) {
    throw Napi::TypeError::New(info.Env(), "Network objects are created by a Device");
  }
  Init* init = info[1].As<Napi::External<Init>>().Data();
  Adopt(init->fd);
  init->fd = -1;
}

Napi::Value Network::GetFd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), RawFd());
}

void Network::Close(const Napi::CallbackInfo&) { CloseFd(); }

static Napi::Array SizesArray(Napi::Env env, const __u32* sizes, __u32 count) {
  // The kernel refuses more than ETHOSU_FD_MAX, but never index past the array on its word.
  count = std::min<__u32>(count, ETHOSU_FD_MAX);
  Napi::Array out = Napi::Array::New(env, count);
  for (__u32 i = 0; i < count; ++i) out.Set(i, sizes[i]);
  return out;
}

Napi::Value Network::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  ethosu_uapi_network_info ni{};
  if (Ioctl(fd, ETHOSU_IOCTL_NETWORK_INFO, &ni) < 0) {
    throw SysError(env, "ioctl(NETWORK_INFO)", errno);
  }
  return InfoObject(env, ni);
}

Napi::Object Network::InfoObject(Napi::Env env, const ethosu_uapi_network_info& ni) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("description", Napi::String::New(env, ni.desc, strnlen(ni.desc, sizeof(ni.desc))));
  out.Set("ifmSizes", SizesArray(env, ni.ifm_size, ni.ifm_count));
  out.Set("ofmSizes", SizesArray(env, ni.ofm_size, ni.ofm_count));
  return out;
}

// Fills `fds` from a JS array of buffer fds; returns the count.
static __u32 FdList(Napi::Env env, const Napi::Value& v, const char* what, __u32* fds) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, std::string(what) + " must be an array");
  Napi::Array arr = v.As<Napi::Array>();
  if (arr.Length() > ETHOSU_FD_MAX) {
    throw Napi::RangeError::New(
        env, std::string(what) + " holds more than " + std::to_string(ETHOSU_FD_MAX) + " buffers");
  }
  for (uint32_t i = 0; i < arr.Length(); ++i) fds[i] = ToU32(env, arr.Get(i), what);
  return arr.Length();
}

// Fills `req` from createInference()'s arguments.
static void InferenceRequest(const Napi::CallbackInfo& info, ethosu_uapi_inference_create* req) {
  Napi::Env env = info.Env();
  req->ifm_count = FdList(env, info[0], "ifmFds", req->ifm_fd);
  req->ofm_count = FdList(env, info[1], "ofmFds", req->ofm_fd);
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsArray()) throw Napi::TypeError::New(env, "pmuEvents must be an array");
    Napi::Array events = info[2].As<Napi::Array>();
    if (events.Length() > ETHOSU_PMU_EVENT_MAX) {
      throw Napi::RangeError::New(
          env, "pmuEvents holds more than " + std::to_string(ETHOSU_PMU_EVENT_MAX) + " events");
    }
    for (uint32_t i = 0; i < events.Length(); ++i) {
      req->pmu_config.events[i] = ToU32(env, events.Get(i), "pmuEvents[i]");
    }
  }
  req->pmu_config.cycle_count = info.Length() > 3 && info[3].ToBoolean() ? 1 : 0;
}

Napi::Value Network::CreateInference(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  ethosu_uapi_inference_create req{};
  InferenceRequest(info, &req);
  int inf_fd = Ioctl(fd, ETHOSU_IOCTL_INFERENCE_CREATE, &req);
  // The firmware's queue is full: the caller retries; no error object for a routine answer.
  if (inf_fd < 0 && errno == EAGAIN) return env.Null();
  if (inf_fd < 0) throw SysError(env, "ioctl(INFERENCE_CREATE)", errno);
  return Inference::Create(env, inf_fd);
}

class CreateInferenceJob : public AsyncJob {
 public:
  CreateInferenceJob(Napi::Env env, Network* net, int fd, const ethosu_uapi_inference_create& req)
      : AsyncJob(env, "EthosUCreateInference", net->Value()), net_(net), fd_(fd), req_(req) {}
  ~CreateInferenceJob() override {
    if (inf_fd_ >= 0) ::close(inf_fd_);
  }

 private:
  void Execute() override {
    inf_fd_ = Ioctl(fd_, ETHOSU_IOCTL_INFERENCE_CREATE, &req_);
    if (inf_fd_ < 0 && errno != EAGAIN) Fail("ioctl(INFERENCE_CREATE)", errno);
  }
  void Release() override { net_->ReleaseFd(); }
  Napi::Value Resolve(Napi::Env env) override {
    if (inf_fd_ < 0) return env.Null();
    int fd = inf_fd_;
    inf_fd_ = -1;
    return Inference::Create(env, fd);
  }

  Network* net_;
  int fd_;
  ethosu_uapi_inference_create req_;
  int inf_fd_ = -1;
};

Napi::Value Network::CreateInferenceOnWorker(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ethosu_uapi_inference_create req{};
  InferenceRequest(info, &req);
  int fd = Hold(env);
  return AsyncJob::Start<CreateInferenceJob>([this] { Unhold(); }, env, this, fd, req);
}

}  // namespace ethosu
