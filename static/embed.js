// Story Viewer loader: the one script a page adds. A file, not an inline
// script, so a strict Content-Security-Policy works.
//
// - It defines the <story-viewer> element at once, but fetches the viewer
//   (its JS glue and WebAssembly) only when an element nears the viewport,
//   or has loading="eager", or the page is the standalone viewer. Ten
//   elements share one load; an element far below the fold costs nothing
//   until the reader scrolls towards it, its story included.
// - When the viewer cannot start (most often: the page's Content-Security-
//   Policy has no 'wasm-unsafe-eval'), every <story-viewer> and the
//   standalone page say so, keep what the host put inside the element (a
//   plain link to the story, say), and fire `story-error` naming the
//   directive. Text only ever goes in as text (textContent), never as HTML.

const here = new URL('./', import.meta.url).href;
const origin = new URL(here).origin;

// What the page's policy refuses while the viewer starts, to say so after.
const refused = [];
document.addEventListener('securitypolicyviolation', (e) => {
  if (refused.length < 20) refused.push({ uri: e.blockedURI, directive: e.effectiveDirective });
});

let viewer; // the started module, once asked for
const started = new WeakSet(); // elements with a viewer drawn
let failure; // { message, directive } once it could not start

/** Fetches and starts the viewer, once. `early`: see `prefetch`. */
function load(early) {
  viewer ??= (async () => {
    const mod = await import('./story-viewer.js');
    await mod.default({ module_or_path: new URL('story-viewer_bg.wasm', here) });
    // Compiling the wasm and starting the viewer in tasks of their own, not
    // one long task (docs/perf.md, "Startup").
    await new Promise((resolve) => setTimeout(resolve));
    mod.start(here, early);
    return mod;
  })();
  return viewer;
}

/**
 * On the standalone page, the first file the viewer will ask for (`?src=`,
 * else the page's default), fetched now, while the viewer itself downloads
 * and compiles; the viewer takes the response over when it asks for the
 * same address (src/fetch.rs), and fetches again itself, with its own
 * checks and messages, if this one failed. Only http(s) addresses, as the
 * viewer's own gate allows; the same 15 s limit.
 */
function prefetch(app) {
  if (app.hasAttribute('data-published')) return undefined; // a built page fetches nothing
  const src = new URLSearchParams(location.search).get('src') ?? app.dataset.defaultSrc ?? 'samples/stories.json';
  let url;
  try { url = new URL(src, location.href); } catch { return undefined; }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const response = fetch(url.href, { signal: AbortSignal.timeout(15000) });
  response.catch(() => {}); // reported by the viewer's own fetch
  return { url: url.href, response };
}

/** Why the viewer could not start, in words, and the directive that refused it. */
async function explain(error) {
  // Violation reports arrive in a task of their own.
  await new Promise((resolve) => setTimeout(resolve));
  const text = String(error?.message ?? error);
  const wasm = refused.some((r) => r.uri === 'wasm-eval') || /wasm-unsafe-eval|unsafe-eval/i.test(text);
  const other = refused.find((r) => r.uri.startsWith(origin));
  if (wasm) {
    return {
      directive: 'script-src',
      message: "The story viewer cannot start: this page's Content-Security-Policy does not allow WebAssembly. " +
        "Add 'wasm-unsafe-eval' to its script-src directive.",
    };
  }
  if (other) {
    return {
      directive: other.directive,
      message: `The story viewer cannot start: this page's Content-Security-Policy (${other.directive}) does not ` +
        `allow loading the viewer from ${origin}. Add ${origin} to its ${other.directive} directive.`,
    };
  }
  return { directive: '', message: `The story viewer cannot start: ${text}` };
}

function alertBox(message) {
  const box = document.createElement('div');
  box.className = 'sv-root';
  const p = document.createElement('p');
  p.className = 'sv-alert';
  p.setAttribute('role', 'alert');
  p.textContent = message;
  box.append(p);
  return box;
}

/** Shows the failure in `el`, keeping its own content below the message. */
function showFailure(el) {
  if (el.shadowRoot) return;
  const shadow = el.attachShadow({ mode: 'open' });
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('viewer.css', here).href;
  shadow.append(css, alertBox(failure.message), document.createElement('slot'));
  el.dispatchEvent(new CustomEvent('story-error', { bubbles: true, composed: true, detail: { ...failure } }));
}

async function fail(error) {
  failure ??= await explain(error);
  document.querySelectorAll('story-viewer').forEach(showFailure);
  const app = document.getElementById('story-viewer-app');
  if (app?.hasAttribute('data-published')) {
    // A built page is whole without the viewer: it only loses the room
    // kept for the controls the viewer would have drawn.
    document.documentElement.classList.remove('sv-js');
    return;
  }
  if (app && !app.querySelector('.sv-alert')) app.prepend(alertBox(failure.message));
}

/** Starts the viewer in `el` (loading it first if need be). */
function wake(el) {
  if (failure) return showFailure(el);
  load().then((mod) => {
    if (el.isConnected) {
      mod.mountViewer(el);
      started.add(el);
    }
  }, fail);
}

// Elements wake when they come within 200 px of the viewport.
const near = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting) {
      near.unobserve(e.target);
      wake(e.target);
    }
  }
}, { rootMargin: '200px' });

if (!customElements.get('story-viewer')) {
  customElements.define('story-viewer', class extends HTMLElement {
    static get observedAttributes() { return ['src', 'heading-level', 'reading-settings']; }
    connectedCallback() {
      if (this.getAttribute('loading') === 'eager') wake(this);
      else near.observe(this);
    }
    disconnectedCallback() {
      near.unobserve(this);
      if (started.delete(this)) viewer.then((mod) => mod.unmountViewer(this), () => {});
    }
    attributeChangedCallback(name, before, after) {
      // A started element draws the new file (or level); one not started
      // yet reads its attributes when it starts.
      if (this.isConnected && before !== null && before !== after && started.has(this)) {
        viewer.then((mod) => { if (this.isConnected) mod.mountViewer(this); }, () => {});
      }
    }
  });
}

// The standalone page starts at once.
const app = document.getElementById('story-viewer-app');
if (app) load(prefetch(app)).catch(fail);
