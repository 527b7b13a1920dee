import { useEffect, useRef, useState } from 'react';
import { escapeHtml } from '@kindling/shared';

type Insert = { kind: 'link' | 'image' | 'button'; url: string; label: string } | null;

const BUTTON_STYLE =
  'display:inline-block;padding:12px 22px;background:#ea580c;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600';

/** Safe-enough URL for links and images the author types: http(s), mailto or a merge tag. */
function cleanUrl(url: string): string | null {
  const u = url.trim();
  if (/^(https?:\/\/|mailto:)/i.test(u) || /^\{\{[^}]+\}\}$/.test(u)) return u;
  if (/^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(u)) return `https://${u}`;
  return null;
}

/**
 * A small WYSIWYG editor for email bodies: bold/italic, headings, lists, links, images by URL,
 * a button block and merge tags, with a raw HTML view for anything else.
 */
export function HtmlEditor({
  value,
  onChange,
  mergeTags,
  invalid,
  id,
  describedBy,
}: {
  value: string;
  onChange: (html: string) => void;
  mergeTags: string[];
  invalid?: boolean;
  id: string;
  describedBy?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const savedRange = useRef<Range | null>(null);
  const [source, setSource] = useState(false);
  const [insert, setInsert] = useState<Insert>(null);

  // Keep the editable in step with outside changes (source view, reset) without moving the caret.
  useEffect(() => {
    const el = ref.current;
    if (el && !source && el.innerHTML !== value) el.innerHTML = value;
  }, [value, source]);

  const emit = () => {
    if (ref.current) onChange(ref.current.innerHTML);
  };
  const saveSelection = () => {
    const sel = window.getSelection();
    if (sel && sel.rangeCount > 0 && ref.current?.contains(sel.anchorNode))
      savedRange.current = sel.getRangeAt(0).cloneRange();
  };
  const restoreSelection = () => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    const sel = window.getSelection();
    if (sel && savedRange.current) {
      sel.removeAllRanges();
      sel.addRange(savedRange.current);
    }
  };
  const exec = (command: string, arg?: string) => {
    restoreSelection();
    // execCommand is deprecated but still the only editing primitive every browser ships.
    document.execCommand(command, false, arg);
    emit();
  };
  const insertHtml = (html: string) => {
    restoreSelection();
    if (!document.execCommand('insertHTML', false, html) && ref.current)
      ref.current.innerHTML += html;
    emit();
  };

  const applyInsert = () => {
    if (!insert) return;
    const url = cleanUrl(insert.url);
    if (!url) return;
    const label = escapeHtml(
      insert.label.trim() || (insert.kind === 'button' ? 'Learn more' : insert.url),
    );
    const href = escapeHtml(url);
    if (insert.kind === 'link') {
      const sel = window.getSelection();
      if (savedRange.current && !savedRange.current.collapsed) {
        restoreSelection();
        document.execCommand('createLink', false, url);
        emit();
      } else insertHtml(`<a href="${href}">${label}</a>`);
      void sel;
    } else if (insert.kind === 'image') {
      insertHtml(
        `<img src="${href}" alt="${escapeHtml(insert.label.trim())}" style="max-width:100%;height:auto">`,
      );
    } else {
      insertHtml(
        `<p style="margin:24px 0"><a href="${href}" style="${BUTTON_STYLE}">${label}</a></p><p><br></p>`,
      );
    }
    setInsert(null);
  };

  // A tool's accessible name is its title, or for a label a person reads as text ("H1", "1.")
  // that text first, so speech input can say what the button shows.
  const tool = (label: string, title: string, onClick: () => void, testId?: string) => (
    <button
      type="button"
      className="rte-tool"
      title={title}
      aria-label={/^(H\d|\d\.)$/.test(label) ? `${label} ${title.toLowerCase()}` : title}
      data-testid={testId}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
      disabled={source && label !== '</>'}
    >
      {label}
    </button>
  );

  return (
    <div className={`rte${invalid ? ' rte-invalid' : ''}`}>
      <div className="rte-toolbar" role="toolbar" aria-label="Formatting">
        {tool('B', 'Bold', () => exec('bold'))}
        {tool('I', 'Italic', () => exec('italic'))}
        {tool('U', 'Underline', () => exec('underline'))}
        <span className="rte-sep" />
        {tool('H1', 'Heading', () => exec('formatBlock', 'h1'))}
        {tool('H2', 'Subheading', () => exec('formatBlock', 'h2'))}
        {tool('¶', 'Paragraph', () => exec('formatBlock', 'p'))}
        {tool('•', 'Bulleted list', () => exec('insertUnorderedList'))}
        {tool('1.', 'Numbered list', () => exec('insertOrderedList'))}
        <span className="rte-sep" />
        {tool(
          'Link',
          'Insert link',
          () => {
            saveSelection();
            setInsert({ kind: 'link', url: '', label: window.getSelection()?.toString() ?? '' });
          },
          'rte-link',
        )}
        {tool(
          'Image',
          'Insert image by URL',
          () => {
            saveSelection();
            setInsert({ kind: 'image', url: '', label: '' });
          },
          'rte-image',
        )}
        {tool(
          'Button',
          'Insert button',
          () => {
            saveSelection();
            setInsert({ kind: 'button', url: '', label: 'Get started' });
          },
          'rte-button',
        )}
        <span className="rte-sep" />
        <select
          className="rte-tags"
          aria-label="Insert merge tag"
          value=""
          disabled={source}
          onMouseDown={saveSelection}
          onChange={(e) => {
            if (e.target.value) insertHtml(escapeHtml(e.target.value));
          }}
        >
          <option value="">Merge tag…</option>
          {mergeTags.map((t) => (
            <option
              key={t}
              value={t === 'first_name' ? '{{first_name | default: "there"}}' : `{{${t}}}`}
            >
              {t}
            </option>
          ))}
        </select>
        <span className="rte-spacer" />
        {tool(
          '</>',
          source ? 'Back to the visual editor' : 'Edit HTML source',
          () => setSource((s) => !s),
          'rte-source',
        )}
      </div>
      {insert && (
        <div className="rte-insert" data-testid="rte-insert">
          <input
            className="input input-sm"
            placeholder={
              insert.kind === 'image'
                ? 'https://example.com/picture.png'
                : 'https://example.com/page'
            }
            aria-label={`${insert.kind} URL`}
            value={insert.url}
            autoFocus
            onChange={(e) => setInsert({ ...insert, url: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                applyInsert();
              }
            }}
          />
          <input
            className="input input-sm"
            placeholder={insert.kind === 'image' ? 'Alt text' : 'Label'}
            aria-label={`${insert.kind} label`}
            value={insert.label}
            onChange={(e) => setInsert({ ...insert, label: e.target.value })}
          />
          <button
            type="button"
            className="btn btn-primary btn-sm"
            onClick={applyInsert}
            disabled={!cleanUrl(insert.url)}
          >
            Insert {insert.kind}
          </button>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setInsert(null)}>
            Cancel
          </button>
        </div>
      )}
      {source ? (
        <textarea
          id={id}
          className="rte-source"
          aria-labelledby={`${id}-label`}
          value={value}
          spellCheck={false}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <div
          id={id}
          ref={ref}
          className="rte-area"
          contentEditable
          role="textbox"
          aria-multiline="true"
          aria-labelledby={`${id}-label`}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          suppressContentEditableWarning
          onInput={emit}
          onBlur={() => {
            saveSelection();
            emit();
          }}
          onKeyUp={saveSelection}
          onMouseUp={saveSelection}
        />
      )}
    </div>
  );
}
