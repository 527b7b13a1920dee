// Whether an error means "the database cannot be reached right now" (down, restarting, network
// cut, pool exhausted) rather than "this query or its data is wrong". The api answers the first
// with 503 + Retry-After and the stream drains retry it without counting it against an entry;
// only the second can make an entry a dead letter. Errors arrive in several shapes: Prisma's
// (P1001 with the driver adapter's cause kind), node-postgres's plain Errors, and socket errors.

const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);
// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart),
// 53300 too_many_connections.
const PG_STATE = /^(08...|57P0[1-3]|53300)$/;
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database server|Client has encountered a connection error|server closed the connection/i;

/** True when `err` (or an error it wraps) says the database is unreachable or went away. */
export function isDbUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 5) return false;
  const e = err as {
    code?: unknown;
    kind?: unknown;
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } };
    cause?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || PG_STATE.test(code)) return true;
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  return (
    isDbUnavailable(e.meta?.driverAdapterError?.cause, depth + 1) ||
    isDbUnavailable(e.cause, depth + 1)
  );
}
