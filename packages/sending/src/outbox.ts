import { simpleParser } from 'mailparser';

export interface ParsedMail {
  headers: { name: string; value: string }[];
  html: string | null;
  text: string | null;
}

/** Headers (unfolded, in order), HTML and text of a raw message, for the Outbox page. */
export async function parseForDisplay(raw: string): Promise<ParsedMail> {
  const parsed = await simpleParser(raw, { skipImageLinks: true });
  const headers = parsed.headerLines.map((h) => {
    const i = h.line.indexOf(':');
    return {
      name: h.line.slice(0, i),
      value: h.line
        .slice(i + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    };
  });
  return {
    headers,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    text: parsed.text ?? null,
  };
}
