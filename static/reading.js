// Reading settings, applied before the first paint: each stored value
// (text size, theme, line width, typeface) becomes a data-sv-* attribute on
// <html>, where viewer.css reads it. A classic script, loaded before the
// stylesheet paints, so a returning reader never sees the wrong theme flash.
// The keys and values are src/reading.rs's; anything else is ignored, and a
// page that cannot use localStorage simply shows the defaults.
(() => {
  // Scripts run: a built page keeps room for the controls the viewer will
  // draw (viewer.css, .sv-island), so that nothing moves when they appear.
  document.documentElement.classList.add('sv-js');
  const allowed = {
    size: ['-2', '-1', '1', '2', '3', '4'],
    theme: ['light', 'dark', 'sepia'],
    width: ['narrow', 'wide'],
    font: ['serif'],
  };
  try {
    for (const [key, values] of Object.entries(allowed)) {
      const value = window.localStorage.getItem(`story-viewer.${key}`);
      if (values.includes(value)) document.documentElement.setAttribute(`data-sv-${key}`, value);
    }
  } catch {
    // Storage refused (private mode, a policy): the defaults it is.
  }
})();
