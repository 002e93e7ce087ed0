"""Makes the tiny ONNX models the Java tests use to check that bad models are refused, and small
working ones: a stand-in thermal model for the thermal pipeline's tests, a stand-in segmentation
model with the shipped one's tensors whose mask is a fixed colour code (so that pipeline tests can
draw defects of known class, place and size), a mask model for the accuracy gate.

Run with Debian's Python: /usr/bin/python3 src/test/resources/models/make_test_models.py
Most compute nothing useful; only their tensor shapes matter. The stand-ins and the mask model
compute something exact (see thermal_standin, mask_model, tiny_mask).
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, graph):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def one_channel_input():
    """Input [B, 1, 64, 64]: a grey-scale model where an RGB detector is configured."""
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 1, 64, 64])
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 1, 64, 64])
    node = helper.make_node("Identity", ["images"], ["output0"])
    save("one_channel_input.onnx", helper.make_graph([node], "one_channel_input", [x], [y]))


def coco_output():
    """Input [B, 3, 32, 32], output [B, 84, 16]: an 80-class YOLOv8 head, not a 2-class one."""
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 32, 32])
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 84, 16])
    shape = numpy_helper.from_array(np.array([-1, 84, 16], dtype=np.int64), "shape")
    pad = numpy_helper.from_array(np.array([0, 0, 0, 0, 0, 81, 0, 0], dtype=np.int64), "pads")
    nodes = [
        # [B,3,32,32] -> pad channels to 84 -> [B,84,32,32] -> average 8x8 blocks -> [B,84,4,4] -> [B,84,16]
        helper.make_node("Pad", ["images", "pads"], ["padded"]),
        helper.make_node("AveragePool", ["padded"], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("Reshape", ["pooled", "shape"], ["output0"]),
    ]
    save("coco_output.onnx", helper.make_graph(nodes, "coco_output", [x], [y], initializer=[shape, pad]))


# The stand-in segmentation model's colour code: class logit = GAIN * (w . rgb + b), rgb in 0..1.
# Pure red marks a scratch, pure green a stain, pure blue a dent, yellow (red + green) a crack;
# grey, black, white and the pad value (114) mark nothing (every logit <= -GAIN / 2 there).
SEG_CLASSES = ["scratch", "stain", "dent", "crack"]
SEG_WEIGHTS = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1], [1, 1, -2]], dtype=np.float32)
SEG_BIAS = np.array([-0.5, -0.5, -0.5, -1.5], dtype=np.float32)
SEG_GAIN = 20.0


def mask_model(name, classes=4, height=192, width=256, stride=1, output="mask"):
    """Input images [B, 3, 192, 256] -> 1x1 conv (the colour code) -> sigmoid -> [B, classes, h, w]."""
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 192, 256])
    y = helper.make_tensor_value_info(output, TensorProto.FLOAT, ["batch", classes, height, width])
    w = np.zeros((classes, 3, 1, 1), dtype=np.float32)
    b = np.zeros(classes, dtype=np.float32)
    n = min(classes, 4)
    w[:n, :, 0, 0] = SEG_WEIGHTS[:n] * SEG_GAIN
    b[:n] = SEG_BIAS[:n] * SEG_GAIN
    nodes = [
        helper.make_node("Conv", ["images", "w", "b"], ["logits"], kernel_shape=[1, 1], strides=[stride, stride]),
        helper.make_node("Sigmoid", ["logits"], [output]),
    ]
    init = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    save(name, helper.make_graph(nodes, name.split(".")[0], [x], [y], initializer=init))


THERMAL_IN = helper.make_tensor_value_info("thermal", TensorProto.FLOAT, ["batch", 1, 120, 160])


def thermal_temps(nodes, name="temps"):
    """temps [B, 3] = (max, mean, min) of the input: a perfect, noise-free 'regression'."""
    nodes += [
        helper.make_node("Flatten", ["thermal"], ["flat"], axis=1),
        helper.make_node("ReduceMax", ["flat"], ["t_max"], axes=[1], keepdims=1),
        helper.make_node("ReduceMean", ["flat"], ["t_avg"], axes=[1], keepdims=1),
        helper.make_node("ReduceMin", ["flat"], ["t_min"], axes=[1], keepdims=1),
        helper.make_node("Concat", ["t_max", "t_avg", "t_min"], [name], axis=1),
    ]


def thermal_standin():
    """The contract's thermal model in miniature, for the Java tests before the trained one lands.

    Input thermal [B, 1, 120, 160] (normalised object temperature, 1 = 100 K); temps [B, 3] =
    (max, mean, min) of the input, exactly; heatmap [B, 1, 60, 80] = sigmoid(100 * (m - M) + 3),
    m the 2x2 max-pooled input, M the frame's max: the cell holding the hottest pixel scores
    sigmoid(3) = 0.953 and a cell 1 K cooler sigmoid(2) = 0.881, so one hotspot is found where the
    frame is hottest (a plateau of equal cells would give several).
    """
    temps = helper.make_tensor_value_info("temps", TensorProto.FLOAT, ["batch", 3])
    heat = helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, ["batch", 1, 60, 80])
    gain = numpy_helper.from_array(np.array(100.0, dtype=np.float32), "gain")
    bias = numpy_helper.from_array(np.array(3.0, dtype=np.float32), "bias")
    nodes = []
    thermal_temps(nodes)
    nodes += [
        helper.make_node("MaxPool", ["thermal"], ["pooled"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("ReduceMax", ["thermal"], ["frame_max"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Sub", ["pooled", "frame_max"], ["below"]),
        helper.make_node("Mul", ["below", "gain"], ["scaled"]),
        helper.make_node("Add", ["scaled", "bias"], ["logits"]),
        helper.make_node("Sigmoid", ["logits"], ["heatmap"]),
    ]
    save("thermal_standin.onnx", helper.make_graph(nodes, "thermal_standin", [THERMAL_IN], [temps, heat],
                                                   initializer=[gain, bias]))


def thermal_without_heatmap():
    """A thermal model with temps [B, 3] only: no 'heatmap' output."""
    temps = helper.make_tensor_value_info("temps", TensorProto.FLOAT, ["batch", 3])
    nodes = []
    thermal_temps(nodes)
    save("thermal_no_heatmap.onnx", helper.make_graph(nodes, "thermal_no_heatmap", [THERMAL_IN], [temps]))


def thermal_misshaped():
    """temps [B, 2] (max and mean, no min) beside a well-formed heat map."""
    temps = helper.make_tensor_value_info("temps", TensorProto.FLOAT, ["batch", 2])
    heat = helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, ["batch", 1, 60, 80])
    nodes = [
        helper.make_node("Flatten", ["thermal"], ["flat"], axis=1),
        helper.make_node("ReduceMax", ["flat"], ["t_max"], axes=[1], keepdims=1),
        helper.make_node("ReduceMean", ["flat"], ["t_avg"], axes=[1], keepdims=1),
        helper.make_node("Concat", ["t_max", "t_avg"], ["temps"], axis=1),
        helper.make_node("MaxPool", ["thermal"], ["pooled"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Sigmoid", ["pooled"], ["heatmap"]),
    ]
    save("thermal_misshaped.onnx", helper.make_graph(nodes, "thermal_misshaped", [THERMAL_IN], [temps, heat]))


def tiny_mask():
    """Input [B, 3, 32, 32], output `mask` [B, 2, 32, 32]: per-class probabilities of a 1x1 convolution,
    class 0 where red is above half, class 1 where blue is: a segmentation model for the accuracy gate."""
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 32, 32])
    y = helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", 2, 32, 32])
    weight = numpy_helper.from_array(np.array([[10, 0, 0], [0, 0, 10]], dtype=np.float32).reshape(2, 3, 1, 1), "w")
    bias = numpy_helper.from_array(np.array([-5, -5], dtype=np.float32), "b")
    nodes = [
        helper.make_node("Conv", ["images", "w", "b"], ["logits"], kernel_shape=[1, 1]),
        helper.make_node("Sigmoid", ["logits"], ["mask"]),
    ]
    save("tiny_mask.onnx", helper.make_graph(nodes, "tiny_mask", [x], [y], initializer=[weight, bias]))


def ultralytics_cls_standin():
    """An Ultralytics-style classification export: input 'images' [B, 3, 64, 64], output 'output0'
    [B, 4] already softmaxed (Ultralytics' Classify head applies softmax at export), no map. The
    probabilities are fixed, [0.97, 0.01, 0.01, 0.01] for every image (a zero weight on the image's
    channel means plus a bias of their logs), so a test can tell kept probabilities from softmaxed ones."""
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, 64, 64])
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 4])
    w = numpy_helper.from_array(np.zeros((3, 4), dtype=np.float32), "w")
    b = numpy_helper.from_array(np.log(np.array([0.97, 0.01, 0.01, 0.01], dtype=np.float32)), "b")
    nodes = [
        helper.make_node("GlobalAveragePool", ["images"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "w"], ["scores"]),
        helper.make_node("Add", ["scores", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["output0"], axis=1),
    ]
    save("ultralytics_cls_standin.onnx", helper.make_graph(nodes, "ultralytics_cls_standin", [x], [y], [w, b]))


if __name__ == "__main__":
    one_channel_input()
    coco_output()
    mask_model("segmentation_standin.onnx")
    mask_model("mask_three_classes.onnx", classes=3)
    mask_model("mask_half_size.onnx", height=96, width=128, stride=2)
    mask_model("mask_misnamed.onnx", output="output0")
    thermal_standin()
    thermal_without_heatmap()
    thermal_misshaped()
    tiny_mask()
    ultralytics_cls_standin()
