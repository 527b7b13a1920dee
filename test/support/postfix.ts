// A second, real Postfix instance on loopback that bounces: its own config directory and queue in
// a temp dir, listening on a free port. It accepts every recipient at bounce-test.example and
// then fails local delivery ("5.1.1 unknown user"), so a real RFC 3464 DSN goes to the envelope
// sender; mail for the VERP return domain is relayed to the product's inbound SMTP listener.
// Other outcomes by recipient domain: full.example -> 450 at RCPT, blocked.example -> 550 at RCPT.
// Traps this works around: `postfix -c DIR` refuses silently unless DIR is registered in the
// default instance's alternate_config_directories; its check/start errors go only to a terminal
// (run under `script`); the data directory must belong to the postfix user; no DNS here, so
// smtp_dns_support_level=disabled with native host lookup; zero queue lifetimes make deferred
// mail bounce at once.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './product.js';

export interface BouncingPostfix {
  port: number;
  dir: string;
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

function run(args: string[]): { status: number | null; out: string } {
  // postfix prints its errors only to a terminal or the log: run it under script(1).
  const res = spawnSync('script', ['-qec', args.join(' '), '/dev/null'], { encoding: 'utf8' });
  return { status: res.status, out: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}

function alternates(): string[] {
  return execFileSync('postconf', ['-h', 'alternate_config_directories'], { encoding: 'utf8' })
    .split(/[\s,]+/)
    .filter(Boolean);
}

function setAlternates(list: string[]): void {
  execFileSync('postconf', ['-e', `alternate_config_directories = ${list.join(' ')}`]);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Starts the bouncing Postfix; `returnDomain` mail is relayed to 127.0.0.1:`inboundPort`. */
export async function startBouncingPostfix(
  returnDomain: string,
  inboundPort: number,
): Promise<BouncingPostfix> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-postfix-'));
  // Postfix daemons drop to the postfix user and must traverse the directory.
  chmodSync(dir, 0o755);
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  mkdirSync(queue);
  mkdirSync(data);
  const pf = Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
  const pfGid = Number(execFileSync('id', ['-g', 'postfix'], { encoding: 'utf8' }).trim());
  chownSync(data, pf, pfGid);
  const maillog = path.join(dir, 'maillog');
  writeFileSync(
    path.join(dir, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${queue}`,
      `data_directory = ${data}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = mta.bounce-test.example',
      'mydomain = bounce-test.example',
      'myorigin = bounce-test.example',
      'mydestination = bounce-test.example',
      'local_recipient_maps =',
      'alias_maps =',
      'alias_database =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'relay_domains = full.example blocked.example soft.example',
      `transport_maps = texthash:${path.join(dir, 'transport')}`,
      'smtp_dns_support_level = disabled',
      'smtp_host_lookup = native',
      'maximal_queue_lifetime = 0',
      'bounce_queue_lifetime = 0',
      'delay_warning_time = 0',
      `maillog_file = ${maillog}`,
      `maillog_file_prefixes = ${dir}`,
      `syslog_name = postfix-kindling-${port}`,
      'smtpd_banner = $myhostname ESMTP bounce-test',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'transport'),
    [
      `${returnDomain} smtp:[127.0.0.1]:${inboundPort}`,
      'full.example retry:4.2.2 Mailbox full',
      'blocked.example error:5.7.1 Message rejected as spam',
      'soft.example smtp:[127.0.0.1]:9',
      '',
    ].join('\n'),
  );
  const master = readFileSync('/etc/postfix/master.cf', 'utf8')
    .split('\n')
    .map((line) => {
      if (/^smtp\s+inet\s/.test(line)) return `127.0.0.1:${port} inet n - n - - smtpd`;
      // No chroot: the temp queue has no copy of /etc files.
      const cols = line.split(/\s+/);
      if (!line.startsWith('#') && !/^\s/.test(line) && cols.length >= 8 && cols[4] === 'y') {
        cols[4] = 'n';
        return cols.join(' ');
      }
      return line;
    })
    .join('\n');
  writeFileSync(path.join(dir, 'master.cf'), master);
  setAlternates([...alternates().filter((d) => existsSync(d)), dir]);

  const stop = async () => {
    run(['postfix', '-c', dir, 'stop']);
    // `postfix stop` returns before master has exited; wait for its pid file to go.
    const pidFile = path.join(queue, 'pid', 'master.pid');
    const deadline = Date.now() + 10_000;
    while (existsSync(pidFile) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    setAlternates(alternates().filter((d) => d !== dir));
    rmSync(dir, { recursive: true, force: true });
  };
  const check = run(['postfix', '-c', dir, 'check']);
  const start = run(['postfix', '-c', dir, 'start']);
  if (start.status !== 0) {
    const out = `${check.out}\n${start.out}`;
    await stop();
    throw new Error(`postfix -c ${dir} start failed: ${out}`);
  }
  // master starts its smtpd listener a moment after `start` returns.
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) {
      const out = readFileSync(maillog, 'utf8');
      await stop();
      throw new Error(`postfix did not listen on ${port}: ${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const log = () => (existsSync(maillog) ? readFileSync(maillog, 'utf8') : '');
  return { port, dir, url: `smtp://127.0.0.1:${port}?tls=off`, log, stop };
}
