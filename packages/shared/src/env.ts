import { z } from 'zod';

/**
 * Parses an app's environment once at start-up. On failure it throws one Error whose message
 * lists every bad variable, so an operator fixes them all in one go.
 */
/**
 * METRICS_TOKEN of every process: /metrics answers only `Authorization: Bearer <token>`, and
 * is off (404) without one, so metrics are never public.
 */
export const metricsTokenEnv = z
  .string()
  .min(16, 'must be at least 16 characters (use `openssl rand -hex 32`)')
  .optional();

export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  appName: string,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = env[String(issue.path[0])];
    if (value === undefined) return `  - ${name}: required, but not set`;
    return `  - ${name}: ${issue.message} (got ${JSON.stringify(redact(name, value))})`;
  });
  throw new EnvError(`${appName}: invalid environment:\n${lines.join('\n')}`);
}

/** Thrown by parseEnv; main() prints its message and exits 1 without a stack trace. */
export class EnvError extends Error {
  override name = 'EnvError';
}

function redact(name: string, value: string): string {
  if (/SECRET|PASSWORD|KEY|TOKEN/i.test(name)) return '***';
  return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
