/**
 * Our .proto subset (packages/core/proto) against Triton's own descriptors: tritonclient 2.51.0
 * ships modules generated from Triton r24.10's grpc_service.proto and model_config.proto, and
 * scripts/triton/describe-protos.py prints their names and numbers. Every message, field, enum
 * value and RPC we declare must exist there with the same number, type and cardinality.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadTritonProtoDescriptors } from '../../packages/core/src/triton-client/channel/proto-loader.js';
import { tritonAvailability } from './support/triton-server.js';

const availability = await tritonAvailability();
const root = join(import.meta.dirname, '../..');

interface FieldFacts {
  number: number;
  type: string;
  repeated: boolean;
}
interface TritonFacts {
  messages: Record<string, Record<string, FieldFacts>>;
  enums: Record<string, Record<string, number>>;
  methods: Record<string, [string, string]>;
}
interface Descriptor {
  name: string;
  options?: { mapEntry?: boolean } | null;
  field?: Array<{ name: string; number: number; label: string; type: string; typeName: string }>;
  nestedType?: Descriptor[];
  enumType?: Array<{ name: string; value: Array<{ name: string; number: number }> }>;
  value?: Array<{ name: string; number: number }>;
}

/** Our declarations flattened to the same shape as describe-protos.py's output. */
function ourFacts(): TritonFacts {
  const definitions = loadTritonProtoDescriptors();
  const facts: TritonFacts = { messages: {}, enums: {}, methods: {} };
  // protobufjs names a map's entry type after the field (`Metric_tags`), protoc `MetricTagsEntry`.
  const entryNames = new Map<string, string>();
  const protocName = (nested: Descriptor) =>
    nested.options?.mapEntry
      ? `${nested.name
          .split('_')
          .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
          .join('')}Entry`
      : nested.name;
  const walk = (fullName: string, descriptor: Descriptor) => {
    for (const nested of descriptor.nestedType ?? []) entryNames.set(nested.name, protocName(nested));
    facts.messages[fullName] = Object.fromEntries(
      (descriptor.field ?? []).map((field) => [
        field.name,
        {
          number: field.number,
          type: field.typeName
            ? (entryNames.get(field.typeName) ?? field.typeName.replace(/^\./, ''))
            : field.type.replace(/^TYPE_/, '').toLowerCase(),
          repeated: field.label === 'LABEL_REPEATED',
        },
      ]),
    );
    for (const nested of descriptor.nestedType ?? []) walk(`${fullName}.${protocName(nested)}`, nested);
    for (const e of descriptor.enumType ?? [])
      facts.enums[`${fullName}.${e.name}`] = Object.fromEntries(e.value.map((v) => [v.name, v.number]));
  };
  for (const [name, definition] of Object.entries(definitions)) {
    if (name.startsWith('grpc.health.')) continue; // the standard health service, not Triton's
    const value = definition as { format?: string; type?: Descriptor } & Record<
      string,
      { path?: string; requestType?: { type: Descriptor } }
    >;
    if (value.format === 'Protocol Buffer 3 DescriptorProto' && value.type) walk(name, value.type);
    else if (value.format === 'Protocol Buffer 3 EnumDescriptorProto' && value.type)
      facts.enums[name] = Object.fromEntries((value.type.value ?? []).map((v) => [v.name, v.number]));
    else if (!value.format) {
      for (const method of Object.values(value)) {
        if (
          typeof method === 'object' &&
          method !== null &&
          'path' in method &&
          typeof method.path === 'string'
        ) {
          facts.methods[method.path] = ['', ''];
        }
      }
    }
  }
  return facts;
}

(availability.available ? describe : describe.skip)(
  availability.available ? 'our protos match Triton r24.10' : `protos (skipped: ${availability.reason})`,
  () => {
    it('declares only messages, fields, enum values and RPCs that Triton has, with its numbers', async () => {
      const { stdout } = await promisify(execFile)(join(root, '.triton/venv/bin/python'), [
        join(root, 'scripts/triton/describe-protos.py'),
      ]);
      const triton = JSON.parse(stdout) as TritonFacts;
      const ours = ourFacts();
      const mismatches: string[] = [];
      for (const [message, fields] of Object.entries(ours.messages)) {
        const theirs = triton.messages[message];
        if (!theirs) {
          mismatches.push(`message ${message} is not Triton's`);
          continue;
        }
        for (const [field, facts] of Object.entries(fields)) {
          const other = theirs[field];
          // protobufjs keeps message type names as written (`TensorMetadata`); Triton's are full.
          const sameType =
            other !== undefined && (other.type === facts.type || other.type.endsWith(`.${facts.type}`));
          if (!other || other.number !== facts.number || other.repeated !== facts.repeated || !sameType) {
            mismatches.push(
              `${message}.${field}: ours ${JSON.stringify(facts)}, Triton's ${JSON.stringify(theirs[field])}`,
            );
          }
        }
      }
      for (const [name, values] of Object.entries(ours.enums)) {
        for (const [value, number] of Object.entries(values)) {
          if (triton.enums[name]?.[value] !== number)
            mismatches.push(`enum ${name}.${value} = ${number} is not Triton's`);
        }
      }
      for (const path of Object.keys(ours.methods)) {
        if (!triton.methods[path]) mismatches.push(`RPC ${path} is not Triton's`);
      }
      expect(mismatches).toEqual([]);
      expect(Object.keys(ours.messages).length).toBeGreaterThan(50);
      expect(Object.keys(ours.methods)).toHaveLength(14);
    });
  },
);
