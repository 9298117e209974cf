"""The Python client generated from openapi/openapi.json, used as a Python team would: predict a
pair (files, then base64 JSON) and read each result back by id. Prints one JSON line.

Arguments: the service's base URL, an API key, the image file, the reference file. The generated
package `chipq_client` must be importable (PYTHONPATH).
"""

import base64
import io
import json
import sys

from chipq_client import AuthenticatedClient
from chipq_client.api.inference import get_result, predict, predict_base_64
from chipq_client.models import InferenceResult, PredictForm, PredictJson
from chipq_client.types import File

base_url, token, image_path, reference_path = sys.argv[1:5]
with open(image_path, "rb") as f:
    image = f.read()
with open(reference_path, "rb") as f:
    reference = f.read()

client = AuthenticatedClient(base_url=base_url, token=token, timeout=60.0)


def plain(value):
    """An enum member as its value (the generator makes enums of string choices)."""
    return getattr(value, "value", value)


def summary(result):
    if not isinstance(result, InferenceResult):
        raise SystemExit(f"expected an InferenceResult, got {result!r}")
    return {
        "verdict": plain(result.verdict.status) if result.verdict else None,
        "defects": [plain(d.defect_type) for d in result.detections],
        "lot": result.traceability.lot_id,
    }


def read_back(result):
    again = get_result.sync(result.id, client=client)
    return {"same_id": isinstance(again, InferenceResult) and again.id == result.id, **summary(again)}


files = predict.sync(
    client=client,
    body=PredictForm(
        image=File(payload=io.BytesIO(image), file_name="image.png", mime_type="image/png"),
        reference=File(payload=io.BytesIO(reference), file_name="reference.png", mime_type="image/png"),
        model="diff_detector",
        lot_id="LOT-PY-FILES",
    ),
)
encoded = predict_base_64.sync(
    client=client,
    body=PredictJson(
        image=base64.b64encode(image).decode(),
        reference=base64.b64encode(reference).decode(),
        model="diff_detector",
        lot_id="LOT-PY-BASE64",
    ),
)
print(
    json.dumps(
        {
            "files": {"predicted": summary(files), "read_back": read_back(files)},
            "base64": {"predicted": summary(encoded), "read_back": read_back(encoded)},
        }
    )
)
