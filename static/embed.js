// Story Viewer loader: the one script a page adds. It loads the viewer's
// WebAssembly module from the folder it is served from, defines the
// <story-viewer> element, and on the standalone page mounts the viewer.
// A file, not an inline script, so a strict Content-Security-Policy works.
//
// When the viewer cannot start (most often: the page's Content-Security-
// Policy has no 'wasm-unsafe-eval'), every <story-viewer> and the
// standalone page say so, keep what the host put inside the element (a
// plain link to the story, say), and fire `story-error` naming the
// directive. Text only ever goes in as text (textContent), never as HTML.
import init, { start } from './story-viewer.js';

const here = new URL('./', import.meta.url).href;
// What the page's policy refuses while the viewer starts, to say so after.
const refused = [];
const record = (e) => refused.push({ uri: e.blockedURI, directive: e.effectiveDirective });
document.addEventListener('securitypolicyviolation', record);
try {
  await init({ module_or_path: new URL('story-viewer_bg.wasm', here) });
  start(here);
} catch (error) {
  // Violation reports arrive in a task of their own.
  await new Promise((resolve) => setTimeout(resolve));
  const text = String(error?.message ?? error);
  const wasm = refused.find((r) => r.uri === 'wasm-eval') || /wasm-unsafe-eval|unsafe-eval/i.test(text);
  const other = refused.find((r) => r.uri.startsWith(new URL(here).origin));
  const origin = new URL(here).origin;
  const directive = wasm ? 'script-src' : other?.directive ?? '';
  const message = wasm
    ? "The story viewer cannot start: this page's Content-Security-Policy does not allow WebAssembly. " +
      "Add 'wasm-unsafe-eval' to its script-src directive."
    : other
      ? `The story viewer cannot start: this page's Content-Security-Policy (${directive}) does not allow loading ` +
        `the viewer from ${origin}. Add ${origin} to its ${directive} directive.`
      : `The story viewer cannot start: ${text}`;
  const alert = (doc) => {
    const box = doc.createElement('div');
    box.className = 'sv-root';
    const p = doc.createElement('p');
    p.className = 'sv-alert';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    box.append(p);
    return box;
  };
  const show = (el) => {
    if (el.shadowRoot) return;
    const shadow = el.attachShadow({ mode: 'open' });
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('viewer.css', here).href;
    // The element's own content (a link to the story) stays shown below.
    shadow.append(css, alert(document), document.createElement('slot'));
    el.dispatchEvent(new CustomEvent('story-error', { bubbles: true, composed: true, detail: { message, directive } }));
  };
  if (!customElements.get('story-viewer')) {
    customElements.define('story-viewer', class extends HTMLElement { connectedCallback() { show(this); } });
  }
  document.getElementById('story-viewer-app')?.prepend(alert(document));
} finally {
  document.removeEventListener('securitypolicyviolation', record);
}
