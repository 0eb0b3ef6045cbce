#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds the NPU model's corpus: small single-operator int8 TFLite models written from a seeded
random generator (plus the shared plain models), compiled with Vela for each NPU, with an input
and the TensorFlow Lite Micro reference output (the golden) of the plain model.

Needs ethos-u-vela and tflite-micro (PyPI); scripts/npu-corpus installs them in a venv.
Usage: gen_corpus.py OUT_DIR [PLAIN_MODELS_DIR]. Writes OUT_DIR/<case>_<npu>_vela.tflite,
OUT_DIR/<case>_input.bin, OUT_DIR/<case>_golden.bin and OUT_DIR/cases.txt (case, NPU lines).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import flatbuffers
import numpy as np
from ethosu.vela.tflite import (AddOptions, Buffer, BuiltinOperator, BuiltinOptions,
                                ConcatenationOptions, Conv2DOptions, DepthwiseConv2DOptions,
                                FullyConnectedOptions, LeakyReluOptions, Model, MulOptions,
                                Operator, OperatorCode, Pool2DOptions, QuantizationParameters,
                                ResizeNearestNeighborOptions, SoftmaxOptions, SubGraph,
                                SubOptions, Tensor, TransposeConvOptions)

NPUS = ["ethos-u55-32", "ethos-u55-64", "ethos-u55-128", "ethos-u55-256", "ethos-u65-256",
        "ethos-u65-512", "ethos-u85-128", "ethos-u85-256", "ethos-u85-512", "ethos-u85-1024",
        "ethos-u85-2048"]
INT8, INT32, INT16, INT64 = 9, 2, 7, 4
SAME, VALID = 0, 1


def _vec(b, start, items, add):
    start(b, len(items))
    for x in reversed(items):
        add(x)
    return b.EndVector()


def write_model(tensors, opcode, options_type, build_options, inputs, outputs):
    """tensors: list of dict(name, shape, type, data, scale, zp, qdim)."""
    tensors = [dict(t) for t in tensors]
    b = flatbuffers.Builder(1024)
    bufs = []
    for t in [None] + tensors:
        data = None if t is None else t.get("data")
        if data is not None:
            raw = data.tobytes()
            b.StartVector(1, len(raw), 16)
            for x in reversed(raw):
                b.PrependUint8(x)
            dv = b.EndVector()
        Buffer.Start(b)
        if data is not None:
            Buffer.AddData(b, dv)
        bufs.append(Buffer.End(b))
    toffs = []
    for i, t in enumerate(tensors):
        name = b.CreateString(t["name"])
        shape = _vec(b, Tensor.StartShapeVector, t["shape"], b.PrependInt32)
        sc = _vec(b, QuantizationParameters.StartScaleVector, list(t["scale"]), b.PrependFloat32)
        zp = _vec(b, QuantizationParameters.StartZeroPointVector, list(t["zp"]), b.PrependInt64)
        QuantizationParameters.Start(b)
        QuantizationParameters.AddScale(b, sc)
        QuantizationParameters.AddZeroPoint(b, zp)
        QuantizationParameters.AddQuantizedDimension(b, t.get("qdim", 0))
        q = QuantizationParameters.End(b)
        Tensor.Start(b)
        Tensor.AddShape(b, shape)
        Tensor.AddType(b, t["type"])
        Tensor.AddBuffer(b, i + 1)
        Tensor.AddName(b, name)
        Tensor.AddQuantization(b, q)
        toffs.append(Tensor.End(b))
    opts = build_options(b) if build_options else None
    ins = _vec(b, Operator.StartInputsVector, inputs, b.PrependInt32)
    outs = _vec(b, Operator.StartOutputsVector, outputs, b.PrependInt32)
    Operator.Start(b)
    Operator.AddOpcodeIndex(b, 0)
    Operator.AddInputs(b, ins)
    Operator.AddOutputs(b, outs)
    if opts is not None:
        Operator.AddBuiltinOptionsType(b, options_type)
        Operator.AddBuiltinOptions(b, opts)
    op = Operator.End(b)
    tv = _vec(b, SubGraph.StartTensorsVector, toffs, b.PrependUOffsetTRelative)
    gi = _vec(b, SubGraph.StartInputsVector, [i for i in inputs if tensors[i].get("data") is None],
              b.PrependInt32)
    go = _vec(b, SubGraph.StartOutputsVector, outputs, b.PrependInt32)
    ov = _vec(b, SubGraph.StartOperatorsVector, [op], b.PrependUOffsetTRelative)
    SubGraph.Start(b)
    SubGraph.AddTensors(b, tv)
    SubGraph.AddInputs(b, gi)
    SubGraph.AddOutputs(b, go)
    SubGraph.AddOperators(b, ov)
    sg = SubGraph.End(b)
    OperatorCode.Start(b)
    OperatorCode.AddDeprecatedBuiltinCode(b, min(opcode, 127))
    OperatorCode.AddBuiltinCode(b, opcode)
    OperatorCode.AddVersion(b, 1)
    oc = OperatorCode.End(b)
    desc = b.CreateString("ethos-u-node npu corpus")
    sgv = _vec(b, Model.StartSubgraphsVector, [sg], b.PrependUOffsetTRelative)
    ocv = _vec(b, Model.StartOperatorCodesVector, [oc], b.PrependUOffsetTRelative)
    bv = _vec(b, Model.StartBuffersVector, bufs, b.PrependUOffsetTRelative)
    Model.Start(b)
    Model.AddVersion(b, 3)
    Model.AddOperatorCodes(b, ocv)
    Model.AddSubgraphs(b, sgv)
    Model.AddDescription(b, desc)
    Model.AddBuffers(b, bv)
    b.Finish(Model.End(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def act(name, shape, scale, zp, dtype=INT8):
    return dict(name=name, shape=shape, type=dtype, data=None, scale=[scale], zp=[zp])


def conv_case(rng, name, h, w, cin, cout, k, stride, pad, dil=1, depthwise=False, fused=0,
              int16=False):
    kh, kw = k
    dt = INT16 if int16 else INT8
    ifm = act("ifm", [1, h, w, cin], rng.uniform(0.01, 0.1),
              0 if int16 else int(rng.integers(-20, 20)), dt)
    if pad == SAME:
        oh, ow = -(-h // stride), -(-w // stride)
    else:
        oh = (h - dil * (kh - 1) - 1) // stride + 1
        ow = (w - dil * (kw - 1) - 1) // stride + 1
    ofm = act("ofm", [1, oh, ow, cout], rng.uniform(0.05, 0.3),
              0 if int16 else int(rng.integers(-20, 20)), dt)
    wscale = rng.uniform(0.002, 0.02, cout)
    wshape = [1, kh, kw, cout] if depthwise else [cout, kh, kw, cin]
    wt = dict(name="w", shape=wshape, type=INT8,
              data=rng.integers(-127, 128, wshape).astype(np.int8),
              scale=wscale, zp=[0] * cout, qdim=3 if depthwise else 0)
    bscale = wscale * ifm["scale"][0]
    bias = dict(name="b", shape=[cout], type=INT64 if int16 else INT32,
                data=rng.integers(-2000, 2000, cout).astype(np.int64 if int16 else np.int32),
                scale=bscale, zp=[0] * cout)
    tensors = [ifm, wt, bias, ofm]
    if depthwise:
        def opts(b):
            DepthwiseConv2DOptions.Start(b)
            DepthwiseConv2DOptions.AddPadding(b, pad)
            DepthwiseConv2DOptions.AddStrideW(b, stride)
            DepthwiseConv2DOptions.AddStrideH(b, stride)
            DepthwiseConv2DOptions.AddDepthMultiplier(b, 1)
            DepthwiseConv2DOptions.AddDilationWFactor(b, dil)
            DepthwiseConv2DOptions.AddDilationHFactor(b, dil)
            return DepthwiseConv2DOptions.End(b)
        code, otype = BuiltinOperator.BuiltinOperator.DEPTHWISE_CONV_2D, \
            BuiltinOptions.BuiltinOptions.DepthwiseConv2DOptions
    else:
        def opts(b):
            Conv2DOptions.Start(b)
            Conv2DOptions.AddPadding(b, pad)
            Conv2DOptions.AddStrideW(b, stride)
            Conv2DOptions.AddStrideH(b, stride)
            Conv2DOptions.AddDilationWFactor(b, dil)
            Conv2DOptions.AddDilationHFactor(b, dil)
            Conv2DOptions.AddFusedActivationFunction(b, fused)
            return Conv2DOptions.End(b)
        code, otype = BuiltinOperator.BuiltinOperator.CONV_2D, \
            BuiltinOptions.BuiltinOptions.Conv2DOptions
    return name, write_model(tensors, code, otype, opts, [0, 1, 2], [3])


def fc_case(rng, name, n, m):
    ifm = act("ifm", [1, n], rng.uniform(0.01, 0.1), int(rng.integers(-20, 20)))
    ofm = act("ofm", [1, m], rng.uniform(0.05, 0.5), int(rng.integers(-20, 20)))
    ws = rng.uniform(0.002, 0.02)
    wt = dict(name="w", shape=[m, n], type=INT8, data=rng.integers(-127, 128, [m, n]).astype(np.int8),
              scale=[ws], zp=[0])
    bias = dict(name="b", shape=[m], type=INT32, data=rng.integers(-2000, 2000, m).astype(np.int32),
                scale=[ws * ifm["scale"][0]], zp=[0])

    def opts(b):
        FullyConnectedOptions.Start(b)
        return FullyConnectedOptions.End(b)
    return name, write_model([ifm, wt, bias, ofm], BuiltinOperator.BuiltinOperator.FULLY_CONNECTED,
                             BuiltinOptions.BuiltinOptions.FullyConnectedOptions, opts, [0, 1, 2], [3])


def pool_case(rng, name, code, h, w, c, k, stride, pad, int16=False):
    s = rng.uniform(0.01, 0.1)
    zp = 0 if int16 else int(rng.integers(-20, 20))
    dt = INT16 if int16 else INT8
    oh, ow = (-(-h // stride), -(-w // stride)) if pad == SAME else \
        ((h - k) // stride + 1, (w - k) // stride + 1)
    ifm, ofm = act("ifm", [1, h, w, c], s, zp, dt), act("ofm", [1, oh, ow, c], s, zp, dt)

    def opts(b):
        Pool2DOptions.Start(b)
        Pool2DOptions.AddPadding(b, pad)
        Pool2DOptions.AddStrideW(b, stride)
        Pool2DOptions.AddStrideH(b, stride)
        Pool2DOptions.AddFilterWidth(b, k)
        Pool2DOptions.AddFilterHeight(b, k)
        return Pool2DOptions.End(b)
    return name, write_model([ifm, ofm], code, BuiltinOptions.BuiltinOptions.Pool2DOptions, opts,
                             [0], [1])


def binary_case(rng, name, code, shape_a, shape_b, same_scale=False, int16=False):
    sa = rng.uniform(0.01, 0.1)
    sb = sa if same_scale else rng.uniform(0.01, 0.1)
    out_shape = [max(x, y) for x, y in zip(shape_a, shape_b)]
    dt = INT16 if int16 else INT8

    def zp():
        return 0 if int16 else int(rng.integers(-20, 20))
    a = act("a", shape_a, sa, zp(), dt)
    bt = act("b", shape_b, sb, zp(), dt)
    o = act("o", out_shape, rng.uniform(0.02, 0.2) if code != BuiltinOperator.BuiltinOperator.MUL
            else rng.uniform(0.0005, 0.005), zp(), dt)
    mods = {BuiltinOperator.BuiltinOperator.ADD: (AddOptions, BuiltinOptions.BuiltinOptions.AddOptions),
            BuiltinOperator.BuiltinOperator.SUB: (SubOptions, BuiltinOptions.BuiltinOptions.SubOptions),
            BuiltinOperator.BuiltinOperator.MUL: (MulOptions, BuiltinOptions.BuiltinOptions.MulOptions)}
    mod, otype = mods[code]

    def opts(b):
        mod.Start(b)
        return mod.End(b)
    return name, write_model([a, bt, o], code, otype, opts, [0, 1], [2])


def softmax_case(rng, name, n):
    ifm = act("ifm", [1, n], rng.uniform(0.02, 0.2), int(rng.integers(-20, 20)))
    ofm = act("ofm", [1, n], 1.0 / 256, -128)

    def opts(b):
        SoftmaxOptions.Start(b)
        SoftmaxOptions.AddBeta(b, 1.0)
        return SoftmaxOptions.End(b)
    return name, write_model([ifm, ofm], BuiltinOperator.BuiltinOperator.SOFTMAX,
                             BuiltinOptions.BuiltinOptions.SoftmaxOptions, opts, [0], [1])


def unary_case(rng, name, code, shape, out_scale=None, out_zp=None, options=None):
    ifm = act("ifm", shape, rng.uniform(0.02, 0.08), int(rng.integers(-20, 20)))
    ofm = act("ofm", shape, out_scale or rng.uniform(0.02, 0.1),
              int(rng.integers(-20, 20)) if out_zp is None else out_zp)
    otype, build = options if options else (0, None)
    return name, write_model([ifm, ofm], code, otype, build, [0], [1])


def leaky_relu_opts(alpha):
    def build(b):
        LeakyReluOptions.Start(b)
        LeakyReluOptions.AddAlpha(b, alpha)
        return LeakyReluOptions.End(b)
    return BuiltinOptions.BuiltinOptions.LeakyReluOptions, build


def concat_case(rng, name, shapes, axis):
    s = rng.uniform(0.02, 0.1)
    zp = int(rng.integers(-20, 20))
    ins = [act("in%d" % i, sh, s, zp) for i, sh in enumerate(shapes)]
    out_shape = list(shapes[0])
    out_shape[axis] = sum(sh[axis] for sh in shapes)
    ofm = act("ofm", out_shape, s, zp)

    def opts(b):
        ConcatenationOptions.Start(b)
        ConcatenationOptions.AddAxis(b, axis)
        return ConcatenationOptions.End(b)
    return name, write_model(ins + [ofm], BuiltinOperator.BuiltinOperator.CONCATENATION,
                             BuiltinOptions.BuiltinOptions.ConcatenationOptions, opts,
                             list(range(len(ins))), [len(ins)])


def transpose_conv_case(rng, name, h, w, cin, cout, k, stride, pad):
    ifm = act("ifm", [1, h, w, cin], rng.uniform(0.01, 0.1), int(rng.integers(-20, 20)))
    oh, ow = h * stride, w * stride
    if pad == VALID:
        oh, ow = oh + max(k - stride, 0), ow + max(k - stride, 0)
    ofm = act("ofm", [1, oh, ow, cout], rng.uniform(0.05, 0.3), int(rng.integers(-20, 20)))
    wscale = rng.uniform(0.002, 0.02, cout)
    wt = dict(name="w", shape=[cout, k, k, cin], type=INT8,
              data=rng.integers(-127, 128, [cout, k, k, cin]).astype(np.int8),
              scale=wscale, zp=[0] * cout, qdim=0)
    shape = dict(name="shape", shape=[4], type=INT32,
                 data=np.array([1, oh, ow, cout], dtype=np.int32), scale=[1.0], zp=[0])
    bias = dict(name="b", shape=[cout], type=INT32,
                data=rng.integers(-2000, 2000, cout).astype(np.int32),
                scale=wscale * ifm["scale"][0], zp=[0] * cout)

    def opts(b):
        TransposeConvOptions.Start(b)
        TransposeConvOptions.AddPadding(b, pad)
        TransposeConvOptions.AddStrideW(b, stride)
        TransposeConvOptions.AddStrideH(b, stride)
        return TransposeConvOptions.End(b)
    return name, write_model([ifm, wt, shape, bias, ofm], BuiltinOperator.BuiltinOperator.TRANSPOSE_CONV,
                             BuiltinOptions.BuiltinOptions.TransposeConvOptions, opts, [2, 1, 0, 3], [4])


def resize_nearest_case(rng, name, h, w, c, factor):
    s = rng.uniform(0.02, 0.1)
    zp = int(rng.integers(-20, 20))
    ifm = act("ifm", [1, h, w, c], s, zp)
    ofm = act("ofm", [1, h * factor, w * factor, c], s, zp)
    size = dict(name="size", shape=[2], type=INT32,
                data=np.array([h * factor, w * factor], dtype=np.int32), scale=[1.0], zp=[0])

    def opts(b):
        ResizeNearestNeighborOptions.Start(b)
        return ResizeNearestNeighborOptions.End(b)
    return name, write_model([ifm, size, ofm], BuiltinOperator.BuiltinOperator.RESIZE_NEAREST_NEIGHBOR,
                             BuiltinOptions.BuiltinOptions.ResizeNearestNeighborOptions, opts,
                             [0, 1], [2])


def cases(rng):
    B = BuiltinOperator.BuiltinOperator
    yield conv_case(rng, "conv3x3_s1_same", 8, 8, 5, 12, (3, 3), 1, SAME)
    yield conv_case(rng, "conv3x3_s2_same", 9, 9, 8, 16, (3, 3), 2, SAME)
    yield conv_case(rng, "conv5x3_s1_valid", 10, 7, 3, 8, (5, 3), 1, VALID)
    yield conv_case(rng, "conv3x3_dil2", 10, 10, 4, 8, (3, 3), 1, VALID, dil=2)
    yield conv_case(rng, "conv1x1_deep", 4, 4, 40, 24, (1, 1), 1, VALID)
    yield conv_case(rng, "conv9x9_subkernels", 12, 12, 2, 8, (9, 9), 1, SAME)
    yield conv_case(rng, "dwconv3x3_s1_same", 8, 8, 16, 16, (3, 3), 1, SAME, depthwise=True)
    yield conv_case(rng, "dwconv3x3_s2_valid", 9, 9, 20, 20, (3, 3), 2, VALID, depthwise=True)
    yield fc_case(rng, "fc_64x10", 64, 10)
    yield pool_case(rng, "maxpool2x2_s2", B.MAX_POOL_2D, 8, 8, 6, 2, 2, VALID)
    yield pool_case(rng, "maxpool3x3_same", B.MAX_POOL_2D, 7, 7, 4, 3, 1, SAME)
    yield pool_case(rng, "avgpool2x2_valid", B.AVERAGE_POOL_2D, 8, 8, 6, 2, 2, VALID)
    yield pool_case(rng, "avgpool3x3_same", B.AVERAGE_POOL_2D, 7, 7, 4, 3, 1, SAME)
    yield binary_case(rng, "add_scales", B.ADD, [1, 4, 4, 8], [1, 4, 4, 8])
    yield binary_case(rng, "add_same_scale", B.ADD, [1, 4, 4, 8], [1, 4, 4, 8], same_scale=True)
    yield binary_case(rng, "add_broadcast_c", B.ADD, [1, 4, 4, 8], [1, 4, 4, 1])
    yield binary_case(rng, "sub_scales", B.SUB, [1, 3, 5, 4], [1, 3, 5, 4])
    yield binary_case(rng, "mul_scales", B.MUL, [1, 4, 4, 8], [1, 4, 4, 8])
    yield binary_case(rng, "mul_broadcast_hw", B.MUL, [1, 4, 4, 8], [1, 1, 1, 8])
    yield softmax_case(rng, "softmax_10", 10)
    # Added with the second corpus round: activations, memory operations, int16.
    yield conv_case(rng, "conv3x3_relu6", 6, 6, 4, 8, (3, 3), 1, SAME, fused=3)
    yield conv_case(rng, "conv3x3_int16", 6, 6, 4, 8, (3, 3), 1, SAME, int16=True)
    yield unary_case(rng, "tanh", B.TANH, [1, 4, 4, 8], 1.0 / 128, 0)
    yield unary_case(rng, "logistic", B.LOGISTIC, [1, 4, 4, 8], 1.0 / 256, -128)
    yield unary_case(rng, "leaky_relu", B.LEAKY_RELU, [1, 4, 4, 8],
                     options=leaky_relu_opts(0.2))
    yield unary_case(rng, "hard_swish", B.HARD_SWISH, [1, 4, 4, 8])
    yield concat_case(rng, "concat_c", [[1, 3, 3, 4], [1, 3, 3, 6]], 3)
    yield concat_case(rng, "concat_h", [[1, 2, 4, 8], [1, 3, 4, 8]], 1)
    yield binary_case(rng, "add_int16", B.ADD, [1, 4, 4, 8], [1, 4, 4, 8], int16=True)
    yield binary_case(rng, "mul_int16", B.MUL, [1, 4, 4, 8], [1, 4, 4, 8], int16=True)
    yield pool_case(rng, "maxpool_int16", B.MAX_POOL_2D, 6, 6, 4, 2, 2, VALID, int16=True)
    # Third round: upscaling.
    yield transpose_conv_case(rng, "transpose_conv3x3_s2_same", 4, 4, 4, 6, 3, 2, SAME)
    yield resize_nearest_case(rng, "resize_nearest_x2", 3, 4, 5, 2)


def int16_cases(rng):
    """int16 tanh and logistic (Vela: the TANH/SIGMOID activations). Their own generator, so
    that adding them left every earlier case byte for byte as it was."""
    B = BuiltinOperator.BuiltinOperator
    for name, code in (("tanh_int16", B.TANH), ("logistic_int16", B.LOGISTIC)):
        ifm = act("ifm", [1, 4, 4, 8], rng.uniform(2.0, 8.0) / 32768, 0, INT16)
        ofm = act("ofm", [1, 4, 4, 8], 1.0 / 32768, 0, INT16)
        yield name, write_model([ifm, ofm], code, 0, None, [0], [1])


def golden(model_path, inp):
    from tflite_micro.python.tflite_micro import runtime
    it = runtime.Interpreter.from_file(model_path)
    off, i = 0, 0
    while True:
        try:
            d = it.get_input_details(i)
        except Exception:
            break
        n = int(np.prod(d["shape"])) * np.dtype(d["dtype"]).itemsize
        it.set_input(np.frombuffer(inp[off:off + n], dtype=d["dtype"]).reshape(d["shape"]), i)
        off, i = off + n, i + 1
    it.invoke()
    out, j = b"", 0
    while True:
        try:
            out += it.get_output(j).tobytes()
        except Exception:
            break
        j += 1
    return out


def input_size(model_path):
    from tflite_micro.python.tflite_micro import runtime
    it = runtime.Interpreter.from_file(model_path)
    n, i = 0, 0
    while True:
        try:
            d = it.get_input_details(i)
            n += int(np.prod(d["shape"])) * np.dtype(d["dtype"]).itemsize
        except Exception:
            return n
        i += 1


def main():
    out = os.path.abspath(sys.argv[1])
    plain = sys.argv[2] if len(sys.argv) > 2 else None
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261202)
    models = list(cases(rng))
    only = os.environ.get("NPU_CORPUS_ONLY")
    if plain:
        for f in sorted(os.listdir(plain)):
            if f.endswith(".tflite"):
                models.append(("plain_" + f[:-len(".tflite")], open(os.path.join(plain, f), "rb").read()))
    rng16 = np.random.default_rng(2026120216)
    models = [(n, d, None) for n, d in models] + [(n, d, rng16) for n, d in int16_cases(rng16)]
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, own in models:
            if only and name not in only.split(","):
                continue
            src = os.path.join(tmp, name + ".tflite")
            open(src, "wb").write(data)
            if own:
                inp = own.integers(-32768, 32768, input_size(src) // 2).astype(np.int16).tobytes()
            else:
                inp = rng.integers(-128, 128, input_size(src)).astype(np.int8).tobytes()
            open(os.path.join(out, name + "_input.bin"), "wb").write(inp)
            open(os.path.join(out, name + "_golden.bin"), "wb").write(golden(src, inp))
            for npu in NPUS:
                od = os.path.join(tmp, npu)
                r = subprocess.run([sys.executable, "-m", "ethosu.vela", "--accelerator-config", npu,
                                    "--output-dir", od, src], capture_output=True, text=True)
                vela = os.path.join(od, name + "_vela.tflite")
                if r.returncode or not os.path.exists(vela):
                    print(f"{name} {npu}: vela failed", file=sys.stderr)
                    continue
                short = npu.replace("ethos-", "")
                shutil.copy(vela, os.path.join(out, f"{name}_{short}_vela.tflite"))
                lines.append(f"{name} {short}")
                print(f"{name} {short}", flush=True)
    open(os.path.join(out, "cases.txt"), "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
