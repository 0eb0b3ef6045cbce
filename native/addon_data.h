// SPDX-License-Identifier: Apache-2.0
// Per-environment state (napi instance data): each main thread or worker that loads the addon
// gets its own constructors and bookkeeping; the addon keeps no globals.
#pragma once

#include <napi.h>

namespace ethosu {

// Native objects are created only by the addon: their constructors take this environment's
// marker first, so `new` from JavaScript gets a TypeError instead of a half-made object.
struct InternalToken {};

struct AddonData {
  InternalToken token;
  Napi::FunctionReference device_ctor;
  Napi::FunctionReference buffer_ctor;
  Napi::FunctionReference network_ctor;
  Napi::FunctionReference inference_ctor;
};

inline AddonData* GetAddonData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

inline bool IsInternalCall(const Napi::CallbackInfo& info) {
  return info.Length() >= 2 && info[0].IsExternal() &&
         info[0].As<Napi::External<InternalToken>>().Data() == &GetAddonData(info.Env())->token &&
         info[1].IsExternal();
}

// Constructs a native object of `ctor` from C++, passing `init` through to its constructor.
template <typename Init>
Napi::Object NewInternal(Napi::Env env, Napi::FunctionReference& ctor, Init* init) {
  return ctor.New({Napi::External<InternalToken>::New(env, &GetAddonData(env)->token),
                   Napi::External<Init>::New(env, init)});
}

}  // namespace ethosu
