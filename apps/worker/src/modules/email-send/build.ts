// Build: the message's final bytes (body rendered from its step when the producer stored none,
// tracking, unsubscribe headers, DKIM), before any connection is taken.
import type { SendMailOptions } from 'nodemailer';
import { buildMessage, precompileMessage } from '@kindling/sending';
import { renderStepEmail } from '@kindling/campaigns';
import { emailStepConfigSchema } from '@kindling/shared';
import type { SendRow } from './claim.js';

export interface BuildContext {
  appSecret: string;
  trackingUrl: string;
  returnPathDomain: string;
  /** Decrypts a secret stored sealed (cached by the caller). */
  unseal: (sealed: string) => string;
}

/** Thrown when a message cannot be built: nothing was sent, a person must fix the cause. */
export class Unbuildable extends Error {}

/** The sender address a row goes out with (the dev catcher's default without an identity). */
export const fromEmailOf = (m: SendRow, returnPathDomain: string) =>
  m.identity?.fromEmail ?? `no-reply@${returnPathDomain}`;

/** Builds `m` into raw, DKIM-signed bytes plus envelope (see precompileMessage). */
export async function buildForSend(m: SendRow, c: BuildContext): Promise<SendMailOptions> {
  const identity = m.identity;
  const email = m.toEmail.toLowerCase();
  // Body and subject: rendered by the producer (html/text/subject columns; the drip engine stores
  // campaign steps rendered). A row without a body is rendered here from its step with the same
  // renderStepEmail, never re-rendering a stored subject (a lead's own "{{…}}" stays literal).
  let html = m.html;
  let text = m.text;
  let preheader: string | null = null;
  let subject = m.subject;
  if (!html) {
    const raw = (m.stepConfig as { email?: unknown } | null)?.email ?? m.stepConfig;
    const cfg = emailStepConfigSchema.safeParse(raw);
    if (!cfg.success)
      throw new Unbuildable('message could not be built: its step has no valid email');
    const rendered = renderStepEmail(cfg.data, m.lead ?? { email }, m.workspace);
    ({ html, subject } = rendered);
    text = rendered.text || null;
    preheader = rendered.preheader || null;
  }
  const dkim =
    identity?.dkimDomain && identity.dkimSelector && identity.dkimPrivateKeyEncrypted
      ? {
          domainName: identity.dkimDomain,
          keySelector: identity.dkimSelector,
          privateKey: c.unseal(identity.dkimPrivateKeyEncrypted),
        }
      : null;
  const options = buildMessage({
    message: { ...m, subject },
    from: {
      name: identity?.fromName ?? m.workspace.name,
      email: fromEmailOf(m, c.returnPathDomain),
    },
    replyTo: identity?.replyTo ?? null,
    html,
    text,
    preheader,
    postalAddress: m.workspace.postalAddress,
    workspaceName: m.workspace.name,
    tracking: m.kind === 'campaign' && m.tracking ? m.tracking : { opens: false, clicks: false },
    appSecret: c.appSecret,
    trackingUrl: c.trackingUrl,
    returnPathDomain: identity?.returnPathDomain ?? identity?.dkimDomain ?? c.returnPathDomain,
    ipPool: identity?.ipPool ?? 'shared',
    dkim,
    unsubscribe: m.kind === 'campaign' || m.kind === 'test',
  });
  try {
    return await precompileMessage(options);
  } catch (e) {
    throw new Unbuildable(`message could not be built: ${(e as Error).message}`);
  }
}
