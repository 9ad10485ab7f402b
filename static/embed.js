// Story Viewer loader: the one script a page adds. It loads the viewer's
// WebAssembly module from the folder it is served from, defines the
// <story-viewer> element, and on the standalone page mounts the viewer.
// A file, not an inline script, so a strict Content-Security-Policy works.
import init, { start } from './story-viewer.js';

const here = new URL('./', import.meta.url).href;
await init({ module_or_path: new URL('story-viewer_bg.wasm', here) });
start(here);
