// Postfix's smtp-sink as a real receiving SMTP server for tests and benchmarks: every message
// it receives is dumped to one file in a temp dir (envelope first as X-* headers).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './product.js';

export interface SmtpSink {
  port: number;
  url: string;
  dir: string;
  /** Every dumped message (raw bytes), oldest first by file name. */
  messages: () => Buffer[];
  stop: () => Promise<void>;
}

async function waitListening(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`smtp-sink exited (${child.exitCode}): ${output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`smtp-sink did not listen on ${port}: ${output()}`);
}

/** Starts `smtp-sink -d` on a free loopback port; `dump: false` only counts (for benchmarks). */
export async function startSmtpSink(
  options: { dump?: boolean; backlog?: number } = {},
): Promise<SmtpSink> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-sink-'));
  const args = ['-u', os.userInfo().username];
  if (options.dump !== false) args.push('-d', `${dir}/%M.`);
  args.push(`127.0.0.1:${port}`, String(options.backlog ?? 256));
  const child = spawn('/usr/sbin/smtp-sink', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  await waitListening(port, child, () => out);
  return {
    port,
    url: `smtp://127.0.0.1:${port}?tls=off`,
    dir,
    messages: () =>
      readdirSync(dir)
        .sort()
        .map((f) => readFileSync(path.join(dir, f))),
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
