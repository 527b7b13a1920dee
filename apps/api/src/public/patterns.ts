// Form field patterns are written by a tenant and run on a stranger's input, on the thread every
// other request of every workspace shares. The server therefore evaluates them with RE2 (re2js,
// a pure-JS port): its matching time is linear in the input, whatever the pattern, so `(a+)+b`
// costs the same as `a+b`. A pattern is saved only when both RE2 and the browser's engine (the
// widget validates with it before posting) accept it with the same anchoring, so the widget and
// the server agree on what a pattern means; backreferences and lookarounds, which RE2 cannot run
// in linear time, are refused at save with a message.
import { RE2JS } from 're2js';
import type { PatternCompiler, PatternMatcher } from '@kindling/shared';

/** Longest pattern accepted (the form schema's limit). */
const MAX_PATTERN = 200;

const compiled = new Map<string, PatternMatcher | null>();
const MAX_CACHED = 1000;

function compileRe2(pattern: string): PatternMatcher {
  const re = RE2JS.compile(`^(?:${pattern})$`);
  return { test: (value) => re.matches(value) };
}

/** Why `pattern` cannot be saved, or null when it can. */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `At most ${MAX_PATTERN} characters`;
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return 'Not a valid regular expression';
  }
  try {
    compileRe2(pattern);
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : '';
    return `This pattern cannot be checked safely (${detail}); backreferences and lookarounds are not supported`;
  }
  return null;
}

/**
 * The api's pattern compiler for the shared submission schema: RE2, compiled once per pattern.
 * A stored pattern RE2 refuses (saved before this check existed) matches nothing, so the field
 * is refused rather than accepted unchecked.
 */
export const re2Pattern: PatternCompiler = (pattern) => {
  if (compiled.has(pattern)) return compiled.get(pattern)!;
  let matcher: PatternMatcher | null;
  try {
    matcher = compileRe2(pattern);
  } catch {
    matcher = { test: () => false };
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(pattern, matcher);
  return matcher;
};
