import type { Db } from '@kindling/db';
import { grantableScopes, type ApiKeyScope, type CreatedApiKey, type Role } from '@kindling/shared';
import { AppError } from '../../http/errors.js';
import { randomToken, sha256 } from '../../auth/tokens.js';
import { API_KEY_PREFIX } from '../../auth/authenticate.js';
import { apiKeyView } from './views.js';

/**
 * Creates an API key with the chosen scopes, never more than the creator's role allows; the key
 * is answered only now and stored hashed.
 */
export async function createApiKey(
  db: Db,
  workspaceId: string,
  creator: { userId: string | null; role: Role },
  input: { name: string; scopes: ApiKeyScope[] },
): Promise<CreatedApiKey> {
  const allowed = grantableScopes(creator.role);
  const beyond = input.scopes.filter((s) => !allowed.includes(s));
  if (beyond.length) {
    throw new AppError(
      'forbidden',
      `A key cannot do more than its creator: your ${creator.role} role cannot grant ${beyond.join(', ')}`,
      [{ field: 'scopes', issue: `Not allowed for ${creator.role}: ${beyond.join(', ')}` }],
    );
  }
  const key = randomToken(API_KEY_PREFIX);
  const row = await db.apiKey.create({
    data: {
      workspaceId,
      name: input.name,
      prefix: key.slice(0, 10),
      keyHash: sha256(key),
      scopes: input.scopes,
      createdById: creator.userId,
    },
    include: { createdBy: true },
  });
  return { ...apiKeyView(row), key };
}
