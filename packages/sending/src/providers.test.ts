import { describe, expect, it } from 'vitest';
import { knownProviderOf, providerOf, providerOfMx } from './providers.js';

describe('providers', () => {
  it('knows the consumer domains of the fixed list', () => {
    expect(providerOf('A@Gmail.com')).toBe('gmail');
    expect(providerOf('x@hotmail.co.uk')).toBe('microsoft');
    expect(providerOf('x@acme.example')).toBe('other');
    expect(knownProviderOf('acme.example')).toBeNull();
  });

  it('finds the provider of hosted mail from the most preferred MX host', () => {
    expect(providerOfMx(['aspmx.l.google.com', 'alt1.aspmx.l.google.com'])).toBe('gmail');
    expect(providerOfMx(['ASPMX.L.GOOGLE.COM.'])).toBe('gmail');
    expect(providerOfMx(['smtp.googlemail.com'])).toBe('gmail');
    expect(providerOfMx(['contoso-com.mail.protection.outlook.com'])).toBe('microsoft');
    expect(providerOfMx(['outlook-com.olc.protection.outlook.com'])).toBe('microsoft');
    expect(providerOfMx(['mta5.am0.yahoodns.net'])).toBe('yahoo');
    expect(providerOfMx(['mx01.mail.icloud.com'])).toBe('apple');
    // A filtering gateway in front of Google receives the mail: not Google's reputation.
    expect(providerOfMx(['eu-smtp-inbound-1.mimecast.com', 'aspmx.l.google.com'])).toBe('other');
    // Look-alikes are not the provider.
    expect(providerOfMx(['mx.notgoogle.com'])).toBe('other');
    expect(providerOfMx(['google.com.evil.example'])).toBe('other');
    expect(providerOfMx([])).toBe('other');
  });
});
