// Start-up checks shared by `npm start` and `npm test`: only Node built-ins, so they run before
// `npm ci` has installed anything.
import net from 'node:net';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/kindling';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';

function tcpReachable(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok, reason) => {
      socket.destroy();
      resolve({ ok, reason });
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false, 'timed out'));
    socket.once('error', (err) => done(false, err.code ?? err.message));
  });
}

/**
 * Checks Postgres and Redis (when a URL is given) answer on their ports. Returns a list of human messages, one per
 * unreachable service, saying where it was expected and how to start it.
 */
export async function checkServices(databaseUrl, redisUrl) {
  const problems = [];
  const pg = new URL(databaseUrl);
  const rd = redisUrl ? new URL(redisUrl) : null;
  const [pgRes, rdRes] = await Promise.all([
    tcpReachable(pg.hostname, Number(pg.port || 5432)),
    rd ? tcpReachable(rd.hostname, Number(rd.port || 6379)) : { ok: true },
  ]);
  if (!pgRes.ok) {
    problems.push(
      `PostgreSQL is not reachable at ${pg.hostname}:${pg.port || 5432} (${pgRes.reason}).\n` +
        '  Start it with `docker compose up -d postgres`, or set DATABASE_URL to a running server\n' +
        `  (now: ${redact(databaseUrl)}).`,
    );
  }
  if (!rdRes.ok) {
    problems.push(
      `Redis is not reachable at ${rd.hostname}:${rd.port || 6379} (${rdRes.reason}).\n` +
        '  Start it with `docker compose up -d redis` (or `redis-server --daemonize yes`), or set\n' +
        `  REDIS_URL to a running server (now: ${redact(redisUrl)}).`,
    );
  }
  return problems;
}

function redact(url) {
  return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

/** Creates the database named in `databaseUrl` when it does not exist (needs the pg package). */
export async function ensureDatabase(databaseUrl, { fresh = false } = {}) {
  const { default: pg } = await import('pg');
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) throw new Error(`Unsupported database name: ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    if (fresh) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
