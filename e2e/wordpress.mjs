// WordPress's handling of an oEmbed response from a provider it does not
// list, for the tests: `wp_filter_oembed_result` (wp-includes/embed.php,
// WordPress 6.1, as Debian ships it) ported step by step, and the host
// side, `wp-embed.js`, taken from Debian's `wordpress` package itself
// (`./dev` unpacks it into e2e/.clients/; it is not installed or run as PHP).
import fs from 'node:fs';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { HERE } from './harness.mjs';

/** WordPress's own `wp-embed.js` (the script a WordPress page runs for embeds). */
export const WP_EMBED_JS = path.join(HERE, '.clients', 'wp-embed.js');

export function wpEmbedScript() {
  if (!fs.existsSync(WP_EMBED_JS)) {
    throw new Error(`${WP_EMBED_JS} is missing: run ./dev setup (it unpacks Debian's wordpress package)`);
  }
  return fs.readFileSync(WP_EMBED_JS, 'utf8');
}

// The `$allowed_html` of wp_filter_oembed_result.
const ALLOWED = {
  a: ['href'],
  blockquote: [],
  iframe: ['src', 'width', 'height', 'frameborder', 'marginwidth', 'marginheight', 'scrolling', 'title'],
};

/**
 * `wp_kses($html, $allowed)`: elements not allowed lose their tags (their
 * text stays), allowed ones keep only their allowed attributes. (kses also
 * normalises entities and checks URL protocols; our responses use neither.)
 */
function kses(html, allowed) {
  const { document } = parseHTML(`<!doctype html><html><body><div id="x">${html}</div></body></html>`);
  const root = document.getElementById('x');
  const clean = (el) => {
    for (const child of [...el.children]) {
      clean(child);
      const name = child.tagName.toLowerCase();
      if (!(name in allowed)) {
        child.replaceWith(...child.childNodes);
        continue;
      }
      for (const a of [...child.attributes]) if (!allowed[name].includes(a.name)) child.removeAttribute(a.name);
    }
  };
  clean(root);
  return root.innerHTML;
}

/** What WordPress keeps of a provider's `html`, and how it rewrites it; `false` when it keeps nothing. */
export function wpFilterOembedResult(result, secret = 'Ab3dE5gH7j') {
  const allowed = structuredClone(ALLOWED);
  let html = kses(result, allowed);
  const content = /(<blockquote>.*?<\/blockquote>)?.*(<iframe.*?><\/iframe>)/s.exec(html);
  // We require at least the iframe to exist.
  if (!content || !content[2]) return false;
  html = (content[1] ?? '') + content[2];
  const src = / src=(['"])(.*?)\1/.exec(html);
  if (src) {
    const q = src[1];
    html = html.replace(src[0], ` src=${q}${src[2]}#?secret=${secret}${q} data-secret=${q}${secret}${q}`);
    html = html.replaceAll('<blockquote', `<blockquote data-secret="${secret}"`);
  }
  allowed.blockquote.push('data-secret');
  allowed.iframe.push('data-secret');
  html = kses(html, allowed);
  if (content[1]) {
    // We have a blockquote to fall back on. Hide the iframe by default.
    html = html.replaceAll('<iframe', '<iframe style="position: absolute; clip: rect(1px, 1px, 1px, 1px);"');
    html = html.replaceAll('<blockquote', '<blockquote class="wp-embedded-content"');
  }
  return html.replaceAll('<iframe', '<iframe class="wp-embedded-content" sandbox="allow-scripts" security="restricted"');
}
