// Scoped by the shadow root: nothing here reaches the host page and the page's rules do not reach
// in (only inherited properties such as font cross the boundary, and :host resets those).
export const styles = `
:host{all:initial;display:block}
.kl{--kl-border:color-mix(in srgb,var(--kl-text) 22%,transparent);--kl-muted:color-mix(in srgb,var(--kl-text) 70%,transparent);
font:15px/1.5 var(--kl-font);color:var(--kl-text);background:var(--kl-bg);border-radius:calc(var(--kl-radius) + 4px);
padding:24px;max-width:480px;box-sizing:border-box;border:1px solid var(--kl-border)}
.kl *{box-sizing:border-box;font:inherit;color:inherit}
.row{margin:0 0 16px}
.btn{margin-top:4px}
label,legend{display:block;font-weight:600;font-size:14px;margin:0 0 6px;padding:0}
fieldset{border:0;margin:0;padding:0}
.req{color:#c92a2a}
.dark .req{color:#ff8787}
input,textarea,select{display:block;width:100%;padding:10px 12px;border:1px solid var(--kl-border);border-radius:var(--kl-radius);
background:color-mix(in srgb,var(--kl-bg) 97%,var(--kl-text));outline:none;transition:border-color .15s,box-shadow .15s}
.dark input,.dark textarea,.dark select{background:color-mix(in srgb,var(--kl-bg) 90%,#fff)}
select option{color:#111;background:#fff}
textarea{resize:vertical;min-height:88px}
input::placeholder,textarea::placeholder{color:var(--kl-muted);opacity:.8}
input:focus-visible,textarea:focus-visible,select:focus-visible,.btn:focus-visible{border-color:var(--kl-primary);
box-shadow:0 0 0 3px color-mix(in srgb,var(--kl-primary) 30%,transparent)}
[aria-invalid=true]{border-color:#c92a2a}
.dark [aria-invalid=true]{border-color:#ff8787}
.check{display:flex;column-gap:10px;row-gap:0;align-items:flex-start}
.check label{flex:1;min-width:0;font-weight:400;font-size:14px;margin:0}
.check .err{flex-basis:100%;padding-left:28px}
.check{flex-wrap:wrap}
input[type=checkbox],input[type=radio]{width:18px;height:18px;margin:2px 0 0;flex:none;padding:0;accent-color:var(--kl-primary)}
.opt{display:flex;gap:8px;align-items:center;margin:4px 0}
.opt label{font-weight:400;margin:0}
.err{color:#c92a2a;font-size:13px;margin:6px 0 0}
.dark .err{color:#ff8787}
.btn{display:inline-flex;justify-content:center;width:100%;padding:11px 18px;border:1px solid transparent;border-radius:var(--kl-radius);
background:var(--kl-primary);color:var(--kl-on-primary);font-weight:600;cursor:pointer;outline:none}
.btn:hover{filter:brightness(1.07)}
.btn:disabled{opacity:.65;cursor:progress}
.status{margin:10px 0 0;font-size:14px;color:var(--kl-muted)}
.status:empty{margin:0}
.status.bad{color:#c92a2a}
.dark .status.bad{color:#ff8787}
.done{padding:8px 0;font-size:16px;font-weight:600;outline:none}
.done:before{content:"\\2713";display:inline-grid;place-items:center;width:28px;height:28px;margin-right:10px;border-radius:50%;
background:var(--kl-primary);color:var(--kl-on-primary);font-size:15px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
`;
