// HTTP load from a second process, against 127.0.0.1 only.
//
// As a program (`node bench/lib/load.mjs --url http://127.0.0.1:PORT/ --connections 50
// --duration 3 [--method POST --body '...' --header 'content-type: application/json']`) it
// runs autocannon and prints one JSON line: the normalized result below.
// As a library, runLoad() spawns that program, or wrk when asked (BENCH_LOAD=wrk or
// { tool: 'wrk' }), and returns the same normalized result:
//   { tool, requests, durationSec, requestsPerSec, latencyP50Ms, latencyP99Ms, latencyMeanMs,
//     errors, non2xx, bytesPerSec }
// `errors` counts connection errors and timeouts; `non2xx` counts answers outside 2xx (wrk:
// outside 2xx/3xx). A benchmark decides what it tolerates.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

function assertLoopback(url) {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1')
    throw new Error(`load is only generated against 127.0.0.1, not ${hostname}`);
}

/** Which load tool to use: the option, else BENCH_LOAD, else autocannon. */
export function loadTool(tool = process.env.BENCH_LOAD || 'autocannon') {
  if (tool !== 'autocannon' && tool !== 'wrk')
    throw new Error(`unknown load tool ${tool} (autocannon or wrk)`);
  if (tool === 'wrk' && spawnSync('wrk', ['--version']).error)
    throw new Error('BENCH_LOAD=wrk but wrk is not installed');
  return tool;
}

/**
 * Drives `url` from a child process and resolves to the normalized result.
 * Options: connections (50), duration in seconds (3), method, body, headers ({name: value}),
 * tool ('autocannon' | 'wrk').
 */
export async function runLoad({
  url,
  connections = 50,
  duration = 3,
  method = 'GET',
  body,
  headers = {},
  tool,
} = {}) {
  assertLoopback(url);
  const which = loadTool(tool);
  if (which === 'wrk') {
    const out = await run(
      'wrk',
      [
        '-t1',
        `-c${connections}`,
        `-d${duration}s`,
        '--timeout',
        '5s',
        '-s',
        path.join(here, 'wrk-report.lua'),
        url,
      ],
      {
        WRK_METHOD: method,
        WRK_BODY: body ?? '',
        WRK_HEADERS: Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
      },
    );
    const raw = lastJsonLine(out);
    const durationSec = raw.durationUs / 1e6;
    return {
      tool: 'wrk',
      requests: raw.requests,
      durationSec,
      requestsPerSec: raw.requests / durationSec,
      latencyP50Ms: raw.latencyP50Us / 1000,
      latencyP99Ms: raw.latencyP99Us / 1000,
      latencyMeanMs: raw.latencyMeanUs / 1000,
      errors: raw.connectErrors + raw.readErrors + raw.writeErrors + raw.timeouts,
      non2xx: raw.statusErrors,
      bytesPerSec: raw.bytes / durationSec,
    };
  }
  const args = [
    fileURLToPath(import.meta.url),
    '--url',
    url,
    '--connections',
    String(connections),
    '--duration',
    String(duration),
    '--method',
    method,
  ];
  if (body !== undefined) args.push('--body', body);
  for (const [k, v] of Object.entries(headers)) args.push('--header', `${k}: ${v}`);
  return lastJsonLine(await run(process.execPath, args, {}));
}

/**
 * One measured round against a server started by startServer(): runLoad() plus the server
 * process's CPU time during the round, as serverCpuSec and requestsPerCpuSec.
 */
export async function loadServer(server, options) {
  const before = server.cpuSeconds();
  const result = await runLoad(options);
  const serverCpuSec = server.cpuSeconds() - before;
  return { ...result, serverCpuSec, requestsPerCpuSec: result.requests / serverCpuSec };
}

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${path.basename(command)} failed (code ${code}, signal ${signal}): ${stderr.trim() || stdout.trim()}`,
          ),
        );
    });
  });
}

function lastJsonLine(text) {
  const line = text
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`load generator printed no JSON result:\n${text}`);
  return JSON.parse(line);
}

// --- the child program: autocannon ----------------------------------------------------------

function parseArgs(argv) {
  const opts = { connections: 50, duration: 3, method: 'GET', headers: {} };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    if (key === '--url') opts.url = value;
    else if (key === '--connections') opts.connections = Number(value);
    else if (key === '--duration') opts.duration = Number(value);
    else if (key === '--method') opts.method = value;
    else if (key === '--body') opts.body = value;
    else if (key === '--header') {
      const at = value.indexOf(':');
      opts.headers[value.slice(0, at).trim()] = value.slice(at + 1).trim();
    } else throw new Error(`unknown option ${key}`);
  }
  if (!opts.url) throw new Error('--url is required');
  return opts;
}

function uniqueBody(template) {
  let n = 0;
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  return (req) => ({ ...req, body: template.replaceAll('[<id>]', `${run}-${(n++).toString(36)}`) });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  assertLoopback(opts.url);
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration,
    method: opts.method,
    body: opts.body,
    headers: opts.headers,
    // A body containing [<id>] gets a unique value per request (a distinct email per form
    // submission, say); built per request so Content-Length always matches.
    ...(opts.body?.includes('[<id>]')
      ? { requests: [{ setupRequest: uniqueBody(opts.body) }] }
      : {}),
  });
  const durationSec = result.duration;
  process.stdout.write(
    JSON.stringify({
      tool: 'autocannon',
      requests: result.requests.total,
      durationSec,
      requestsPerSec: result.requests.total / durationSec,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMeanMs: result.latency.average,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      bytesPerSec: result.throughput.total / durationSec,
    }) + '\n',
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  });
}
