// Secrets at rest (SMTP URLs with credentials, DKIM private keys): AES-256-GCM with a key
// derived from APP_SECRET, so a database dump alone does not hand out relay credentials.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';

function keyFor(appSecret: string): Buffer {
  // A purpose-bound derivation: the same APP_SECRET also keys tracking tokens and sessions.
  return createHmac('sha256', appSecret).update('kindling-secrets-at-rest-v1').digest();
}

/** Encrypts `plaintext` with AES-256-GCM under a key derived from `appSecret`. */
export function encryptSecret(appSecret: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(appSecret), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    iv.toString('base64url'),
    tag.toString('base64url'),
    ct.toString('base64url'),
  ].join('.');
}

/** Decrypts a value from `encryptSecret`; throws when it was tampered with or the key differs. */
export function decryptSecret(appSecret: string, sealed: string): string {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined)
    throw new Error('not an encrypted secret');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(appSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}

/** An SMTP URL with its password replaced, for display and logs. */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
