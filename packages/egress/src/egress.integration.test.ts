// The guard against real sockets and a real DNS server: a dnsmasq started on a free port serves a
// name that first resolves to a public address (the relay passes the save-time check) and then,
// after a reload, to 127.0.0.1 (DNS rebinding): the connect-time check refuses it and nothing
// reaches the loopback server. The system resolver's `localhost` is refused the same way; both
// connect once the operator's allow list names them.
import { spawn, type ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEgressGuard, EgressRefusedError, type Resolve } from './index.js';

let dnsmasq: ChildProcess;
let dir: string;
let hostsFile: string;
let server: net.Server;
let serverPort: number;
let connections = 0;
let resolve: Resolve;
let stderr = '';

function freeUdpTcpPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => ok(port));
    });
  });
}

async function resolvesTo(name: string, address: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const got = await resolve(name).catch(() => []);
    if (got.some((a) => a.address === address)) return;
    if (Date.now() > deadline)
      throw new Error(`dnsmasq never answered ${name} → ${address}:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-dns-'));
  chmodSync(dir, 0o755);
  hostsFile = path.join(dir, 'hosts');
  writeFileSync(hostsFile, '93.184.216.34 relay.rebind.test\n', { mode: 0o644 });
  const dnsPort = await freeUdpTcpPort();
  dnsmasq = spawn(
    '/usr/sbin/dnsmasq',
    [
      '--keep-in-foreground',
      '--no-resolv',
      '--no-hosts',
      `--addn-hosts=${hostsFile}`,
      `--port=${dnsPort}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--pid-file=',
      '--cache-size=0',
      '--local-ttl=0',
      '--user=root',
      '--log-facility=-',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  dnsmasq.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dnsPort}`]);
  resolve = async (host) =>
    (await resolver.resolve4(host)).map((address) => ({ address, family: 4 }));
  await resolvesTo('relay.rebind.test', '93.184.216.34');

  server = net.createServer((s) => {
    connections++;
    s.on('error', () => undefined); // the client hangs up at once
    s.end('220 test\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverPort = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  dnsmasq?.kill();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

it('refuses a name rebound to loopback at connect time, though it passed when saved', async () => {
  const guard = createEgressGuard({ resolve });
  // At save time the name resolves to a public address: accepted.
  await expect(guard.check('relay.rebind.test', serverPort)).resolves.toEqual(['93.184.216.34']);
  // Then the name is pointed at loopback (the DNS server reloads its records).
  writeFileSync(hostsFile, '127.0.0.1 relay.rebind.test\n');
  dnsmasq.kill('SIGHUP');
  await resolvesTo('relay.rebind.test', '127.0.0.1');
  await expect(guard.connect({ host: 'relay.rebind.test', port: serverPort })).rejects.toThrow(
    /relay\.rebind\.test resolves to 127\.0\.0\.1:\d+, a loopback address/,
  );
  expect(connections).toBe(0);

  // Listed by the operator: connects, to the address that was checked.
  const allowed = createEgressGuard({ resolve, allow: 'relay.rebind.test' });
  const socket = await allowed.connect({ host: 'relay.rebind.test', port: serverPort });
  expect(socket.remoteAddress).toBe('127.0.0.1');
  socket.destroy();
  expect(connections).toBe(1);
});

it('refuses 127.0.0.1 and localhost through the system resolver, and connects once allowed', async () => {
  const before = connections;
  const guard = createEgressGuard({});
  for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]'])
    await expect(guard.connect({ host, port: serverPort }), host).rejects.toBeInstanceOf(
      EgressRefusedError,
    );
  expect(connections).toBe(before);

  const allowed = createEgressGuard({ allow: `127.0.0.1:${serverPort}` });
  for (const host of ['127.0.0.1', 'localhost']) {
    const socket = await allowed.connect({ host, port: serverPort });
    socket.destroy();
  }
  expect(connections).toBe(before + 2);
});
