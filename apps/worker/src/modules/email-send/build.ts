// Build: the message's final bytes (the stored body with tracking, unsubscribe headers and DKIM),
// before any connection is taken.
import type { SendMailOptions } from 'nodemailer';
import { buildMessage, envelopeDomainOf, precompileMessage } from '@kindling/sending';
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
  // Body and subject are rendered by the producer and stored (html/text/subject columns: the drip
  // engine stores each campaign step rendered with renderStepEmail, the preheader inside the
  // HTML); they are sent as they are, so a lead's own "{{…}}" stays literal. A row without a body
  // has no producer (every one stores it): nothing to send, a person must look.
  if (!m.html) throw new Unbuildable('message could not be built: it has no body');
  const dkim =
    identity?.dkimDomain && identity.dkimSelector && identity.dkimPrivateKeyEncrypted
      ? {
          domainName: identity.dkimDomain,
          keySelector: identity.dkimSelector,
          privateKey: c.unseal(identity.dkimPrivateKeyEncrypted),
        }
      : null;
  const options = buildMessage({
    message: m,
    from: {
      name: identity?.fromName ?? m.workspace.name,
      email: fromEmailOf(m, c.returnPathDomain),
    },
    replyTo: identity?.replyTo ?? null,
    html: m.html,
    text: m.text,
    postalAddress: m.workspace.postalAddress,
    workspaceName: m.workspace.name,
    tracking: m.kind === 'campaign' && m.tracking ? m.tracking : { opens: false, clicks: false },
    appSecret: c.appSecret,
    trackingUrl: c.trackingUrl,
    returnPathDomain: envelopeDomainOf(identity, c.returnPathDomain),
    ipPool: identity?.ipPool ?? 'shared',
    dkim,
    unsubscribe: m.kind === 'campaign' || m.kind === 'test',
    relayKind: identity?.relayKind ?? null,
  });
  try {
    return await precompileMessage(options);
  } catch (e) {
    throw new Unbuildable(`message could not be built: ${(e as Error).message}`);
  }
}
