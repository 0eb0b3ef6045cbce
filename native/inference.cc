// SPDX-License-Identifier: Apache-2.0
#include "inference.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>

#include "addon_data.h"
#include "async_job.h"
#include "errors.h"
#include "ethosu_abi.h"
#include "poller.h"

namespace ethosu {

Napi::Function Inference::Define(Napi::Env env) {
  return DefineClass(env, "Inference",
                     {
                         InstanceAccessor<&Inference::GetFd>("fd"),
                         InstanceMethod<&Inference::Status>("status"),
                         InstanceMethod<&Inference::Cancel>("cancel"),
                         InstanceMethod<&Inference::Wait>("wait"),
                         InstanceMethod<&Inference::Close>("close"),
                     });
}

Napi::Value Inference::Create(Napi::Env env, int fd) {
  Init init{fd};
  try {
    return NewInternal(env, GetAddonData(env)->inference_ctor, &init);
  } catch (...) {
    if (init.fd >= 0) ::close(init.fd);
    throw;
  }
}

Inference::Inference(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Inference>(info), FdObject(-1, "Inference") {
  if (!IsInternalCall(info)) {
    throw Napi::TypeError::New(info.Env(), "Inference objects are created by a Network");
  }
  Init* init = info[1].As<Napi::External<Init>>().Data();
  Adopt(init->fd);
  init->fd = -1;
}

Inference::~Inference() {
  // A pending wait holds this object, so no waiter is left here; stop watching before the fd
  // closes.
  if (poller_ != nullptr) poller_->Destroy();
}

Napi::Value Inference::GetFd(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), RawFd());
}

template <typename Status>
static Napi::Object StatusObject(Napi::Env env, const Status& s) {
  Napi::Object out = Napi::Object::New(env);
  Napi::Array events = Napi::Array::New(env, ETHOSU_PMU_EVENT_MAX);
  Napi::Array counts = Napi::Array::New(env, ETHOSU_PMU_EVENT_MAX);
  for (uint32_t i = 0; i < ETHOSU_PMU_EVENT_MAX; ++i) {
    events.Set(i, Napi::Number::New(env, s.pmu_config.events[i]));
    counts.Set(i, Napi::BigInt::New(env, static_cast<uint64_t>(s.pmu_count.events[i])));
  }
  out.Set("status", Napi::Number::New(env, static_cast<double>(s.status)));
  out.Set("pmuEvents", events);
  out.Set("pmuCounts", counts);
  out.Set("cycleEnabled", Napi::Boolean::New(env, s.pmu_config.cycle_count != 0));
  out.Set("cycleCount", Napi::BigInt::New(env, static_cast<uint64_t>(s.pmu_count.cycle_count)));
  return out;
}

Napi::Value Inference::Status(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  if (!status_u32_) {
    ethosu_uapi_result_status s{};
    if (Ioctl(fd, ETHOSU_IOCTL_INFERENCE_STATUS, &s) == 0) return StatusObject(env, s);
    if (errno != ENOTTY) throw SysError(env, "ioctl(INFERENCE_STATUS)", errno);
    status_u32_ = true;  // a kernel built with 32-bit PMU counters
  }
  ethosu_uapi_result_status_u32 s{};
  if (Ioctl(fd, ETHOSU_IOCTL_ALT_INFERENCE_STATUS, &s) < 0) {
    throw SysError(env, "ioctl(INFERENCE_STATUS)", errno);
  }
  return StatusObject(env, s);
}

// INFERENCE_CANCEL waits for the firmware's answer (up to 2 s): on a worker thread.
class CancelJob : public AsyncJob {
 public:
  CancelJob(Napi::Env env, Inference* inf, int fd)
      : AsyncJob(env, "EthosUInferenceCancel", inf->Value()), inf_(inf), fd_(fd) {}

 private:
  void Execute() override {
    if (Ioctl(fd_, ETHOSU_IOCTL_INFERENCE_CANCEL, &st_) < 0) {
      Fail("ioctl(INFERENCE_CANCEL)", errno);
    }
  }
  void Release() override { inf_->ReleaseFd(); }
  Napi::Value Resolve(Napi::Env env) override {
    return Napi::Number::New(env, static_cast<double>(st_.status));
  }

  Inference* inf_;
  int fd_;
  ethosu_uapi_cancel_inference_status st_{};
};

Napi::Value Inference::Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = Hold(env);
  return AsyncJob::Start<CancelJob>([this] { Unhold(); }, env, this, fd);
}

void Inference::ReleaseFd() { Unhold(); }

Napi::Value Inference::Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  double timeout_ms = -1;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsNumber() || std::isnan(info[0].As<Napi::Number>().DoubleValue())) {
      throw Napi::TypeError::New(env, "wait(timeoutMs): timeoutMs must be a number");
    }
    timeout_ms = info[0].As<Napi::Number>().DoubleValue();
  }
  // Already done (or no time to wait): answer without touching the loop.
  struct pollfd pfd = {fd, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, 0);
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) throw SysError(env, "poll", errno);
  if (ready > 0 || timeout_ms == 0) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Resolve(Napi::Boolean::New(env, ready > 0));
    return deferred.Promise();
  }
  if (poller_ == nullptr) poller_ = Poller::Create(env, fd, &poller_);
  return poller_->Wait(Value(), timeout_ms);
}

void Inference::Close(const Napi::CallbackInfo& info) {
  if (!IsOpen()) return;
  if (poller_ != nullptr) {
    poller_->RejectAll(
        LibError(info.Env(), "ERR_ETHOSU_CLOSED", "The inference was closed while waiting for it"));
    poller_->Destroy();  // stops watching the fd before it is closed
  }
  CloseFd();
}

}  // namespace ethosu
