import { describe, expect, it } from 'vitest';
import { htmlToText, validateMergeTags } from '@kindling/shared';
import { renderStepEmail } from './render.js';

const ws = { name: 'Acme' };

describe('renderStepEmail', () => {
  it('fills tags, uses defaults, escapes HTML and strips CR/LF from the subject', () => {
    const lead = {
      email: 'a@example.test',
      firstName: '<script>alert(1)</script>',
      lastName: null,
      customFields: { plan: 'Pro & "Max"' },
    };
    const out = renderStepEmail(
      {
        subject: 'Hi {{first_name}}\r\nBcc: evil@example.test',
        preheader: 'For {{ last_name | default: "you" }}',
        html: '<p>Hi {{first_name | default: "there"}}, plan {{custom.plan}} {{plan}}</p>',
        text: 'Hi {{first_name}} on {{plan}} at {{workspace_name}}',
      },
      lead,
      ws,
    );
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.subject).toBe('Hi <script>alert(1)</script> Bcc: evil@example.test');
    expect(out.preheader).toBe('For you');
    expect(out.html).toBe(
      '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;, plan Pro &amp; &quot;Max&quot; Pro &amp; &quot;Max&quot;</p>',
    );
    expect(out.text).toBe('Hi <script>alert(1)</script> on Pro & "Max" at Acme');
  });

  it('falls back to the default when a value is empty', () => {
    const out = renderStepEmail(
      { subject: "{{first_name | default: 'friend'}}", preheader: '', html: '', text: '' },
      { email: 'x@y.z', firstName: '' },
      ws,
    );
    expect(out.subject).toBe('friend');
  });
});

describe('merge-tag validation', () => {
  it('flags unknown tags and malformed filters, accepts known ones', () => {
    expect(validateMergeTags('{{first_name | default: "there"}} {{plan}}', ['plan'])).toEqual([]);
    expect(validateMergeTags('{{frist_name}}', [])).toEqual(['Unknown merge tag {{frist_name}}']);
    expect(validateMergeTags('{{first_name | upcase}}', [])[0]).toMatch(/default/);
    expect(validateMergeTags('Hello {{first_name', [])[0]).toMatch(/not closed/);
  });
});

describe('htmlToText', () => {
  it('keeps paragraphs and link targets', () => {
    expect(
      htmlToText('<h1>Hi</h1><p>Read <a href="https://x.test/a">the guide</a>.</p><p>Bye&amp;</p>'),
    ).toBe('Hi\n\nRead the guide (https://x.test/a).\n\nBye&');
  });
});
