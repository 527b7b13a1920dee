// Calibration of the machine, not a Kindling feature: how much a default express 5 app costs
// against a bare node:http server answering the same small JSON body. The ratio tells whether
// this machine (and load tool) gives the rest of the benchmarks meaningful numbers: if express
// falls far below its usual fraction of raw throughput, the load generator or the machine is
// the bottleneck, not the code.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, stopAll } from './lib/server.mjs';
import { loadServer, loadTool } from './lib/load.mjs';
import { interleaved, medianOf, pairedRatio } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';

export const name = 'calibration';
export const description = 'raw node:http vs express 5, same small JSON body on GET /';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);

export async function run({ rounds, log }) {
  const tool = loadTool();
  const servers = [];
  try {
    const raw = await startServer(path.join(fixtures, 'raw-http-server.mjs'), {
      name: 'raw node:http',
    });
    servers.push(raw);
    const exp = await startServer(path.join(fixtures, 'express-server.mjs'), { name: 'express' });
    servers.push(exp);
    log(
      `raw on ${raw.url}, express on ${exp.url}; ${tool}, ${CONNECTIONS} connections, ${DURATION_S} s per round`,
    );

    const load = (server, duration = DURATION_S) =>
      loadServer(server, { url: `${server.url}/`, connections: CONNECTIONS, duration, tool });
    const results = await interleaved(
      { raw: () => load(raw), express: () => load(exp) },
      { rounds, log, warmup: (variant) => load(variant === 'raw' ? raw : exp, 1) },
    );

    for (const [variant, list] of Object.entries(results)) {
      const bad = list.reduce((n, m) => n + m.errors + m.non2xx, 0);
      if (bad > 0)
        throw new Error(`${variant}: ${bad} failed requests; the numbers would be meaningless`);
    }

    return {
      metrics: {
        raw_rps: round(medianOf(results.raw, 'requestsPerSec'), 0),
        express_rps: round(medianOf(results.express, 'requestsPerSec'), 0),
        raw_p99_ms: round(medianOf(results.raw, 'latencyP99Ms'), 2),
        express_p99_ms: round(medianOf(results.express, 'latencyP99Ms'), 2),
        raw_req_per_cpu_s: round(medianOf(results.raw, 'requestsPerCpuSec'), 0),
        express_req_per_cpu_s: round(medianOf(results.express, 'requestsPerCpuSec'), 0),
        // The same comparison per CPU-second each server used: steadier than requests/s when
        // other work shares the machine. Informational, so it carries no target or floor.
        express_raw_cpu_ratio: round(
          pairedRatio(results.express, results.raw, 'requestsPerCpuSec'),
          3,
        ),
      },
      ratios: [
        {
          name: 'express/raw requests/s',
          value: round(pairedRatio(results.express, results.raw, 'requestsPerSec'), 3),
          target: 0.25,
          floor: 0.1,
        },
      ],
      details: { tool, connections: CONNECTIONS, durationSec: DURATION_S, rounds: results },
    };
  } finally {
    await stopAll(servers);
  }
}
