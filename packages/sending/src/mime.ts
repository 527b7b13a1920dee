// A small MIME reader for reports: enough to walk multipart/report and read its parts,
// decoding base64 and quoted-printable. Reports are machine-made and simple; this avoids
// depending on how a general mail parser chooses to present non-text parts.

export interface MimePart {
  headers: Record<string, string>;
  contentType: string;
  params: Record<string, string>;
  body: string;
  parts: MimePart[];
}

function splitHead(raw: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return [raw, ''];
  return [raw.slice(0, m.index), raw.slice(m.index + m[0].length)];
}

/** Header fields of a header block, names lower-cased, continuation lines unfolded. */
export function parseHeaderBlock(head: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | null = null;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      out[last] += ` ${line.trim()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i > 0) {
      last = line.slice(0, i).trim().toLowerCase();
      // The first occurrence wins (the newest Received etc. is irrelevant here).
      if (!(last in out)) out[last] = line.slice(i + 1).trim();
      else last = null;
    }
  }
  return out;
}

function parseContentType(v: string | undefined): { type: string; params: Record<string, string> } {
  const [type = 'text/plain', ...rest] = (v ?? 'text/plain').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0)
      params[p.slice(0, i).trim().toLowerCase()] = p
        .slice(i + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  return { type: type.trim().toLowerCase(), params };
}

function decode(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable')
    return body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return body;
}

/** Parses a raw message into a tree of parts. */
export function parseMime(raw: string, depth = 0): MimePart {
  const [head, rawBody] = splitHead(raw);
  const headers = parseHeaderBlock(head);
  const { type, params } = parseContentType(headers['content-type']);
  const part: MimePart = { headers, contentType: type, params, body: '', parts: [] };
  if (type.startsWith('multipart/') && params['boundary'] && depth < 8) {
    const b = `--${params['boundary']}`;
    const chunks = rawBody.split(
      new RegExp(`\\r?\\n?${b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`),
    );
    // chunks[0] is the preamble; the last one the epilogue.
    for (const c of chunks.slice(1)) {
      if (c.trim() === '') continue;
      part.parts.push(parseMime(c, depth + 1));
    }
  } else {
    part.body = decode(rawBody, headers['content-transfer-encoding']);
  }
  return part;
}

/** Depth-first search for the first part of one of `types`. */
export function findPart(root: MimePart, types: string[]): MimePart | null {
  if (types.includes(root.contentType)) return root;
  for (const p of root.parts) {
    const f = findPart(p, types);
    if (f) return f;
  }
  return null;
}
