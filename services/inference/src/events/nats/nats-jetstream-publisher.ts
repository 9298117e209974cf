/**
 * Publishes events to NATS JetStream: subject = event type (`chipq.inspection.completed`, ...),
 * body = the CloudEvent as JSON, `Nats-Msg-Id` = the event id so the stream drops a redelivery
 * within its duplicate window. Connects lazily and keeps reconnecting forever (the outbox holds
 * events meanwhile); creates the stream on first use when it does not exist.
 */
import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { CloudEvent } from '../event-catalog.js';
import type { EventPublisher } from '../event-publisher.js';

export interface NatsJetStreamPublisherOptions {
  /** `NATS_URL`, e.g. `nats://127.0.0.1:4222` (comma-separated for a cluster). */
  servers: string;
  /** Stream that captures `chipq.>`, default `CHIPQ_EVENTS`; created when missing. */
  stream?: string;
  /** How long the stream remembers event ids to drop duplicates, default 10 minutes. */
  duplicateWindowMs?: number;
  /** How long to wait for the broker's acknowledgement of one event, default 5 s. */
  ackTimeoutMs?: number;
}

export function createNatsJetStreamPublisher(options: NatsJetStreamPublisherOptions): EventPublisher {
  const stream = options.stream ?? 'CHIPQ_EVENTS';
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  let connection: Promise<{ nc: NatsConnection; js: JetStreamClient }> | undefined;
  let streamReady = false;

  async function open(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    const nc = await connect({
      servers: options.servers.split(',').map((s) => s.trim()),
      name: 'chipq-inference',
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: ackTimeoutMs,
    });
    return { nc, js: jetstream(nc) };
  }

  async function ensureStream(nc: NatsConnection): Promise<void> {
    const jsm = await jetstreamManager(nc, { timeout: ackTimeoutMs });
    try {
      // Any stream that already captures our subjects will do (an operator's own, or ours).
      await jsm.streams.find('chipq.inspection.completed');
    } catch {
      await jsm.streams.add({
        name: stream,
        subjects: ['chipq.>'],
        duplicate_window: nanos(options.duplicateWindowMs ?? 600_000),
      });
    }
    streamReady = true;
  }

  return {
    async publish(event: CloudEvent) {
      connection ??= open().catch((error: unknown) => {
        // The next publish tries again from scratch.
        connection = undefined;
        throw error;
      });
      const { nc, js } = await connection;
      if (!streamReady) await ensureStream(nc);
      const h = headers();
      h.set('Content-Type', 'application/cloudevents+json; charset=utf-8');
      try {
        await js.publish(event.type, JSON.stringify(event), {
          msgID: event.id,
          timeout: ackTimeoutMs,
          headers: h,
        });
      } catch (error) {
        // A restarted server without our stream answers "no responders": look for it again.
        streamReady = false;
        throw error;
      }
    },
    async close() {
      const opened = connection;
      connection = undefined;
      if (opened === undefined) return;
      const { nc } = await opened.catch(() => ({ nc: undefined }));
      if (nc === undefined) return;
      // Draining waits for the server; while it is down, give up after a moment and close.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        nc.drain().catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, 2000))),
      ]);
      clearTimeout(timer);
      if (!nc.isClosed()) await nc.close();
    },
  };
}
