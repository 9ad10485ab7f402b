// Story Viewer loader: the one script a page adds. A file, not an inline
// script, so a strict Content-Security-Policy works.
//
// - It defines the <story-viewer> element at once, but fetches the viewer
//   (its JS glue and WebAssembly) only when an element nears the viewport,
//   or has loading="eager", or the page is the standalone viewer. Ten
//   elements share one load; an element far below the fold costs nothing
//   until the reader scrolls towards it, its story included.
// - A story that `story build` published on this script's own origin (its
//   copy of this script, in a built site)
//   (`src` naming its story.json there) is drawn from its built HTML (the
//   story's embed.html beside it) before, and without, the viewer: the
//   wasm is loaded only for the controls the element asks for
//   (`reading-settings`). So is a story the page brought prerendered in a
//   declarative shadow root (the snippet `story build` writes). HTML is
//   taken from this origin only; from any other host the element reads
//   data, as the viewer does.
// - When the viewer cannot start (most often: the page's Content-Security-
//   Policy has no 'wasm-unsafe-eval'), every <story-viewer> and the
//   standalone page say so, keep what the host put inside the element (a
//   plain link to the story, say), and fire `story-error` naming the
//   directive; a prerendered story stays as it is. Text only ever goes in
//   as text (textContent); HTML only from this origin's built pages.

// `story build` writes `true` here in the sites it builds, where every
// story's folder has its embed.html: only there is a story drawn from its
// HTML (elsewhere the page would be asked for, and missing, every time).
const BUILT_SITE = false;

const here = new URL('./', import.meta.url).href;
const origin = new URL(here).origin;

// What the page's policy refuses while the viewer starts, to say so after.
const refused = [];
document.addEventListener('securitypolicyviolation', (e) => {
  if (refused.length < 20) refused.push({ uri: e.blockedURI, directive: e.effectiveDirective });
});

let viewer; // the started module, once asked for
const started = new WeakSet(); // elements with a viewer drawn
const prerendered = new WeakSet(); // elements showing a built story's HTML
const levels = new WeakMap(); // how far their headings were moved down
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
  if (prerendered.has(el)) {
    // The story is there; only the controls it asked for are missing:
    // said to the host, not drawn over the story.
    if (el.hasAttribute('reading-settings')) {
      el.dispatchEvent(new CustomEvent('story-error', { bubbles: true, composed: true, detail: { ...failure } }));
    }
    return;
  }
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

/**
 * The built page of the story `el` names, when `story build` published it
 * on this script's origin: `.../story.json` there has its `embed.html`
 * beside it. `null` for anything else (another host, a catalog, a query).
 */
function builtPage(el) {
  if (!BUILT_SITE) return null;
  let url;
  try { url = new URL(el.getAttribute('src') ?? '', document.baseURI); } catch { return null; }
  if (url.origin !== origin || !url.pathname.endsWith('/story.json') || url.search || url.hash) return null;
  return new URL('embed.html', url);
}

const builtTexts = new Map(); // embed page address → its text (null: none), fetched once

/** The text of a built story's embed page, from this origin only; `null` when there is none. */
function builtText(page) {
  if (!builtTexts.has(page.href)) {
    builtTexts.set(page.href, (async () => {
      const r = await fetch(page, { credentials: 'omit', signal: AbortSignal.timeout(15000) });
      const type = r.headers.get('content-type') ?? '';
      if (!r.ok || new URL(r.url).origin !== origin || !type.startsWith('text/html')) return null;
      return r.text();
    })().catch(() => null));
  }
  return builtTexts.get(page.href);
}

/** The drawn story's box, in `el`'s shadow root. */
const storyIn = (el) => el.shadowRoot?.querySelector('.sv-embed-main[data-story-id]');

/**
 * Draws the built story `el` names from its HTML, without the viewer.
 * True when the story is shown: drawn now, or already there in a
 * declarative shadow root. False (nothing changed) when there is none:
 * the viewer then reads the data.
 */
async function prerender(el) {
  if (!storyIn(el)) {
    const page = builtPage(el);
    if (!page) return false;
    const src = el.getAttribute('src');
    const text = await builtText(page);
    if (text === null) return false;
    // Parsed inert: no script runs, nothing loads until it is drawn.
    const doc = new DOMParser().parseFromString(text, 'text/html');
    const main = doc.querySelector('main.sv-embed-main[data-story-id]');
    if (!main || !el.isConnected || el.getAttribute('src') !== src || storyIn(el)) return false;
    // A <div>: the host page has its own <main>.
    const box = document.createElement('div');
    for (const a of main.attributes) box.setAttribute(a.name, a.value);
    box.append(...document.adoptNode(main).childNodes);
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('viewer.css', here).href;
    (el.shadowRoot ?? el.attachShadow({ mode: 'open' })).replaceChildren(css, box);
  }
  const shadow = el.shadowRoot;
  relevel(el, el.getAttribute('heading-level'));
  if (!prerendered.has(el)) {
    // Section links move to the section in the element, not in the host's address.
    shadow.addEventListener('click', (e) => {
      const a = e.target instanceof Element ? e.target.closest('a[href^="#"]') : null;
      const target = a && shadow.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
      if (!target || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }
  prerendered.add(el);
  const { storyId: id, storyTitle: title } = storyIn(el).dataset;
  el.dispatchEvent(new CustomEvent('story-load', { bubbles: true, composed: true, detail: { id, title } }));
  return true;
}

/**
 * Headings moved down as `heading-level` asks (`2`: the title an h2, its
 * sections h3), as the viewer draws them; built pages start at h1.
 */
function relevel(el, level) {
  const by = Math.min(Math.max(Number.parseInt(level ?? '1', 10) || 1, 1), 5) - 1;
  const drawn = levels.get(el) ?? 0;
  if (by === drawn) return;
  for (const h of el.shadowRoot.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const to = document.createElement(`h${Math.min(Math.max(Number(h.tagName[1]) + by - drawn, 1), 6)}`);
    for (const a of h.attributes) to.setAttribute(a.name, a.value);
    to.append(...h.childNodes);
    h.replaceWith(to);
  }
  levels.set(el, by);
}

/** Starts the viewer in `el` (loading it first if need be). */
function wake(el) {
  prerender(el).then((shown) => {
    if (shown) {
      // The story is whole; the viewer only for the controls asked for.
      if (!el.hasAttribute('reading-settings')) return;
      if (failure) return showFailure(el);
      load().then((mod) => { if (el.isConnected) { mod.enhanceViewer(el); started.add(el); } }, fail);
      return;
    }
    if (failure) return showFailure(el);
    load().then((mod) => {
      if (el.isConnected) {
        mod.mountViewer(el);
        started.add(el);
      }
    }, fail);
  });
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
      if (!this.isConnected || before === null || before === after) return;
      // A prerendered story: drawn again for the new file or level (its
      // HTML, or the viewer's data when the new file has none).
      if (prerendered.has(this)) {
        if (name === 'src') {
          prerendered.delete(this);
          if (started.delete(this)) viewer.then((mod) => mod.unmountViewer(this), () => {});
          this.shadowRoot.replaceChildren();
          levels.delete(this);
          wake(this);
        } else if (name === 'heading-level') {
          relevel(this, after);
        }
        return;
      }
      // A started element draws the new file (or level); one not started
      // yet reads its attributes when it starts.
      if (started.has(this)) {
        viewer.then((mod) => { if (this.isConnected) mod.mountViewer(this); }, () => {});
      }
    }
  });
}

// The standalone page starts at once.
const app = document.getElementById('story-viewer-app');
if (app) load(prefetch(app)).catch(fail);
