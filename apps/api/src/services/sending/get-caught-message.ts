import type { Db } from '@kindling/db';
import type { CaughtMessage } from '@kindling/shared';
import { parseForDisplay } from '@kindling/sending';
import { notFound } from '../../http/errors.js';

/** One caught message: headers, HTML and text parts, raw source. */
export async function getCaughtMessage(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CaughtMessage> {
  const r = await db.caughtMessage.findFirst({ where: { id, workspaceId } });
  if (!r) throw notFound('Message');
  const { headers, html, text } = await parseForDisplay(r.raw);
  return {
    id: r.id,
    messageId: r.messageId,
    envelopeFrom: r.envelopeFrom,
    envelopeTo: r.envelopeTo,
    subject: r.subject,
    size: r.size,
    receivedAt: r.receivedAt.toISOString(),
    headers,
    html,
    text,
    raw: r.raw,
  };
}
