// Helpers shared by the end-to-end tests that act as a marketer (the JSON api with the demo
// login) and as a visitor (a landing page on another origin than the api).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface Landing {
  /** The landing server's origin: "localhost" and its own port, so never the api's origin. */
  url: string;
  /** Serves `html` at a fresh path; returns the page's full URL. */
  page: (html: string) => string;
  close: () => Promise<void>;
}

/** Starts a web server for landing pages on 127.0.0.1, reached as http://localhost:<port>. */
export async function startLanding(): Promise<Landing> {
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const html = pages.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url,
    page: (html) => {
      const path = `/p-${randomUUID().slice(0, 8)}`;
      pages.set(path, html);
      return url + path;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export type ApiCall = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: any }>;

export interface DemoApi {
  call: ApiCall;
  /** The session cookie ("kl_session=…"), e.g. to sign a browser context in. */
  cookie: () => string;
}

/** A JSON api client that keeps the session cookie, signed in as the demo user. */
export async function demoApi(apiUrl: string): Promise<DemoApi> {
  let cookie = '';
  const call: ApiCall = async (method, path, body) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    const json: any = await res.json().catch(() => null);
    return { status: res.status, body: json };
  };
  const login = await call('POST', '/api/auth/login', {
    email: 'demo@kindling.local',
    password: 'kindling-demo',
  });
  if (login.status !== 200) throw new Error(`demo login failed: ${login.status}`);
  return { call, cookie: () => cookie };
}
