"""Prints the message, field and enum numbers of Triton's own protobuf descriptors as JSON.

tritonclient 2.51.0 (scripts/triton/requirements.txt) ships Python modules generated from
Triton r24.10's grpc_service.proto and model_config.proto; test/triton/proto-fields.test.ts
compares packages/core/proto/*.proto with this output, so our subset keeps Triton's names and
numbers exactly.

    .triton/venv/bin/python scripts/triton/describe-protos.py
"""

import json

from google.protobuf.descriptor import FieldDescriptor
from tritonclient.grpc import model_config_pb2, service_pb2

TYPE_NAMES = {
    value: name[len("TYPE_"):].lower() for name, value in vars(FieldDescriptor).items() if name.startswith("TYPE_")
}


def field_type(field):
    if field.message_type is not None:
        return field.message_type.full_name
    if field.enum_type is not None:
        return field.enum_type.full_name
    return TYPE_NAMES[field.type]


def describe(descriptor, out):
    out["messages"][descriptor.full_name] = {
        field.name: {
            "number": field.number,
            "type": field_type(field),
            "repeated": field.label == FieldDescriptor.LABEL_REPEATED,
        }
        for field in descriptor.fields
    }
    for enum in descriptor.enum_types:
        out["enums"][enum.full_name] = {value.name: value.number for value in enum.values}
    for nested in descriptor.nested_types:
        describe(nested, out)


def main():
    out = {"messages": {}, "enums": {}, "methods": {}}
    for module in (model_config_pb2, service_pb2):
        file = module.DESCRIPTOR
        for enum in file.enum_types_by_name.values():
            out["enums"][enum.full_name] = {value.name: value.number for value in enum.values}
        for message in file.message_types_by_name.values():
            describe(message, out)
        for service in file.services_by_name.values():
            for method in service.methods:
                out["methods"][f"/{service.full_name}/{method.name}"] = [method.input_type.full_name, method.output_type.full_name]
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
