import { ERROR_STATUS } from '@kindling/shared';
import type { ErrorBody, ErrorCode, ErrorDetail } from '@kindling/shared';

/** Every failed API call surfaces as one of these, whatever went wrong on the way. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

const CODE_BY_STATUS = new Map<number, ErrorCode>(
  (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).map(([code, status]) => [status, code]),
);

const FALLBACK_MESSAGE: Partial<Record<ErrorCode, string>> = {
  unauthorized: 'Please sign in again.',
  forbidden: 'You do not have permission to do that.',
  not_found: 'Not found.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  unavailable: 'Kindling is temporarily unavailable. Try again in a moment.',
};

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = body.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

function cleanDetails(details: unknown): ErrorDetail[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (d): d is ErrorDetail =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as { field?: unknown }).field === 'string' &&
      typeof (d as { issue?: unknown }).issue === 'string',
  );
}

/**
 * Turns a non-2xx answer into an ApiError. Trusts the `{ error }` envelope when present and
 * falls back to the status (a proxy or crashed server answers with HTML or nothing at all).
 */
export function toApiError(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    return new ApiError(status, code, message, cleanDetails(details));
  }
  const code: ErrorCode =
    CODE_BY_STATUS.get(status) ?? (status >= 500 ? 'internal' : 'bad_request');
  const message = FALLBACK_MESSAGE[code] ?? `Something went wrong (HTTP ${status}). Try again.`;
  return new ApiError(status, code, message);
}

export interface FormErrorMapping<F extends string> {
  fields: { field: F; message: string }[];
  /** Shown above the form when no detail could be tied to a visible field. */
  formMessage: string | null;
}

/**
 * Splits an API error into messages for known form fields and one message for the form.
 * Servers may name a field `email`, `body.email` or `user.email`; the last segment that
 * names a known field wins.
 */
export function mapErrorToForm<F extends string>(
  error: unknown,
  knownFields: readonly F[],
): FormErrorMapping<F> {
  if (!(error instanceof ApiError)) {
    return {
      fields: [],
      formMessage: error instanceof Error ? error.message : 'Something went wrong.',
    };
  }
  const known = new Set<string>(knownFields);
  const fields: { field: F; message: string }[] = [];
  let unmatched = false;
  for (const detail of error.details) {
    const segments = detail.field.split(/[.[\]]+/).filter(Boolean);
    const match = [detail.field, ...segments.reverse()].find((s) => known.has(s));
    if (match !== undefined && !fields.some((f) => f.field === match)) {
      fields.push({ field: match as F, message: detail.issue });
    } else if (match === undefined) {
      unmatched = true;
    }
  }
  const formMessage = fields.length === 0 || unmatched ? error.message : null;
  return { fields, formMessage };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // The server demands this header on every cookie-authenticated write (CSRF protection).
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(
      0,
      'unavailable',
      'Cannot reach Kindling. Check your connection and try again.',
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) throw toApiError(response.status, parsed);
  return parsed as T;
}

/** The one JSON client the web app uses; same origin, session cookie. */
export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};
