import { describe, expect, it } from 'vitest';
import { classifyRequest, isAppleNetwork, isScannerNetwork } from './classify.js';

const chrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const base = {
  kind: 'open' as const,
  method: 'GET',
  ip: '203.0.113.7',
  userAgent: chrome,
  honeypot: false,
};

describe('request-level classification', () => {
  it('a plain browser GET from an ordinary network is human', () => {
    expect(classifyRequest(base)).toBeNull();
    expect(classifyRequest({ ...base, kind: 'click' })).toBeNull();
  });

  it('HEAD requests are machines', () => {
    expect(classifyRequest({ ...base, method: 'HEAD' })).toBe('head');
  });

  it('the honeypot link is a machine whatever the user agent', () => {
    expect(classifyRequest({ ...base, kind: 'click', honeypot: true })).toBe('honeypot');
  });

  it('Apple Mail Privacy Protection: Apple network or the bare Mozilla/5.0 UA, for opens only', () => {
    expect(classifyRequest({ ...base, ip: '17.58.101.4' })).toBe('apple_mpp');
    expect(classifyRequest({ ...base, ip: '2a01:b740:a42:100::5' })).toBe('apple_mpp');
    expect(classifyRequest({ ...base, userAgent: 'Mozilla/5.0' })).toBe('apple_mpp');
    // A person at Apple clicking a link is a person.
    expect(classifyRequest({ ...base, kind: 'click', ip: '17.58.101.4' })).toBeNull();
    expect(isAppleNetwork('18.0.0.1')).toBe(false);
  });

  it('Google image proxy counts as a human open', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
    expect(classifyRequest({ ...base, userAgent: ua, ip: '66.249.84.10' })).toBeNull();
  });

  it('security scanners by user agent and by network', () => {
    for (const ua of [
      'Barracuda Sentinel (EE)',
      'python-requests/2.31',
      'curl/8.5.0',
      'Mozilla/5.0 HeadlessChrome/120',
      'Proofpoint URL Defense',
    ]) {
      expect(classifyRequest({ ...base, kind: 'click', userAgent: ua })).toBe('scanner_ua');
    }
    expect(classifyRequest({ ...base, kind: 'click', ip: '40.107.22.1' })).toBe('scanner_net');
    expect(classifyRequest({ ...base, kind: 'click', ip: '148.163.150.2' })).toBe('scanner_net');
    expect(isScannerNetwork('40.106.255.255')).toBe(false);
  });
});
