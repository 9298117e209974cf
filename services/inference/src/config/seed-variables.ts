/**
 * The environment file of the service chipq replaces (the "seed") keeps working: what chipq can
 * honour it honours (DATABASE_URL with a driver suffix, TRITON_MODEL_NAME, TRITON_HTTP_URL,
 * REDIS_URL for the rate limits replicas share, OTEL_EXPORTER_OTLP_ENDPOINT for traces), and
 * every seed variable that has no effect gets one clear warning at start-up instead of being
 * silently ignored.
 */

/** `postgresql+asyncpg://...` (SQLAlchemy's driver suffix) as `postgresql://...`; other URLs unchanged. */
export function withoutDriverSuffix(url: string): string {
  return url.replace(/^(postgres(?:ql)?)\+[a-z0-9_]+:\/\//i, '$1://');
}

interface SeedContext {
  engine: 'onnx' | 'triton';
  defaultModel: string | undefined;
  rateLimitPerMinute: number;
  /** Whether the OTEL_* variables start the trace exporter (observability/telemetry.ts). */
  tracesOn: boolean;
}

/** One warning per seed variable set in `env` that does nothing in this configuration. */
export function seedVariableWarnings(env: Record<string, string | undefined>, config: SeedContext): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const warnings: string[] = [];
  if (set('REDIS_URL') && config.rateLimitPerMinute === 0)
    warnings.push(
      'REDIS_URL is set but has no effect: it holds the rate limits replicas share, and RATE_LIMIT=0 turns them off (other shared state lives in the database)',
    );
  if (set('KAFKA_BOOTSTRAP_SERVERS'))
    warnings.push(
      'KAFKA_BOOTSTRAP_SERVERS is set but has no effect: chipq publishes events to NATS JetStream only (NATS_URL), not to Kafka',
    );
  // Traces are exported (observability/telemetry.ts), over OTLP/HTTP unless told otherwise: the
  // seed pointed at 4317, OTLP/gRPC's port, where HTTP exports would fail one by one.
  const otlpEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() ?? '';
  if (otlpEndpoint !== '' && !config.tracesOn)
    warnings.push(
      'OTEL_EXPORTER_OTLP_ENDPOINT is set but has no effect: OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turns traces off',
    );
  else if (/:4317\/?$/.test(otlpEndpoint) && !set('OTEL_EXPORTER_OTLP_PROTOCOL'))
    warnings.push(
      "OTEL_EXPORTER_OTLP_ENDPOINT names port 4317 (OTLP/gRPC) but traces go over OTLP/HTTP by default: set OTEL_EXPORTER_OTLP_PROTOCOL=grpc, or point it at the collector's 4318",
    );
  if (set('TRITON_URL'))
    warnings.push(
      'TRITON_URL is set but has no effect: chipq reads TRITON_SERVER_URL (gRPC host:port) with ENGINE=triton',
    );
  if (set('TRITON_HTTP_URL') && config.engine !== 'triton')
    warnings.push('TRITON_HTTP_URL is set but has no effect with the embedded engine (set ENGINE=triton)');
  const seedModel = env.TRITON_MODEL_NAME?.trim();
  if (seedModel && config.defaultModel !== seedModel)
    warnings.push(
      `TRITON_MODEL_NAME=${seedModel} has no effect: DEFAULT_MODEL=${config.defaultModel} names the default model`,
    );
  return warnings;
}
