"""Closed-loop ModelInfer load with Triton's own Python client (tritonclient.grpc.aio): the anchor
that test/bench/triton-bench.ts compares chipq's client with. Same model, same input bytes, same
concurrency and the same percentile definition (linear interpolation) as the TypeScript side.

    .triton/venv/bin/python scripts/triton/bench_client.py spec.json

spec.json: {"url": "127.0.0.1:8001", "model": "add_sub", "concurrency": 8, "duration_ms": 5000,
            "inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [1, 4], "file": "x.bin"}]}
Prints one JSON object: concurrency, requests, errors, seconds, throughput, p50Ms, p99Ms.
"""

import asyncio
import json
import sys
import time

import numpy as np
import tritonclient.grpc.aio as grpcclient
from tritonclient.utils import triton_to_np_dtype


def load_inputs(spec):
    inputs = []
    for tensor in spec["inputs"]:
        data = np.fromfile(tensor["file"], dtype=triton_to_np_dtype(tensor["datatype"])).reshape(tensor["shape"])
        infer_input = grpcclient.InferInput(tensor["name"], tensor["shape"], tensor["datatype"])
        infer_input.set_data_from_numpy(data)
        inputs.append(infer_input)
    return inputs


async def run(spec):
    client = grpcclient.InferenceServerClient(spec["url"])
    inputs = load_inputs(spec)
    model = spec["model"]
    concurrency = spec["concurrency"]
    await asyncio.gather(*[client.infer(model, inputs) for _ in range(concurrency)])  # warm-up

    latencies = []
    errors = 0
    begin = time.perf_counter()
    end = begin + spec["duration_ms"] / 1000

    async def loop():
        nonlocal errors
        while time.perf_counter() < end:
            started = time.perf_counter()
            try:
                await client.infer(model, inputs)
                latencies.append((time.perf_counter() - started) * 1000)
            except Exception:  # counted, as the TypeScript side counts its errors
                errors += 1

    await asyncio.gather(*[loop() for _ in range(concurrency)])
    seconds = time.perf_counter() - begin
    await client.close()
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "seconds": seconds,
        "throughput": len(latencies) / seconds,
        "p50Ms": float(np.percentile(latencies, 50)) if latencies else None,
        "p99Ms": float(np.percentile(latencies, 99)) if latencies else None,
    }


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        print(json.dumps(asyncio.run(run(json.load(f)))))
