// DKIM keys are generated in the app (RSA 2048) so the user only publishes one TXT record.
import { generateKeyPairSync } from 'node:crypto';

export interface DkimKeyPair {
  privateKeyPem: string;
  /** Base64 of the DER SubjectPublicKeyInfo: the `p=` value of the TXT record. */
  publicKey: string;
}

/** Generates an RSA 2048 DKIM key pair. */
export function generateDkimKeyPair(): DkimKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/** The DNS TXT record to publish: name and value. */
export function dkimDnsRecord(
  domain: string,
  selector: string,
  publicKey: string,
): { name: string; value: string } {
  return { name: `${selector}._domainkey.${domain}`, value: `v=DKIM1; k=rsa; p=${publicKey}` };
}

/**
 * Headers covered by the signature. List-Unsubscribe and List-Unsubscribe-Post must be signed
 * (RFC 8058 section 4: receivers ignore one-click unsubscribe otherwise).
 */
export const DKIM_SIGNED_HEADERS =
  'from:to:subject:date:message-id:reply-to:mime-version:content-type:list-unsubscribe:list-unsubscribe-post:feedback-id';
