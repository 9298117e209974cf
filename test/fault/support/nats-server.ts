/**
 * A JetStream nats-server of the test's own (`nats-server -js -p <free port> -sd <tmp dir>`), that
 * the test can kill and start again on the same port and store, as a broker outage looks.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/free-port.js';

export const hasNatsServer = spawnSync('nats-server', ['--version']).status === 0;

export interface NatsServer {
  url: string;
  /** Starts it (again) on the same port and store directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Kills it (SIGKILL by default) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  dispose(): Promise<void>;
}

export async function createNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const store = await mkdtemp(path.join(os.tmpdir(), 'chipq-nats-'));
  let child: ChildProcess | undefined;
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    async start() {
      child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], {
        stdio: 'ignore',
      });
      for (let i = 0; i < 200; i++) {
        if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
        if (await accepts(port)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('nats-server did not start listening');
    },
    async kill(signal = 'SIGKILL') {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
    async dispose() {
      await server.kill();
      await rm(store, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
