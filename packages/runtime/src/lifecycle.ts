// Process lifecycle shared by the api, worker and tracking mains: signals, ordered shutdown,
// start-up errors as one message.
import { EnvError } from '@kindling/shared';

interface Logger {
  info: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

export interface Lifecycle {
  /** Registers something to close on shutdown; closed in reverse order of registration. */
  onClose: (name: string, close: () => unknown) => void;
  /** Routes the lifecycle's own log lines to the app's logger once it exists. */
  setLogger: (logger: Logger) => void;
}

interface Options {
  /** Hard limit for closing everything. */
  timeoutMs?: number;
}

/**
 * Runs an app's main function with SIGTERM/SIGINT handled from the very first line (a signal
 * that arrives during start-up also shuts down cleanly), closing registered resources in reverse
 * order within `timeoutMs`, and turning start-up errors into one message and exit code 1.
 */
export function runMain(
  main: (lifecycle: Lifecycle) => Promise<void>,
  options: Options = {},
): void {
  let logger: Logger = {
    info: (obj, msg) => console.log(msg, obj),
    error: (obj, msg) => console.error(msg, obj),
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const closers: { name: string; close: () => unknown }[] = [];
  let closing = false;

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    void (async () => {
      for (const { name, close } of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          logger.error({ err, name }, 'close failed');
        }
      }
      clearTimeout(force);
      logger.info({}, 'stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const lifecycle: Lifecycle = {
    onClose: (name, close) => {
      closers.push({ name, close });
    },
    setLogger: (l) => {
      logger = l;
    },
  };
  main(lifecycle).catch((err: unknown) => {
    // One clear message for operator errors (bad env, unreachable services), no stack trace.
    console.error(err instanceof EnvError || err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
