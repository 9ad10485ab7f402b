// The one script of a story's embed page (`embed.html`, written by
// `story build` beside each story), shown in another page's <iframe>. The
// page is whole without it; in a frame it
// - tells the host page its height, at once, on every change of size and
//   when the host asks: as WordPress's embeds do (`{message: "height",
//   value, secret}`, the secret from the address's `#?secret=`, answering
//   `{message: "ready"}`), and as one generic message,
//   `{type: "story-viewer-height", height}`, for any host to follow;
// - keeps section links (`#id`) in place, and hands WordPress's host a
//   link to the story's own site (`{message: "link"}`), since its sandbox
//   lets a frame open no window; other links open in a new tab (the
//   page's <base target="_blank">).
// It works with an opaque origin (sandbox="allow-scripts"): no storage,
// no requests, nothing but messages to the parent.
(() => {
  if (window.parent === window) return; // a page of its own: nothing to tell
  let secret = '';
  let last = 0;
  const readSecret = () => {
    const m = /secret=([A-Za-z0-9]{10})/.exec(window.location.hash);
    secret = m ? m[1] : '';
  };
  const height = () => {
    const body = document.body;
    if (!body) return 0;
    const style = getComputedStyle(body);
    return Math.ceil(body.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom));
  };
  const tell = (again) => {
    const h = height();
    if (!h || (h === last && !again)) return;
    last = h;
    window.parent.postMessage({ type: 'story-viewer-height', height: h }, '*');
    if (secret) window.parent.postMessage({ message: 'height', value: h, secret }, '*');
  };
  readSecret();
  // WordPress may add the secret after the frame has loaded.
  window.addEventListener('hashchange', () => { readSecret(); tell(true); });
  window.addEventListener('message', (e) => {
    if (e.source === window.parent && e.data && e.data.message === 'ready' && e.data.secret === secret) tell(true);
  });
  window.addEventListener('load', () => tell(false));
  document.addEventListener('DOMContentLoaded', () => {
    tell(true);
    // Images arriving, fonts, the host's width changing the line breaks.
    if (window.ResizeObserver) new ResizeObserver(() => tell(false)).observe(document.body);
    else window.addEventListener('resize', () => tell(false));
  });
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
    if (!a) return;
    const href = a.getAttribute('href');
    if (href.startsWith('#')) {
      // A section of this story: moved to in the frame, focus with it.
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      if (!target) return;
      e.preventDefault();
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.scrollIntoView();
      target.focus({ preventScroll: true });
    } else if (secret && a.host === window.location.host && /^https?:$/.test(a.protocol)) {
      // WordPress opens its embeds' links to their own site in the window.
      e.preventDefault();
      window.parent.postMessage({ message: 'link', value: a.href, secret }, '*');
    }
  });
})();
