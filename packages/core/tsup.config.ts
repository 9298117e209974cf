import { defineConfig } from 'tsup';

export default defineConfig({
  // The front door and one entry per deliberate subpath (package.json `exports`).
  entry: {
    index: 'src/index.ts',
    preprocess: 'src/preprocess/index.ts',
    postprocess: 'src/postprocess/index.ts',
    'model-repository': 'src/model-repository/index.ts',
    'triton-client': 'src/triton-client/index.ts',
    evaluation: 'src/evaluation/index.ts',
    fab: 'src/fab/index.ts',
  },
  format: ['esm', 'cjs'],
  // Shared chunks in both formats: one ChipqError class (and one proto cache) however many
  // subpaths a CommonJS caller requires, so `instanceof` holds across them.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // `import.meta.url` in the CJS build too: the engine resolves onnxruntime-node for its worker threads.
  shims: true,
  // Native and large runtime libraries stay external; users install them with core.
  external: ['sharp', 'onnxruntime-node', '@grpc/grpc-js', '@grpc/proto-loader'],
});
