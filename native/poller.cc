// SPDX-License-Identifier: Apache-2.0
#include "poller.h"

#include <cmath>

#include "errors.h"

namespace ethosu {

Poller::Poller(napi_env env, Poller** owner) : env_(env), owner_(owner) {}

Poller* Poller::Create(Napi::Env env, int fd, Poller** owner) {
  uv_loop_t* loop = nullptr;
  napi_status status = napi_get_uv_event_loop(env, &loop);
  NAPI_THROW_IF_FAILED(env, status, nullptr);
  Poller* p = new Poller(env, owner);
  int r = uv_poll_init(loop, &p->poll_, fd);
  if (r < 0) {
    delete p;
    throw SysError(env, "uv_poll_init", -r);
  }
  p->poll_.data = p;
  p->open_handles_ = 1;
  // Lets a worker (or the main thread) shut down with waits pending: the hook closes the
  // handles and the environment waits until they are closed.
  status = napi_add_async_cleanup_hook(env, OnEnvCleanup, p, &p->cleanup_hook_);
  if (status != napi_ok) {
    p->cleanup_hook_ = nullptr;
    p->Destroy();
    NAPI_THROW_IF_FAILED(env, status, nullptr);
  }
  return p;
}

Napi::Promise Poller::Wait(Napi::Object keep_alive, double timeout_ms) {
  Napi::Env env(env_);
  napi_deferred deferred;
  napi_value promise;
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env_, &deferred, &promise), Napi::Promise());
  auto* w = new Waiter{this, deferred, {}, false};
  if (timeout_ms >= 0) {
    uv_timer_init(poll_.loop, &w->timer);
    w->timer.data = w;
    w->has_timer = true;
    ++open_handles_;
    // The loop's clock is cached at the start of its iteration and may be stale by now: update
    // it, and round up (plus the clock's millisecond truncation) so a wait never ends early.
    uv_update_time(poll_.loop);
    double ms = std::ceil(timeout_ms) + 1;
    uv_timer_start(&w->timer, OnTimer, ms > 9.0e15 ? UINT64_C(9000000000000000) : (uint64_t)ms, 0);
  }
  if (keep_alive_ == nullptr) {
    napi_create_reference(env_, keep_alive, 1, &keep_alive_);
    napi_async_init(env_, keep_alive, Napi::String::New(env, "EthosUInferenceWait"),
                    &async_context_);
  }
  waiters_.push_back(w);
  if (!polling_) {
    int r = uv_poll_start(&poll_, UV_READABLE, OnPoll);
    if (r < 0) {
      Settle(w, false, SysError(env, "uv_poll_start", -r).Value());
      Idle();
      return Napi::Promise(env, promise);
    }
    polling_ = true;
  }
  return Napi::Promise(env, promise);
}

void Poller::Settle(Waiter* w, bool resolve, napi_value value) {
  if (resolve) {
    napi_resolve_deferred(env_, w->deferred, value);
  } else {
    napi_reject_deferred(env_, w->deferred, value);
  }
  Retire(w);
}

void Poller::Retire(Waiter* w) {
  waiters_.remove(w);
  if (w->has_timer) {
    uv_timer_stop(&w->timer);
    uv_close(reinterpret_cast<uv_handle_t*>(&w->timer), OnTimerClosed);
  } else {
    delete w;
  }
}

void Poller::RejectAll(const Napi::Error& error) {
  while (!waiters_.empty()) Settle(waiters_.front(), false, error.Value());
  Idle();
}

void Poller::Idle() {
  if (!waiters_.empty()) return;
  if (polling_) uv_poll_stop(&poll_);
  polling_ = false;
  if (keep_alive_ != nullptr) napi_delete_reference(env_, keep_alive_);
  keep_alive_ = nullptr;
  if (async_context_ != nullptr) napi_async_destroy(env_, async_context_);
  async_context_ = nullptr;
}

// Runs `fn` the way Node runs a callback: in a handle scope and an async callback scope, so
// promise reactions (microtasks) run when it returns.
template <typename Fn>
static void InCallbackScope(napi_env env, napi_ref resource_ref, napi_async_context ctx, Fn fn) {
  napi_handle_scope hs;
  if (napi_open_handle_scope(env, &hs) != napi_ok) return;
  napi_value resource = nullptr;
  napi_callback_scope cs = nullptr;
  if (resource_ref != nullptr) napi_get_reference_value(env, resource_ref, &resource);
  if (resource != nullptr) napi_open_callback_scope(env, resource, ctx, &cs);
  fn();
  if (cs != nullptr) napi_close_callback_scope(env, cs);
  napi_close_handle_scope(env, hs);
}

void Poller::OnPoll(uv_poll_t* handle, int status, int) {
  Poller* p = static_cast<Poller*>(handle->data);
  // Readiness of an inference fd is final: stop first, so a wait started from a reaction polls
  // afresh.
  uv_poll_stop(&p->poll_);
  p->polling_ = false;
  napi_ref resource = p->keep_alive_;
  napi_async_context ctx = p->async_context_;
  p->keep_alive_ = nullptr;
  p->async_context_ = nullptr;
  InCallbackScope(p->env_, resource, ctx, [p, status]() {
    napi_value value;
    bool ok = status >= 0;
    if (ok) {
      napi_get_boolean(p->env_, true, &value);
    } else {
      value = SysError(Napi::Env(p->env_), "poll", -status).Value();
    }
    std::list<Waiter*> waiters;
    waiters.swap(p->waiters_);
    for (Waiter* w : waiters) {
      p->waiters_.push_back(w);
      p->Settle(w, ok, value);
    }
  });
  if (resource != nullptr) napi_delete_reference(p->env_, resource);
  if (ctx != nullptr) napi_async_destroy(p->env_, ctx);
}

void Poller::OnTimer(uv_timer_t* handle) {
  Waiter* w = static_cast<Waiter*>(handle->data);
  Poller* p = w->poller;
  InCallbackScope(p->env_, p->keep_alive_, p->async_context_, [p, w]() {
    napi_value value;
    napi_get_boolean(p->env_, false, &value);
    p->Settle(w, true, value);
  });
  p->Idle();
}

void Poller::Destroy() {
  if (destroying_) return;
  destroying_ = true;
  if (owner_ != nullptr) *owner_ = nullptr;
  owner_ = nullptr;
  // Only the environment's teardown gets here with waiters: their promises cannot settle any
  // more, and no JavaScript may run, so they are dropped with their references.
  for (Waiter* w : waiters_) {
    if (w->has_timer) {
      uv_close(reinterpret_cast<uv_handle_t*>(&w->timer), OnTimerClosed);
    } else {
      delete w;
    }
  }
  waiters_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), OnHandleClosed);
}

void Poller::OnHandleClosed(uv_handle_t* handle) {
  static_cast<Poller*>(handle->data)->HandleClosed();
}

void Poller::OnTimerClosed(uv_handle_t* handle) {
  Waiter* w = static_cast<Waiter*>(handle->data);
  Poller* p = w->poller;
  delete w;
  p->HandleClosed();
}

void Poller::HandleClosed() {
  if (--open_handles_ > 0 || !destroying_) return;
  if (cleanup_hook_ != nullptr) napi_remove_async_cleanup_hook(cleanup_hook_);
  delete this;
}

void Poller::OnEnvCleanup(napi_async_cleanup_hook_handle, void* arg) {
  Poller* p = static_cast<Poller*>(arg);
  if (p->destroying_) return;  // its handles are already closing; HandleClosed finishes
  p->Destroy();
}

}  // namespace ethosu
