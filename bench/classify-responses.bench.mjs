// SMTP answers per second through Kindling's classifier (packages/sending smtp-answers.ts: the
// provider table, RFC 3463 codes, the reply code) against a bare loop that runs one regular
// expression (reply code and enhanced code) over the same answers, in interleaved rounds. The
// classifier runs on every error answer of the send path, so it must stay close to the cost of
// reading the code at all.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleaved, medianOf, pairedRatio } from './lib/interleave.mjs';
import { round } from './lib/stats.mjs';
import { root } from './lib/leads-bench.mjs';

export const name = 'classify-responses';
export const description =
  'SMTP answers/s through the smtp-answers classifier vs a bare regex loop over the same answers';

const N = Number(process.env.BENCH_CLASSIFY_ANSWERS ?? 300_000);

// Real answers (as in smtp-answers.test.ts), with the sending IP varied so no two are the same.
const TEMPLATES = [
  [
    421,
    '421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address {ip}. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.',
  ],
  [
    421,
    '421-4.7.0 This message is suspicious due to the very low reputation of the sending IP address {ip}.',
  ],
  [
    550,
    "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy.",
  ],
  [
    550,
    "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos.",
  ],
  [452, "452-4.2.2 The recipient's inbox is out of storage space."],
  [
    451,
    '451 4.7.650 The mail server [{ip}] has been temporarily rate limited due to IP reputation.',
  ],
  [
    550,
    "550 5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
  ],
  [
    421,
    '421 4.7.0 [TSS04] Messages from {ip} temporarily deferred due to unexpected volume or user complaints',
  ],
  [554, '554 5.7.9 Message not accepted for policy reasons.'],
  [
    550,
    '550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
  ],
  [451, '451 4.3.0 Error: queue file write error'],
  [450, '450 4.7.1 <a@example.com>: Recipient address rejected: Greylisted'],
];

function corpus() {
  const out = [];
  for (let i = 0; i < N; i++) {
    const [code, text] = TEMPLATES[i % TEMPLATES.length];
    out.push([code, text.replace('{ip}', `198.51.${(i >> 8) & 255}.${i & 255}`)]);
  }
  return out;
}

async function loadClassifier() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-classify-'));
  const outfile = path.join(dir, 'smtp-answers.mjs');
  await build({
    entryPoints: [path.join(root, 'packages/sending/src/smtp-answers.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'error',
  });
  const mod = await import(pathToFileURL(outfile).href);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

export async function run({ rounds, log }) {
  const { classifySmtpAnswer } = await loadClassifier();
  const answers = corpus();
  const CODES = /^(\d{3})[ -](?:(\d\.\d{1,3}\.\d{1,3}) )?/;
  const time = (fn) => {
    const t = process.hrtime.bigint();
    const sink = fn();
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    return { answersPerSec: Math.round(answers.length / s), sink };
  };
  const variants = {
    bare: async () =>
      time(() => {
        let n = 0;
        for (const [, text] of answers) {
          const m = CODES.exec(text);
          if (m && m[2]) n++;
        }
        return n;
      }),
    kindling: async () =>
      time(() => {
        let n = 0;
        for (const [code, text] of answers) if (classifySmtpAnswer(code, text).permanent) n++;
        return n;
      }),
  };
  const results = await interleaved(variants, {
    rounds,
    log,
    warmup: async (_name, fn) => fn(),
  });
  const ratio = round(pairedRatio(results.kindling, results.bare, 'answersPerSec'), 3);
  return {
    metrics: {
      answers: answers.length,
      bare_answers_per_s: medianOf(results.bare, 'answersPerSec'),
      kindling_answers_per_s: medianOf(results.kindling, 'answersPerSec'),
    },
    ratios: [
      { name: 'classifier / bare regex loop (answers/s)', value: ratio, target: 0.5, floor: 0.1 },
    ],
  };
}
