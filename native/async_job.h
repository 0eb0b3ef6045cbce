// SPDX-License-Identifier: Apache-2.0
// A blocking ioctl on a libuv worker thread, settled as a Promise on the JS thread. Used for
// the calls that wait for the firmware (NETWORK_INFO up to 3 s, INFERENCE_CANCEL up to 2 s):
// the event loop never waits. Execute() may not touch JavaScript; Resolve() runs on the JS
// thread once Execute() returned without an error.
#pragma once

#include <napi.h>

#include <string>
#include <utility>

#include "errors.h"

namespace ethosu {

class AsyncJob : public Napi::AsyncWorker {
 public:
  Napi::Promise Promise() const { return deferred_.Promise(); }

  // Makes a `Job` from `args` and queues it; the Promise it settles. The caller has Hold() the
  // fd the job uses (the job's Release() gives it back); `unhold` gives it back if no job came.
  template <typename Job, typename Unhold, typename... Args>
  static Napi::Promise Start(Unhold unhold, Args&&... args) {
    Job* job;
    try {
      job = new Job(std::forward<Args>(args)...);
    } catch (...) {
      unhold();
      throw;
    }
    Napi::Promise promise = job->Promise();
    job->Queue();
    return promise;
  }

 protected:
  // `owner` (the JS object whose fd the job uses) stays alive until the job is settled.
  AsyncJob(Napi::Env env, const char* name, Napi::Object owner)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {
    owner_ = Napi::Persistent(owner);
  }

  // On the worker thread: record a failed call, to be thrown as SysError on the JS thread.
  void Fail(const char* syscall, int err) {
    syscall_ = syscall;
    err_ = err;
  }
  virtual Napi::Value Resolve(Napi::Env env) = 0;
  // On the JS thread, before settling: let go of the fd the job held.
  virtual void Release() = 0;
  virtual const std::string& Path() const {
    static const std::string none;
    return none;
  }

 private:
  void OnOK() override {
    Napi::Env env = Env();
    Release();
    if (err_ != 0) {
      deferred_.Reject(SysError(env, syscall_, err_, Path()).Value());
      return;
    }
    try {
      deferred_.Resolve(Resolve(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override {
    Release();
    deferred_.Reject(e.Value());
  }

  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference owner_;
  const char* syscall_ = "";
  int err_ = 0;
};

}  // namespace ethosu
