// SPDX-License-Identifier: Apache-2.0
// Waiting for an inference fd to become readable without threads and without blocking the event
// loop: one uv_poll_t on the calling environment's loop (worker threads have their own), shared
// by any number of waiters, each with an optional uv_timer_t timeout, each a Promise.
#pragma once

#include <napi.h>
#include <uv.h>

#include <list>

namespace ethosu {

class Poller {
 public:
  // Watches `fd` (not owned). `*owner` is cleared when the poller goes away on its own (the
  // environment shutting down), so the owner never touches a freed poller.
  static Poller* Create(Napi::Env env, int fd, Poller** owner);

  // A Promise of true once the fd is readable, false after `timeout_ms` (negative: no timeout).
  // `keep_alive` (the owning JS object) is held strongly while any waiter is pending.
  Napi::Promise Wait(Napi::Object keep_alive, double timeout_ms);

  // Rejects every pending waiter with `error` (from a JS call: the object is being closed).
  void RejectAll(const Napi::Error& error);

  // Stops watching and frees itself once libuv has closed its handles. Calls no JavaScript, so
  // finalizers and the environment's cleanup may use it. Pending waiters are abandoned.
  void Destroy();

  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

 private:
  struct Waiter {
    Poller* poller;
    napi_deferred deferred;
    uv_timer_t timer;
    bool has_timer;
  };

  Poller(napi_env env, Poller** owner);
  ~Poller() = default;

  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnTimer(uv_timer_t* handle);
  static void OnHandleClosed(uv_handle_t* handle);
  static void OnTimerClosed(uv_handle_t* handle);
  static void OnEnvCleanup(napi_async_cleanup_hook_handle handle, void* arg);

  // Settles `w` (resolve or reject with `value`, from inside a callback scope when `scoped`)
  // and retires it.
  void Settle(Waiter* w, bool resolve, napi_value value);
  void Retire(Waiter* w);
  // After the last waiter left: stop polling, let go of the JS object and the async context.
  void Idle();
  void HandleClosed();

  napi_env env_;
  Poller** owner_;
  uv_poll_t poll_;
  std::list<Waiter*> waiters_;
  napi_ref keep_alive_ = nullptr;
  napi_async_context async_context_ = nullptr;
  napi_async_cleanup_hook_handle cleanup_hook_ = nullptr;
  int open_handles_ = 0;
  bool polling_ = false;
  bool destroying_ = false;
};

}  // namespace ethosu
