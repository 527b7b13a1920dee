// Password guessing is throttled without ever locking the owner out. Hard limits apply per
// client IP and per account-and-IP, so one source cannot keep guessing; the account as a whole
// only gets slower (each attempt waits before its password is checked) once many sources have
// failed, so someone hammering the account from elsewhere never stops the owner signing in.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { enforce, hit, reset } from '../http/rate-limit.js';
import { sha256 } from './tokens.js';

const WINDOW_MS = 15 * 60_000;
export const LOGIN_LIMITS = {
  /** Attempts from one IP, whatever the accounts. */
  perIp: 30,
  /** Attempts for one account from one IP; a success clears it. */
  perAccountAndIp: 5,
  /** Failures for one account (from anywhere) before each attempt is delayed. */
  accountFreeFailures: 10,
  /** The longest an attempt waits. */
  maxDelayMs: 5000,
  windowMs: WINDOW_MS,
};

/** How long an attempt waits when the account has seen `failures` recent failures. */
export function accountDelayMs(failures: number): number {
  const over = failures - LOGIN_LIMITS.accountFreeFailures;
  if (over < 0) return 0;
  return Math.min(LOGIN_LIMITS.maxDelayMs, 250 * 2 ** Math.min(over, 10));
}

const keys = (email: string, ip: string) => {
  const account = sha256(email);
  return {
    ip: `login:ip:${ip}`,
    accountAndIp: `login:acct-ip:${account}:${ip}`,
    accountFailures: `login:acct-fail:${account}`,
  };
};

/** Before checking a password: refuses (429) a source over its limits, then waits if needed. */
export async function throttleLogin(redis: Redis, email: string, ip: string): Promise<void> {
  const k = keys(email, ip);
  await enforce(
    redis,
    [
      { key: k.ip, limit: LOGIN_LIMITS.perIp, windowMs: WINDOW_MS },
      { key: k.accountAndIp, limit: LOGIN_LIMITS.perAccountAndIp, windowMs: WINDOW_MS },
    ],
    'Too many sign-in attempts from this address.',
  );
  const failures = Number((await redis.get(`rl:${k.accountFailures}`)) ?? 0);
  const delay = accountDelayMs(failures);
  if (delay > 0) await sleep(delay);
}

/** Records a wrong password (or unknown email) for the account-wide delay. */
export async function loginFailed(redis: Redis, email: string, ip: string): Promise<void> {
  await hit(redis, keys(email, ip).accountFailures, Number.MAX_SAFE_INTEGER, WINDOW_MS);
}

/**
 * After a right password: this source starts afresh. The account-wide count stays, so an
 * attacker gains nothing from the owner signing in meanwhile.
 */
export async function loginSucceeded(redis: Redis, email: string, ip: string): Promise<void> {
  await reset(redis, keys(email, ip).accountAndIp);
}
