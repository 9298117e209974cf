"""Triton Python-backend model that runs the model.onnx beside it with onnxruntime.

The Triton bundled in nvidia-pytriton has only the Python backend, so chipq's test repository
(test/triton/support/make-triton-repository.ts) copies this file as `<name>/<version>/model.py`
next to each model.onnx. Inputs, outputs, batching and versions stay those of the original
config.pbtxt; this file only executes what Triton's scheduler hands it:

- max_batch_size > 0: the dynamic batcher gives several requests at once; their inputs are
  concatenated along the batch axis, the model runs once, and the outputs are split back by each
  request's batch size (the same thing Triton's onnxruntime backend does).
- max_batch_size == 0: each request runs on its own.

Cancelled requests (the client cancelled the gRPC call or its deadline passed) are not run, or
are stopped between operators when they already run; see `_run_batch` and `_run_session`.

onnxruntime uses CHIPQ_ORT_THREADS intra-op threads (default 1: Triton's instance_group count is
the unit of parallelism, and the machines we test on have few cores).
"""

import json
import os
import threading

import numpy as np
import onnxruntime as ort
import triton_python_backend_utils as pb_utils


# How often a running execution checks whether its requests were cancelled.
CANCEL_POLL_SECONDS = 0.005


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        self.batching = int(config.get("max_batch_size", 0)) > 0
        self.input_names = [tensor["name"] for tensor in config["input"]]
        self.output_names = [tensor["name"] for tensor in config["output"]]
        path = os.path.join(args["model_repository"], args["model_version"], "model.onnx")
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("CHIPQ_ORT_THREADS", "1"))
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.session_inputs = {i.name for i in self.session.get_inputs()}

    def execute(self, requests):
        if not self.batching:
            return [self._run_batch([request])[0] for request in requests]
        return self._run_batch(requests)

    def _run_batch(self, requests):
        """Runs `requests` as one model execution; one response (or error) per request."""
        # A request whose client went away (gRPC cancel, deadline) while it was queued is not run.
        # When every request of the execution was cancelled, raising makes the Python backend
        # answer them with the error and count them as failed (it counts any response it got
        # from execute() as a success); in a partly cancelled batch the cancelled ones get an
        # error response, which the Python backend still counts as a success.
        if all(request.is_cancelled() for request in requests):
            raise pb_utils.TritonModelException("request cancelled before it ran")
        if any(request.is_cancelled() for request in requests):
            live = [request for request in requests if not request.is_cancelled()]
            answers = dict(zip(map(id, live), self._run_batch(live) if live else []))
            return [answers[id(request)] if id(request) in answers else _cancelled() for request in requests]
        try:
            feeds_per_request = [self._feeds(request) for request in requests]
        except ValueError as error:
            return [pb_utils.InferenceResponse(error=pb_utils.TritonError(str(error))) for _ in requests]
        if len(requests) == 1:
            feeds = feeds_per_request[0]
        else:
            feeds = {
                name: np.concatenate([f[name] for f in feeds_per_request], axis=0)
                for name in feeds_per_request[0]
            }
        run_options = ort.RunOptions()
        try:
            results = self._run_session(feeds, requests, run_options)
        except Exception as error:  # onnxruntime raises its own exception types
            if run_options.terminate:
                raise pb_utils.TritonModelException("request cancelled while it ran") from error
            return [pb_utils.InferenceResponse(error=pb_utils.TritonError(str(error))) for _ in requests]

        responses = []
        start = 0
        for feeds_of_one in feeds_per_request:
            size = next(iter(feeds_of_one.values())).shape[0] if self.batching and feeds_of_one else None
            tensors = []
            for name, value in zip(self.output_names, results):
                part = value[start : start + size] if size is not None else value
                tensors.append(pb_utils.Tensor(name, np.ascontiguousarray(part)))
            start += size or 0
            responses.append(pb_utils.InferenceResponse(output_tensors=tensors))
        return responses

    def _run_session(self, feeds, requests, run_options):
        """Runs the model; stops it between operators (RunOptions.terminate) once every request of
        the execution has been cancelled, so a cancelled request never counts as inferred, whether
        Triton's gRPC frontend had started it already or not."""
        done = threading.Event()

        def watch():
            while not done.wait(CANCEL_POLL_SECONDS):
                if all(request.is_cancelled() for request in requests):
                    run_options.terminate = True
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            return self.session.run(self.output_names, feeds, run_options)
        finally:
            done.set()
            watcher.join()

    def _feeds(self, request):
        feeds = {}
        for name in self.input_names:
            tensor = pb_utils.get_input_tensor_by_name(request, name)
            if tensor is None:
                continue  # an optional input the caller left out
            if name not in self.session_inputs:
                raise ValueError(f"input '{name}' is not an input of model.onnx")
            feeds[name] = tensor.as_numpy()
        return feeds

    def finalize(self):
        self.session = None


def _cancelled():
    return pb_utils.InferenceResponse(
        error=pb_utils.TritonError("request cancelled before it ran", pb_utils.TritonError.CANCELLED)
    )
