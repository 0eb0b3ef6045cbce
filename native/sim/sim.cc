// SPDX-License-Identifier: Apache-2.0
// The NPU functional model (npu/, freestanding C, through sim_npu.h) behind `sim:` devices. A
// Model owns a copy of a Vela-compiled .tflite and what npu/ parsed from it; Model.run() copies
// the IFMs on the JS thread, runs the command stream on a libuv worker thread and resolves with
// copies of the OFMs, so no thread but the JS thread touches JS memory and the event loop never
// waits for the model.
#include "sim.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "sim_npu.h"

namespace ethosu {
namespace sim {
namespace {

struct HwDeleter {
  void operator()(struct sim_hw* h) const { sim_hw_free(h); }
};
using HwPtr = std::unique_ptr<struct sim_hw, HwDeleter>;

HwPtr FindHw(const Napi::CallbackInfo& info, size_t at) {
  if (info.Length() < at + 2 || !info[at].IsString() || !info[at + 1].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "expected (npu: string, macs: number)");
  }
  const std::string name = info[at].As<Napi::String>();
  return HwPtr(sim_hw_new(name.c_str(), info[at + 1].As<Napi::Number>().Uint32Value()));
}

// hw(name, macs): { family, macs, id, config } or undefined.
Napi::Value Hw(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  HwPtr hw = FindHw(info, 0);
  if (!hw) return env.Undefined();
  struct sim_hw_info hi = {};
  sim_hw_info(hw.get(), &hi);
  Napi::Object o = Napi::Object::New(env);
  o.Set("family", hi.family);
  o.Set("macs", hi.macs);
  o.Set("id", hi.id);
  o.Set("config", hi.config);
  return o;
}

class Model : public Napi::ObjectWrap<Model> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "SimModel",
                       {
                           InstanceAccessor<&Model::Ok>("ok"),
                           InstanceAccessor<&Model::Message>("message"),
                           InstanceAccessor<&Model::IfmSizes>("ifmSizes"),
                           InstanceAccessor<&Model::OfmSizes>("ofmSizes"),
                           InstanceMethod<&Model::Run>("run"),
                       });
  }

  // new SimModel(bytes: Uint8Array): copies and parses the bytes (never throws on content).
  explicit Model(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Model>(info) {
    if (info.Length() < 1 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw Napi::TypeError::New(info.Env(), "new SimModel(bytes: Uint8Array)");
    }
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    bytes_.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
    model_ = sim_model_new(bytes_.data(), bytes_.size());
    if (model_ == nullptr) throw Napi::Error::New(info.Env(), "out of memory");
  }
  ~Model() override { sim_model_free(model_); }

  const struct sim_model* model() const { return model_; }

 private:
  Napi::Value Ok(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), sim_model_ok(model_) != 0);
  }
  Napi::Value Message(const Napi::CallbackInfo& info) {
    std::string m = sim_model_status(model_);
    if (sim_model_message(model_) != nullptr) m += std::string(": ") + sim_model_message(model_);
    return Napi::String::New(info.Env(), m);
  }
  Napi::Value Sizes(Napi::Env env, int dir) {
    Napi::Array a = Napi::Array::New(env);
    for (uint32_t i = 0; i < sim_model_count(model_, dir); i++) {
      a.Set(i, static_cast<double>(sim_model_size(model_, dir, i)));
    }
    return a;
  }
  Napi::Value IfmSizes(const Napi::CallbackInfo& info) { return Sizes(info.Env(), 0); }
  Napi::Value OfmSizes(const Napi::CallbackInfo& info) { return Sizes(info.Env(), 1); }
  Napi::Value Run(const Napi::CallbackInfo& info);

  std::vector<uint8_t> bytes_;  // the file; the parsed model points into it
  struct sim_model* model_ = nullptr;
};

class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, Napi::Object owner, const Model* model, HwPtr hw)
      : Napi::AsyncWorker(env, "ethosu:sim-run"),
        deferred_(Napi::Promise::Deferred::New(env)),
        model_(model->model()),
        hw_(std::move(hw)) {
    owner_ = Napi::Persistent(owner);
    ifms_.resize(sim_model_count(model_, 0));
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }
  size_t Ifms() const { return ifms_.size(); }
  // On the JS thread: the first tensor-size bytes of IFM i, read when the inference starts.
  void SetIfm(uint32_t i, const uint8_t* data, size_t len) {
    size_t n = sim_model_size(model_, 0, i);
    ifms_[i].assign(data, data + (len < n ? len : n));
  }

 protected:
  void Execute() override {
    thread_local std::vector<uint64_t> workspace;
    try {
      size_t arena = sim_model_arena_size(model_);
      size_t fast = sim_model_fast_size(model_);
      arena_.assign(arena != 0 ? arena : 1, 0);
      fast_.assign(fast != 0 ? fast : 1, 0);
      if (workspace.empty()) workspace.resize(sim_workspace_size() / sizeof(uint64_t));
    } catch (const std::bad_alloc&) {
      SetError("out of memory for the model's arena");
      return;
    }
    for (uint32_t i = 0; i < ifms_.size(); i++) {
      std::memcpy(arena_.data() + sim_model_offset(model_, 0, i), ifms_[i].data(), ifms_[i].size());
    }
    auto t0 = std::chrono::steady_clock::now();
    sim_model_run(model_, hw_.get(), arena_.data(), fast_.data(), workspace.data(),
                  workspace.size() * sizeof(uint64_t), &result_);
    micros_ =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  }

  void OnOK() override {
    // A worker thread being terminated cannot run JavaScript any more: N-API calls then fail
    // (and node-addon-api throws); the result has nobody to go to.
    try {
      Settle();
    } catch (const Napi::Error&) {
    }
  }

  void Settle() {
    Napi::Env env = Env();
    Napi::Object r = Napi::Object::New(env);
    const bool ok = std::strcmp(result_.status, "OK") == 0;
    r.Set("status", result_.status);
    r.Set("message", result_.message != nullptr ? result_.message : "");
    Napi::Array outs = Napi::Array::New(env);
    for (uint32_t k = 0; ok && k < sim_model_count(model_, 1); k++) {
      size_t size = sim_model_size(model_, 1, k);
      Napi::Uint8Array o = Napi::Uint8Array::New(env, size);
      std::memcpy(o.Data(), arena_.data() + sim_model_offset(model_, 1, k), size);
      outs.Set(k, o);
    }
    r.Set("outputs", outs);
    r.Set("commands", result_.commands);
    r.Set("ops", result_.ops);
    r.Set("dma", result_.dma);
    r.Set("macs", Napi::BigInt::New(env, result_.macs));
    r.Set("bytesRead", Napi::BigInt::New(env, result_.bytes_read));
    r.Set("bytesWritten", Napi::BigInt::New(env, result_.bytes_written));
    r.Set("micros", micros_);
    deferred_.Resolve(r);
  }

  void OnError(const Napi::Error& e) override {
    try {
      deferred_.Reject(e.Value());
    } catch (const Napi::Error&) {
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference owner_;  // keeps the Model, and the bytes it points into, alive
  const struct sim_model* model_;
  HwPtr hw_;
  std::vector<std::vector<uint8_t>> ifms_;
  std::vector<uint8_t> arena_, fast_;
  struct sim_result result_ = {};
  double micros_ = 0;
};

// run(npu, macs, ifms: Uint8Array[]): Promise<{ status, message, outputs, ... }>.
Napi::Value Model::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!sim_model_ok(model_))
    throw Napi::Error::New(env, "this model does not run on the NPU model");
  HwPtr hw = FindHw(info, 0);
  if (!hw) throw Napi::Error::New(env, "unknown NPU configuration");
  if (info.Length() < 3 || !info[2].IsArray()) {
    throw Napi::TypeError::New(env, "run(npu: string, macs: number, ifms: Uint8Array[])");
  }
  Napi::Array ifms = info[2].As<Napi::Array>();
  auto worker = std::make_unique<RunWorker>(env, Value(), this, std::move(hw));
  for (uint32_t i = 0; i < worker->Ifms(); i++) {
    Napi::Value v = i < ifms.Length() ? ifms.Get(i) : env.Undefined();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw Napi::TypeError::New(env, "run(): one Uint8Array per model input");
    }
    Napi::Uint8Array a = v.As<Napi::Uint8Array>();
    worker->SetIfm(i, a.Data(), a.ByteLength());
  }
  Napi::Promise p = worker->Promise();
  worker.release()->Queue();  // AsyncWorker deletes itself once settled
  return p;
}

}  // namespace

Napi::Object Init(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("hw", Napi::Function::New(env, Hw, "hw"));
  o.Set("Model", Model::Define(env));
  return o;
}

}  // namespace sim
}  // namespace ethosu
