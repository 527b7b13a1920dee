// The built-in dev mail catcher: what an identity without an SMTP relay sends to. An SMTP
// server on loopback, started with the worker, that stores every message in Postgres
// (CaughtMessage) for the web app's Outbox page. At-least-once: a storage failure answers 451
// and the sending transport retries, so a message is never silently lost.
// `startWorker` starts it before any module and hands its address to them (WorkerContext
// `devCatcher`): email.send sends there for identities without a relay.
import type { Logger } from 'pino';
import type { Db } from '@kindling/db';
import { MESSAGE_TOKEN_HEADER, proveReport, startSmtpListener } from '@kindling/sending';
import type { Closable, SmtpAddress, WorkerConfig } from '../context.js';
import { sendingSettings } from './sending-settings.js';

function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return m?.[1] ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

/** The transport URL of the catcher at `a` (loopback, plain SMTP). */
export const smtpUrlOf = (a: SmtpAddress): string => `smtp://${a.host}:${a.port}?tls=off`;

/** A running catcher: where it listens, and how to stop it. */
export type DevMailCatcher = SmtpAddress & Closable;

/** Starts the catcher on `sending.devSmtpPort` (another port if that one is taken). */
export async function startDevMailCatcher(ctx: {
  db: Db;
  logger: Logger;
  config: WorkerConfig;
}): Promise<DevMailCatcher> {
  const s = sendingSettings(ctx.config.sending, ctx.config.publicUrl);
  const onMail = async (mail: { envelopeFrom: string; envelopeTo: string[]; raw: Buffer }) => {
    const raw = mail.raw.toString('utf8');
    // The workspace comes from our own Message row, found by the signed token we put in the
    // header: mail from elsewhere on loopback cannot file itself into a workspace's Outbox.
    const proof = proveReport(ctx.config.appSecret, [header(raw, MESSAGE_TOKEN_HEADER)]);
    const sent = proof.verified
      ? await ctx.db.message.findUnique({
          where: { id: proof.messageId },
          select: { id: true, workspaceId: true },
        })
      : null;
    await ctx.db.caughtMessage.create({
      data: {
        workspaceId: sent?.workspaceId ?? null,
        messageId: sent?.id ?? null,
        envelopeFrom: mail.envelopeFrom,
        envelopeTo: mail.envelopeTo,
        subject: (header(raw, 'Subject') ?? '').slice(0, 998),
        raw,
        size: mail.raw.length,
      },
    });
  };
  const onError = (err: Error) => ctx.logger.warn({ err }, 'dev mail catcher error');
  let listener;
  try {
    listener = await startSmtpListener({
      host: s.devSmtpHost,
      port: s.devSmtpPort,
      onMail,
      onError,
    });
  } catch (err) {
    // Several worker processes on one host: the first one takes the port, the rest use their own.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    listener = await startSmtpListener({ host: s.devSmtpHost, port: 0, onMail, onError });
  }
  ctx.logger.info({ port: listener.port }, 'dev mail catcher listening');
  return { host: s.devSmtpHost, port: listener.port, close: () => listener.close() };
}
