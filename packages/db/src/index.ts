import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/client.js';

export * from './generated/client.js';

export type Db = PrismaClient;

/** A Prisma client or an interactive transaction's client. */
export type DbClient = Db | Prisma.TransactionClient;

export interface DbOptions {
  /** Connections in this process's pool. */
  poolSize?: number;
  /** Milliseconds to wait for a connection before failing (fail fast at start-up). */
  connectTimeoutMs?: number;
}

/** Builds a Prisma client over node-postgres (no engine binary). */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  return new PrismaClient({ adapter });
}

/** Resolves when the database answers a trivial query; rejects with the driver's error. */
export async function pingDb(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}

/** Checks the database answers; on failure throws one message that says where and how to fix. */
export async function assertDbReachable(db: Db, databaseUrl: string): Promise<void> {
  try {
    await pingDb(db);
  } catch (err) {
    let where = '(unparseable DATABASE_URL)';
    try {
      const u = new URL(databaseUrl);
      where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      /* keep the placeholder */
    }
    const text = err instanceof Error ? err.message : String(err);
    // Prisma wraps the driver's words ("Message: `Can't reach database server …`").
    const reason = /Message: `([^`]+)`/.exec(text)?.[1] ?? text.trim().split('\n').pop();
    throw new Error(
      `PostgreSQL is not reachable at ${where} (${reason}).\n` +
        '  Start it with `docker compose up -d postgres`, or set DATABASE_URL to a running server.',
    );
  }
}

export { isDbUnavailable } from './unavailable.js';
