// The unsubscribe confirmation page: branded with the workspace's name, no scripts, no external
// resources (the CSP forbids them), a form that POSTs back to the same token.
import { escapeHtml } from '@kindling/shared';

export type PageState = 'confirm' | 'unsubscribed' | 'resubscribed' | 'bad-request';

export interface PageInput {
  state: PageState;
  workspaceName: string;
  postalAddress: string;
  email: string;
  /** Path the forms post to (`/u/<token>`). */
  action: string;
}

function form(action: string, value: 'unsubscribe' | 'resubscribe', label: string): string {
  return `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="action" value="${value}"><button type="submit">${label}</button></form>`;
}

/** The whole HTML document for one state of the page. */
export function renderUnsubscribePage(p: PageInput): string {
  const name = escapeHtml(p.workspaceName);
  const email = escapeHtml(p.email);
  let heading: string;
  let text: string;
  let actions: string;
  switch (p.state) {
    case 'confirm':
      heading = `Unsubscribe from ${name}?`;
      text = `You will no longer receive emails from ${name} at <strong>${email}</strong>.`;
      actions = form(p.action, 'unsubscribe', 'Unsubscribe');
      break;
    case 'unsubscribed':
      heading = 'You are unsubscribed';
      text = `<strong>${email}</strong> will no longer receive emails from ${name}. Changed your mind?`;
      actions = form(p.action, 'resubscribe', 'Re-subscribe');
      break;
    case 'resubscribed':
      heading = 'Welcome back';
      text = `<strong>${email}</strong> is subscribed to ${name} again.`;
      actions = form(p.action, 'unsubscribe', 'Unsubscribe');
      break;
    case 'bad-request':
      heading = 'We could not understand that request';
      text = 'Use the button below to unsubscribe.';
      actions = form(p.action, 'unsubscribe', 'Unsubscribe');
      break;
  }
  const address = p.postalAddress ? `<footer>${escapeHtml(p.postalAddress)}</footer>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${heading.replace(/<[^>]+>/g, '')} · ${name}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f5f2;color:#1f1d1a;margin:0;padding:48px 16px}
main{max-width:440px;margin:0 auto;background:#fff;border:1px solid #e4e1da;border-radius:12px;padding:32px}
.brand{font-size:14px;font-weight:600;color:#b4541a;letter-spacing:.02em;margin:0 0 16px}
h1{font-size:22px;margin:0 0 12px}
button{font:inherit;background:#b4541a;color:#fff;border:0;border-radius:8px;padding:10px 18px;cursor:pointer;margin-top:16px}
footer{max-width:440px;margin:16px auto 0;font-size:12px;color:#6b665d;text-align:center}
</style>
</head>
<body>
<main data-state="${p.state}">
<p class="brand">${name}</p>
<h1>${heading}</h1>
<p>${text}</p>
${actions}
</main>
${address}
</body>
</html>
`;
}
