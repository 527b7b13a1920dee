// A real DNS server for tests: Debian's dnsmasq on a free loopback port, answering only from the
// records the test gives it (no upstream, no /etc/hosts). Names under `local` domains that have no
// record answer NXDOMAIN, as a real zone does. Used by the DNS checks and the provider-by-MX tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface DnsRecords {
  /** name -> TXT strings (a value over 255 characters is split into several strings). */
  txt?: Record<string, string | string[]>;
  /** domain -> MX hosts, preference in list order. */
  mx?: Record<string, string[]>;
  /** name -> IPv4 address. */
  a?: Record<string, string>;
  /** Zones answered locally (NXDOMAIN for what is not listed); default: every domain given. */
  local?: string[];
}

export interface Dnsmasq {
  /** "127.0.0.1:port", what DNS_RESOLVER takes. */
  server: string;
  resolver: Resolver;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => ok(port));
    });
  });
}

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const chunks = (s: string) => s.match(/.{1,255}/gs) ?? [''];

/** dnsmasq configuration lines for `records`. */
export function dnsmasqConfig(records: DnsRecords): string {
  const lines: string[] = [];
  const zones = new Set(records.local ?? []);
  const zoneOf = (name: string) => name.split('.').slice(-2).join('.');
  for (const [name, value] of Object.entries(records.txt ?? {})) {
    const strings = (Array.isArray(value) ? value : [value]).flatMap(chunks);
    lines.push(`txt-record=${name},${strings.map(quote).join(',')}`);
    if (!records.local) zones.add(zoneOf(name));
  }
  for (const [domain, hosts] of Object.entries(records.mx ?? {})) {
    hosts.forEach((h, i) => lines.push(`mx-host=${domain},${h},${(i + 1) * 10}`));
    if (!records.local) zones.add(zoneOf(domain));
  }
  for (const [name, ip] of Object.entries(records.a ?? {})) {
    lines.push(`host-record=${name},${ip}`);
    if (!records.local) zones.add(zoneOf(name));
  }
  for (const z of zones) lines.push(`local=/${z}/`);
  return lines.join('\n') + '\n';
}

/** Starts dnsmasq with `records` and waits until it answers. */
export async function startDnsmasq(records: DnsRecords): Promise<Dnsmasq> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-dnsmasq-'));
  const conf = path.join(dir, 'dnsmasq.conf');
  writeFileSync(conf, dnsmasqConfig(records), { mode: 0o644 });
  const port = await freePort();
  let stderr = '';
  const child: ChildProcess = spawn(
    '/usr/sbin/dnsmasq',
    [
      '--keep-in-foreground',
      '--no-resolv',
      '--no-hosts',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--pid-file=',
      '--cache-size=0',
      '--local-ttl=0',
      '--user=root',
      '--log-facility=-',
      `--conf-file=${conf}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const server = `127.0.0.1:${port}`;
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([server]);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Any answer (NXDOMAIN included) means it is serving; a refused or timed-out query does not.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}):\n${stderr}`);
    const code = await resolver.resolveTxt('kindling-probe.invalid').then(
      () => 'ok',
      (e: NodeJS.ErrnoException) => e.code,
    );
    if (code !== 'ECONNREFUSED' && code !== 'ETIMEOUT') break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`dnsmasq never answered on ${server}:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { server, resolver, stop };
}
