/**
 * Triton's HTTP/REST protocol with the binary tensor data extension, on undici: one JSON header
 * (its length in `Inference-Header-Content-Length`) followed by the raw input bytes, outputs
 * asked back as binary too. The bench's second transport next to gRPC: no JSON number arrays,
 * no protobuf, one HTTP/1.1 request per inference over a keep-alive pool.
 */
import type { Tensor } from '@chipq/core';
import { Pool } from 'undici';

/** An infer function for `model` with `inputs`, over `connections` keep-alive connections to `url`. */
export function restInfer(
  url: string,
  model: string,
  inputs: Tensor[],
  connections: number,
): { infer: () => Promise<void>; close: () => Promise<void> } {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const raw = inputs.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  const header = Buffer.from(
    JSON.stringify({
      inputs: inputs.map((t, i) => ({
        name: t.name,
        datatype: t.datatype,
        shape: t.shape,
        parameters: { binary_data_size: raw[i]?.byteLength },
      })),
      parameters: { binary_data_output: true },
    }),
  );
  const body = Buffer.concat([header, ...raw]);
  return {
    async infer() {
      const response = await pool.request({
        method: 'POST',
        path: `/v2/models/${model}/infer`,
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(header.byteLength),
        },
        body,
      });
      const bytes = Buffer.from(await response.body.arrayBuffer());
      if (response.statusCode !== 200) throw new Error(`Triton answered ${response.statusCode}: ${bytes}`);
      const jsonLength = Number(response.headers['inference-header-content-length'] ?? bytes.byteLength);
      const answer = JSON.parse(bytes.subarray(0, jsonLength).toString()) as { outputs?: unknown[] };
      if (!answer.outputs?.length) throw new Error('Triton answered without outputs');
    },
    close: () => pool.close(),
  };
}
