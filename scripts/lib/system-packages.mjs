// The Debian packages the test suite needs (scripts/system-packages.txt). On a machine where one
// is missing, `npm test` installs them when it runs as root with apt (as CI does), and otherwise
// stops before running anything, printing the one command to run. Node built-ins only.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const listFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../system-packages.txt');

/** The package names of scripts/system-packages.txt. */
export function systemPackages() {
  return readFileSync(listFile, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function installed(pkg) {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.trim() === 'install ok installed';
}

function installCommand(missing) {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
}

/**
 * Makes sure every package is installed. Returns null when all are there (or were installed
 * now), else a message saying what is missing and the command that installs it.
 */
export function ensureSystemPackages(log = console.log) {
  if (!has('dpkg-query')) {
    const needed = ['chromium', 'smtp-sink', 'redis-server', 'dnsmasq'];
    const absent = needed.filter((c) => !has(c) && !has(`/usr/sbin/${c}`));
    return absent.length
      ? `This is not a Debian or Ubuntu machine and these test peers are missing: ${absent.join(', ')}.\n` +
          `Install the equivalents of: ${systemPackages().join(' ')}`
      : null;
  }
  const missing = systemPackages().filter((p) => !installed(p));
  if (!missing.length) return null;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    return (
      `The test suite needs these Debian packages: ${missing.join(' ')}.\n` +
      `Install them with:\n  ${installCommand(missing)}`
    );
  }
  log(`installing the test suite's system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptOpts = [
    '-o',
    'DPkg::Lock::Timeout=600',
    '-o',
    'Dpkg::Options::=--force-confdef',
    '-o',
    'Dpkg::Options::=--force-confold',
  ];
  if (missing.includes('postfix')) {
    // postfix asks debconf questions on install; answer them for a loopback-only setup.
    spawnSync('debconf-set-selections', {
      input:
        'postfix postfix/main_mailer_type select Local only\n' +
        'postfix postfix/mailname string localhost\n',
      stdio: ['pipe', 'inherit', 'inherit'],
    });
  }
  const steps = [
    ['apt-get', [...aptOpts, 'update']],
    ['apt-get', [...aptOpts, 'install', '-y', '--no-install-recommends', ...missing]],
  ];
  for (const [cmd, args] of steps) {
    const res = spawnSync(cmd, args, { stdio: 'inherit', env });
    if (res.status !== 0) return `\`${cmd} ${args.join(' ')}\` failed (exit ${res.status}).`;
  }
  const still = missing.filter((p) => !installed(p));
  return still.length ? `apt-get did not install: ${still.join(' ')}` : null;
}
