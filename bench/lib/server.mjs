// Starts a server in its own child process on 127.0.0.1 and waits until it accepts connections.
//
// Two ways to learn the port:
// - default: the child gets PORT=0 and HOST=127.0.0.1, listens on an ephemeral port, and
//   announces it with announceListening() (a line `bench:listening <port>` on stdout);
// - `port: 'free'` or a number: the port is chosen here and passed as PORT (for programs such
//   as Kindling's own apps/*/dist/main.js, which listen where PORT says and announce nothing);
//   readiness is then a successful TCP connect.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { canConnect, freePort } from '../../scripts/lib/net.mjs';

export { freePort };

const ANNOUNCE = /^bench:listening (\d+)$/m;

/** For fixture servers: print the port a listening node:http server got, for startServer(). */
export function announceListening(server) {
  const address = server.address();
  process.stdout.write(`bench:listening ${address.port}\n`);
}

let clockTicks;
/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN where there
 * is no /proc. Requests per server CPU-second stays meaningful on a machine shared with other
 * work, where requests per wall-clock second mostly measures the neighbours.
 */
export function processCpuSeconds(pid) {
  try {
    clockTicks ??=
      Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/**
 * Starts `node <script> ...args` (or `command`) and resolves to
 * { port, url, child, stop(), cpuSeconds(), output() }.
 * Options: args, env (added to process.env), cwd, port ('announce' | 'free' | number),
 * command (defaults to the current node binary), timeoutMs (default 20 s), name (for messages).
 */
export async function startServer(script, options = {}) {
  const {
    args = [],
    env = {},
    cwd,
    port: portOption = 'announce',
    command = process.execPath,
    timeoutMs = 20_000,
    name = script,
  } = options;
  const port =
    portOption === 'free' ? await freePort() : portOption === 'announce' ? 0 : portOption;
  const child = spawn(command, [script, ...args], {
    cwd,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-8_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);

  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const fail = (why) => {
    child.kill('SIGKILL');
    return new Error(`${name}: ${why}\n--- its output ---\n${output.trim()}`);
  };

  const deadline = Date.now() + timeoutMs;
  let actualPort = port;
  for (;;) {
    const exit = await Promise.race([exited, delay(50).then(() => null)]);
    if (exit) throw fail(`exited before listening (code ${exit.code}, signal ${exit.signal})`);
    if (Date.now() > deadline) throw fail(`not listening after ${timeoutMs} ms`);
    if (portOption === 'announce') {
      const m = ANNOUNCE.exec(output);
      if (m) {
        actualPort = Number(m[1]);
        break;
      }
    } else if (await canConnect(port)) {
      break;
    }
  }

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    cpuSeconds: () => processCpuSeconds(child.pid),
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    child,
    stop,
    output: () => output,
  };
}

/** Stops every started server, even if some stops fail. */
export async function stopAll(servers) {
  await Promise.allSettled(servers.filter(Boolean).map((s) => s.stop()));
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
