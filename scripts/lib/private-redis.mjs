// A private redis-server for the test suite: a free loopback port, no persistence, a temp dir,
// stopped when the caller says so or when this process exits. Node built-ins only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './net.mjs';

function ping(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      buf += d;
      if (buf.includes('\r\n')) {
        socket.destroy();
        resolve(buf.startsWith('+PONG'));
      }
    });
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `redis-server` (from PATH, or REDIS_SERVER_BIN) on a free port. Resolves to
 * `{ url, port, stop }`; rejects with a message saying how to install it when it cannot start.
 */
export async function startPrivateRedis({
  bin = process.env.REDIS_SERVER_BIN ?? 'redis-server',
} = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kindling-redis-'));
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory-policy',
        'noeviction',
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const failed = await new Promise((resolve) => {
      child.once('error', (err) => resolve(err));
      const deadline = Date.now() + 5000;
      const poll = async () => {
        if (child.exitCode !== null) return resolve(new Error(stderr || 'exited'));
        if (await ping(port)) return resolve(null);
        if (Date.now() > deadline) return resolve(new Error('did not answer PING within 5 s'));
        setTimeout(poll, 50);
      };
      void poll();
    });
    if (failed) {
      child.kill('SIGKILL');
      if (failed.code === 'ENOENT') {
        throw new Error(
          `${bin} was not found: the test suite runs its own Redis. Install it ` +
            '(`apt-get install redis-server`) or set TEST_REDIS_URL to a Redis the tests may flush.',
        );
      }
      continue; // the port was taken between probe and bind: try another
    }
    const kill = () => child.exitCode === null && child.kill('SIGKILL');
    process.once('exit', kill);
    return {
      port,
      url: `redis://127.0.0.1:${port}/0`,
      async stop() {
        process.removeListener('exit', kill);
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
          kill();
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`${bin} could not start on a free port (3 attempts)`);
}
