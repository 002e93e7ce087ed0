"""Makes the tiny ONNX models the Java tests use to check that bad models are refused.

Run with Debian's Python: /usr/bin/python3 src/test/resources/models/make_test_models.py
They compute nothing useful; only their tensor shapes matter.
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


if __name__ == "__main__":
    one_channel_input()
    coco_output()
    tiny_mask()
