"""Helpers the training scripts share: loading weights, counting multiply-accumulates, exporting to
ONNX with only the batch dynamic, and describing an exported file.

Works with Debian's torch 1.13 (TorchScript exporter) and torch 2.x (dynamo=False).
"""
import os

import torch
from torch import nn


def load_weights(model, weights):
    """Loads a state_dict file (or a checkpoint dict holding one under 'model') into model."""
    sd = torch.load(weights, map_location="cpu")
    if isinstance(sd, dict) and "model" in sd:
        sd = sd["model"]
    model.load_state_dict(sd)
    return model


def count_macs(model, example):
    """Multiply-accumulates of Conv2d, ConvTranspose2d and Linear layers for one input `example`
    (batch 1; FLOPs = 2 * MACs)."""
    macs = [0]

    def hook(mod, inp, out):
        if isinstance(mod, nn.Linear):
            macs[0] += mod.in_features * mod.out_features
            return
        k = mod.kernel_size[0] * mod.kernel_size[1]
        if isinstance(mod, nn.ConvTranspose2d):   # each input pixel scatters k x c_out
            macs[0] += inp[0].numel() // inp[0].shape[0] * k * mod.out_channels
        else:
            macs[0] += out.numel() // out.shape[0] * k * (mod.in_channels // mod.groups)

    layers = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, layers)]
    was = model.training
    model.eval()
    with torch.no_grad():
        model(example.to(next(model.parameters()).device))
    model.train(was)
    for h in hs:
        h.remove()
    return macs[0]


def export_onnx(model, example, path, input_name, output_names, opset=17, output_dims=None, doc=None):
    """Exports model (eval, CPU) with a dynamic batch axis only. `output_dims` maps an output index to
    its per-frame dims, declared in the file where the exporter leaves them symbolic."""
    model = model.cpu().eval()
    axes = {name: {0: "batch"} for name in [input_name] + list(output_names)}
    kw = dict(opset_version=opset, input_names=[input_name], output_names=list(output_names),
              dynamic_axes=axes, do_constant_folding=True)
    try:
        torch.onnx.export(model, example, path, dynamo=False, **kw)
    except TypeError:   # torch < 2.x has no dynamo argument
        torch.onnx.export(model, example, path, **kw)
    import onnx
    m = onnx.load(path)
    for index, values in (output_dims or {}).items():
        dims = m.graph.output[index].type.tensor_type.shape.dim
        for i, v in enumerate(values, start=1):
            dims[i].Clear()
            dims[i].dim_value = v
    if doc:
        m.doc_string = doc
    onnx.checker.check_model(m)
    onnx.save(m, path)


def describe_onnx(path):
    """Checks an exported file and prints its opset, inputs, outputs, operators and size."""
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
    print("opset", m.opset_import[0].version, "inputs", [(i.name, dims(i)) for i in m.graph.input],
          "outputs", [(o.name, dims(o)) for o in m.graph.output])
    print("ops", sorted({n.op_type for n in m.graph.node}), f"size {os.path.getsize(path) / 1e6:.2f} MB")
