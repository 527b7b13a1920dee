// `npm run dead-letters -- <list|replay|drop> <submissions|events> [id ...|--all]`: the
// operator's view of the stream drains' dead letters (see dead-letters.ts). Uses the worker's
// REDIS_URL, SUBMISSIONS_STREAM and EVENTS_STREAM, so it sees what the worker sees.
import { Redis } from 'ioredis';
import { z } from 'zod';
import { parseEnv } from '@kindling/shared';
import { workerEnvSchema } from './env.js';
import {
  deadLetterStream,
  dropDeadLetters,
  listDeadLetters,
  replayDeadLetters,
  type DeadLetter,
} from './dead-letters.js';

const USAGE = `usage: npm run dead-letters -- <command> <drain> [ids...]

  list   <submissions|events>            show dead letters (id, when, attempts, error, fields)
  replay <submissions|events> <id...|--all>   put them back on their stream (after the fix)
  drop   <submissions|events> <id...|--all>   delete them for good

An id is the dead letter's id or the entry's original id, as 'list' shows them.`;

function show(d: DeadLetter): string {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < d.fields.length; i += 2)
    fields[d.fields[i]!] = d.fields[i + 1]!.slice(0, 300);
  return [
    `${d.deadId}  (entry ${d.id}, dead since ${d.deadAt}, ${d.attempts} attempts)`,
    `  error:  ${d.error}`,
    `  fields: ${JSON.stringify(fields)}`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, drain, ...rest] = argv;
  if (!command || !drain || !['list', 'replay', 'drop'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const env = parseEnv(
    workerEnvSchema.pick({ REDIS_URL: true, SUBMISSIONS_STREAM: true, EVENTS_STREAM: true }),
    process.env,
    'dead-letters',
  );
  const streams: Record<string, string> = {
    submissions: env.SUBMISSIONS_STREAM,
    events: env.EVENTS_STREAM,
  };
  const stream = streams[drain];
  if (!stream) {
    console.error(`unknown drain "${drain}": use submissions or events\n\n${USAGE}`);
    return 2;
  }
  const ids = z.array(z.string().min(1)).parse(rest);
  if (command !== 'list' && ids.length === 0) {
    console.error(`${command} needs ids or --all\n\n${USAGE}`);
    return 2;
  }
  const selection = ids.includes('--all') ? 'all' : ids;
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    if (command === 'list') {
      const list = await listDeadLetters(redis, stream, 1000);
      console.log(`${list.length} dead letter(s) in ${deadLetterStream(stream)}`);
      for (const d of list) console.log(show(d));
    } else {
      const done =
        command === 'replay'
          ? await replayDeadLetters(redis, stream, selection)
          : await dropDeadLetters(redis, stream, selection);
      console.log(
        `${command === 'replay' ? 'replayed' : 'dropped'} ${done.length} dead letter(s)` +
          (done.length ? `: ${done.map((d) => d.id).join(', ')}` : ''),
      );
      if (selection !== 'all' && done.length < selection.length) {
        console.error('some ids were not found (see list)');
        return 1;
      }
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
