/**
 * Events end to end (issue 16), on the built service process, PostgreSQL and a nats-server this
 * test starts: every inspection yields exactly one `chipq.inspection.completed` (deduplicated by
 * its id), in order per lot, while the broker is killed and restarted under load; and events
 * committed while the broker is down survive a SIGKILL of the service (between commit and
 * publish) and are published by the restarted service. Waits are bounded polls, never timings.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blank, topLeftDefect } from '../../services/inference/test/helpers/png.js';
import { createNatsServer, hasNatsServer, type NatsServer } from './support/nats-server.js';
import { createServiceChild, repoRoot, type ServiceChild } from './support/service-child.js';

const postgresUrl = process.env.CHIPQ_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const hasPostgres = await (async () => {
  const client = new pg.Client({ connectionString: postgresUrl });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
})();
if (!hasNatsServer)
  console.warn('[chipq] event tests skipped: no nats-server on PATH (apt install nats-server)');
if (!hasPostgres) console.warn(`[chipq] event tests skipped: no PostgreSQL at ${postgresUrl}`);

const stream = 'CHIPQ_EVENTS';
const fixtures = path.join(repoRoot, 'test/fixtures/models');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Event {
  id: string;
  specversion: string;
  type: string;
  source: string;
  partitionkey?: string;
  msgId: string | undefined;
  data: { result_id: string; lot_id: string | null };
}

/** Every message in the stream, in stream order (an empty list before the stream exists). */
async function readStream(url: string): Promise<Event[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream).catch(() => undefined);
    const events: Event[] = [];
    if (info === undefined || info.state.messages === 0) return events;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      if (message === null) continue;
      events.push({ ...message.json<Omit<Event, 'msgId'>>(), msgId: message.header?.get('Nats-Msg-Id') });
    }
    return events;
  } finally {
    await nc.close();
  }
}

/** Polls the stream until `done` holds (bounded: fails after `limitMs` with what was seen). */
async function waitForEvents(
  url: string,
  done: (events: Event[]) => boolean,
  limitMs = 120_000,
): Promise<Event[]> {
  const until = Date.now() + limitMs;
  for (;;) {
    const events = await readStream(url).catch(() => [] as Event[]);
    if (done(events) || Date.now() > until) return events;
    await sleep(500);
  }
}

describe.skipIf(!hasNatsServer || !hasPostgres)('events through NATS JetStream', () => {
  let nats: NatsServer;
  let service: ServiceChild;
  let dir: string;
  let db: pg.Client;
  const database = `chipq_events_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create database ${database}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    dir = await mkdtemp(path.join(os.tmpdir(), 'chipq-events-'));
    nats = await createNatsServer();
    service = await createServiceChild({
      DATABASE_URL: url.toString(),
      DATA_DIR: path.join(dir, 'data'),
      MODEL_REPOSITORY: fixtures,
      DEFAULT_MODEL: 'diff_detector',
      NATS_URL: nats.url,
    });
    await service.start();
  }, 180_000);

  afterAll(async () => {
    await service?.kill('SIGTERM');
    await nats?.dispose();
    await db?.end();
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => {});
    await admin.end();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const predict = async (lot: string, die: number): Promise<string> => {
    const form = new FormData();
    const png = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
    form.append('image', png(die % 3 === 0 ? topLeftDefect() : blank()), 'image.png');
    form.append('reference', png(blank()), 'reference.png');
    form.append('lot_id', lot);
    form.append('wafer_id', 'W1');
    form.append('die_x', String(die));
    form.append('die_y', '0');
    const response = await fetch(`${service.url}/api/v1/inference/predict`, { method: 'POST', body: form });
    if (response.status !== 200)
      throw new Error(`predict answered ${response.status}: ${await response.text()}`);
    return (await response.json()).id as string;
  };

  it('publishes exactly one inspection.completed per result, in lot order, across a broker kill and restart', async () => {
    const sent: Record<string, string[]> = { 'EV-A': [], 'EV-B': [] };
    let phase = 0;
    // One client per lot: each lot's results are stored in this order.
    const client = async (lot: string) => {
      for (let die = 0; phase < 3; die++) {
        sent[lot]?.push(await predict(lot, die));
        if ((sent[lot]?.length ?? 0) > 60) break;
      }
    };
    const clients = [client('EV-A'), client('EV-B')];
    const atLeast = async (n: number) => {
      while (Math.min(sent['EV-A']?.length ?? 0, sent['EV-B']?.length ?? 0) < n) await sleep(20);
    };
    await atLeast(8);
    await nats.kill('SIGKILL');
    phase = 1;
    await atLeast(16);
    await nats.start();
    phase = 2;
    await atLeast(24);
    phase = 3;
    await Promise.all(clients);

    const results = [...(sent['EV-A'] ?? []), ...(sent['EV-B'] ?? [])];
    const events = await waitForEvents(nats.url, (seen) => {
      const ids = new Set(
        seen.filter((e) => e.type === 'chipq.inspection.completed').map((e) => e.data.result_id),
      );
      return results.every((id) => ids.has(id));
    });
    const inspections = events.filter((e) => e.type === 'chipq.inspection.completed');
    // Deduplicated by event id (what consumers do), every result appears exactly once.
    const unique = [...new Map(inspections.map((e) => [e.id, e])).values()];
    expect(unique.map((e) => e.data.result_id).sort()).toEqual([...results].sort());
    for (const event of unique) {
      expect(event).toMatchObject({ specversion: '1.0', source: '/chipq/inference' });
      expect(event.msgId).toBe(event.id);
      expect(event.partitionkey).toBe(`lot:${event.data.lot_id}`);
    }
    // Ordered per lot: the stream holds each lot's results in the order they were stored.
    for (const lot of ['EV-A', 'EV-B'])
      expect(unique.filter((e) => e.data.lot_id === lot).map((e) => e.data.result_id)).toEqual(sent[lot]);
    const { rows } = await db.query('select count(*)::int as n from event_outbox');
    expect(rows[0].n).toBe(0);
  }, 300_000);

  it('publishes events committed before a SIGKILL of the service once it is back', async () => {
    await nats.kill('SIGKILL');
    const results: string[] = [];
    for (let die = 0; die < 5; die++) results.push(await predict('EV-KILL', die));
    // Committed, not published: the broker is down, so every event waits in the outbox.
    const pending = await db.query(
      `select count(*)::int as n from event_outbox where partition_key = 'lot:EV-KILL'`,
    );
    expect(pending.rows[0].n).toBe(5);
    await service.kill('SIGKILL');
    await nats.start();
    await service.start();
    const events = await waitForEvents(nats.url, (seen) =>
      results.every((id) => seen.some((e) => e.data.result_id === id)),
    );
    const published = events.filter((e) => e.data.lot_id === 'EV-KILL').map((e) => e.data.result_id);
    expect(published).toEqual(results);
    const left = await db.query('select count(*)::int as n from event_outbox');
    expect(left.rows[0].n).toBe(0);
  }, 300_000);
});
