"""Parses Prometheus text (stdin) with the reference client's parser; prints one JSON sample per line."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        value = None if math.isnan(s.value) else s.value
        print(json.dumps({"family": family.name, "type": family.type, "name": s.name,
                          "labels": s.labels, "value": value}))
