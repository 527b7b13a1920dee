/**
 * Returns `next` when it is a same-origin path inside the app, otherwise `fallback`.
 * Guards the post-login redirect against open redirects (`//evil.com`, `https://…`,
 * `/\evil.com`) and against bouncing back to the auth pages themselves.
 */
export function safeNext(next: string | null | undefined, fallback = '/overview'): string {
  if (!next) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if ([...next].some((ch) => ch.charCodeAt(0) < 0x20)) return fallback;
  const path = next.split(/[?#]/)[0] ?? '';
  if (path === '/login' || path === '/signup') return fallback;
  return next;
}

/** Builds `/login?next=…` for the location a signed-out visitor asked for. */
export function loginPathFor(pathname: string, search = '', hash = ''): string {
  const target = `${pathname}${search}${hash}`;
  if (target === '/' || target === '') return '/login';
  return `/login?next=${encodeURIComponent(target)}`;
}
