import { describe, expect, it } from 'vitest';
import { LOGIN_LIMITS, accountDelayMs } from './login-throttle.js';

describe('account-wide login delay', () => {
  it('is free up to the threshold, then grows and stays capped: a delay, never a refusal', () => {
    const free = LOGIN_LIMITS.accountFreeFailures;
    expect(accountDelayMs(0)).toBe(0);
    expect(accountDelayMs(free - 1)).toBe(0);
    expect(accountDelayMs(free)).toBe(250);
    expect(accountDelayMs(free + 1)).toBe(500);
    expect(accountDelayMs(free + 3)).toBe(2000);
    expect(accountDelayMs(free + 100)).toBe(LOGIN_LIMITS.maxDelayMs);
    expect(accountDelayMs(1e9)).toBe(LOGIN_LIMITS.maxDelayMs);
  });
});
