// Submissions that hit a network error or a 5xx wait in localStorage and are retried with
// exponential backoff, never sooner than a Retry-After asks (and when the browser comes back
// online, and on the next page load) until the server accepts them, so a lead is never lost to a
// blip. Each carries a client-made id that the server uses to drop a duplicate when an earlier
// attempt did land.
import type { SubmissionValue } from '@kindling/shared/form-submission';
import type { SubmitOutcome } from './render.js';

const KEY = 'kindling:outbox';
const MAX_DELAY_MS = 5 * 60_000;

interface Pending {
  url: string;
  body: Record<string, SubmissionValue>;
  tries: number;
  next: number;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let flushing = false;

function load(): Pending[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as Pending[]) : [];
  } catch {
    return [];
  }
}

function save(items: Pending[]): void {
  try {
    if (items.length) localStorage.setItem(KEY, JSON.stringify(items));
    else localStorage.removeItem(KEY);
  } catch {
    /* storage full or blocked: the in-page retry timer still runs for this page view */
  }
}

type Answer = { status: number; body: unknown; retryAfterMs: number } | null;

/** Retry-After in seconds or as an HTTP date; 0 when absent or unreadable. */
function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(MAX_DELAY_MS, Math.max(0, ms)) : 0;
}

async function post(url: string, body: Record<string, SubmissionValue>): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      keepalive: true,
    });
    return {
      status: res.status,
      body: await res.json().catch(() => null),
      retryAfterMs: retryAfterMs(res.headers.get('Retry-After')),
    };
  } catch {
    return null;
  }
}

const retryable = (a: Answer) => !a || a.status >= 500 || a.status === 408;
// Exponential backoff, but never sooner than the server asked (503/Retry-After).
const delayFor = (tries: number, answer: Answer) =>
  Math.max(
    Math.min(MAX_DELAY_MS, 1000 * 2 ** tries) * (0.8 + Math.random() * 0.4),
    answer?.retryAfterMs ?? 0,
  );

function enqueue(item: Pending): void {
  const items = load().filter((p) => p.body._sid !== item.body._sid);
  items.push(item);
  save(items);
  schedule();
}

function schedule(): void {
  const items = load();
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (!items.length) return;
  const wait = Math.max(0, Math.min(...items.map((p) => p.next)) - Date.now());
  timer = setTimeout(() => void flush(), wait);
}

/** Sends every due pending submission once; reschedules what still fails. */
export async function flush(): Promise<void> {
  if (flushing) return;
  flushing = true;
  try {
    for (const item of load()) {
      if (item.next > Date.now()) continue;
      const answer = await post(item.url, item.body);
      const rest = load().filter((p) => p.body._sid !== item.body._sid);
      if (retryable(answer)) {
        const tries = item.tries + 1;
        rest.push({ ...item, tries, next: Date.now() + delayFor(tries, answer) });
      }
      save(rest);
    }
  } finally {
    flushing = false;
    schedule();
  }
}

function messageOf(body: unknown, fallback: string): string {
  const e = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof e?.message === 'string' ? e.message : fallback;
}

/** Posts one submission; on a network error or 5xx it is kept and retried in the background. */
export async function submit(
  url: string,
  body: Record<string, SubmissionValue>,
): Promise<SubmitOutcome> {
  const answer = await post(url, body);
  if (retryable(answer)) {
    enqueue({ url, body, tries: 1, next: Date.now() + delayFor(1, answer) });
    return { kind: 'queued' };
  }
  const { status, body: res } = answer!;
  if (status >= 200 && status < 300) return { kind: 'accepted' };
  if (status === 422) {
    const errors: Record<string, string> = {};
    const details =
      (res as { error?: { details?: { field: string; issue: string }[] } } | null)?.error
        ?.details ?? [];
    for (const d of details) errors[d.field] ??= d.issue;
    if (Object.keys(errors).length) return { kind: 'invalid', errors };
  }
  return {
    kind: 'failed',
    message: messageOf(res, 'The form could not be sent. Please try again.'),
  };
}

/** Starts retrying anything an earlier page view left behind. */
export function startOutbox(): void {
  // Each embed tag runs its own copy of this bundle; one retry loop per page is enough.
  const w = window as { __klOutbox?: boolean };
  if (w.__klOutbox) return;
  w.__klOutbox = true;
  addEventListener('online', () => {
    for (const p of load()) p.next = 0;
    void flush();
  });
  if (load().length) void flush();
}
