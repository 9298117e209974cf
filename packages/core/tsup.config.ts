import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // `import.meta.url` in the CJS build too: the engine resolves onnxruntime-node for its worker threads.
  shims: true,
  // Native and large runtime libraries stay external; users install them with core.
  external: ['sharp', 'onnxruntime-node', '@grpc/grpc-js', '@grpc/proto-loader'],
});
