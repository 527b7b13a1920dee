// The server timeouts against real sockets: a stalled body and slow headers are answered 408
// and disconnected; a handler working on a complete request is left alone.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, metricsAccess } from './http-server.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(null));
  server = null;
});

async function listen(s: Server): Promise<number> {
  server = s;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** Writes `raw` on a fresh connection and resolves with everything read until the server closes. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('createHttpServer', () => {
  it('answers 408 to a request that declares more body than it sends', async () => {
    const port = await listen(
      createHttpServer(
        (req, res) => {
          req.resume();
          req.on('end', () => res.end('read it all'));
        },
        { bodyIdleMs: 200, headersMs: 5_000, requestMs: 0 },
      ),
    );
    const answer = await exchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"request_timeout"');
  });

  it('answers 408 to headers that never end', async () => {
    const port = await listen(
      createHttpServer((_req, res) => res.end('ok'), {
        headersMs: 200,
        bodyIdleMs: 60_000,
        requestMs: 0,
      }),
    );
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('leaves a slow handler of a complete request alone', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const port = await listen(
      createHttpServer(
        (req, res) => {
          req.resume();
          req.on('end', () => void released.then(() => res.end('done')));
        },
        { bodyIdleMs: 100, headersMs: 5_000, requestMs: 0 },
      ),
    );
    const answer = exchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}',
    );
    // Several idle periods pass while the handler works; then it answers normally.
    await new Promise((r) => setTimeout(r, 400));
    release();
    expect(await answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*done$/);
  });
});

describe('metricsAccess', () => {
  it('serves metrics only with the exact bearer token, and never without one configured', () => {
    expect(metricsAccess('Bearer anything', undefined)).toBe('off');
    expect(metricsAccess(undefined, 's3cret')).toBe('denied');
    expect(metricsAccess('Bearer nope', 's3cret')).toBe('denied');
    expect(metricsAccess('Basic s3cret', 's3cret')).toBe('denied');
    expect(metricsAccess('Bearer s3cret', 's3cret')).toBe('ok');
  });
});
