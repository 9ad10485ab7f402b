// Shortens the names of the functions the wasm imports from its JS glue.
// wasm-bindgen names each import after the JS it calls plus a 16-digit hash
// (`__wbg_setAttribute_7f2ff0a3ce4a8cb2`), and each name is written twice:
// in the wasm's import section and in the glue's import object. The hashes
// do not compress; about 180 of them cost some 3 KB of brotli (docs/perf.md,
// "Size"). The names are private to the pair of files, so both are
// rewritten together: `a`, `b`, ... in the order of the import section.
//
// Run by precompress.mjs on a release build, before the glue is minified.
// Fails (and fails the build) rather than write a pair that disagree: each
// name must appear exactly once in the glue, and the new wasm must compile.
import fs from 'node:fs';

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const shortName = (i) => {
  let s = '';
  do { s = ALPHA[i % ALPHA.length] + s; i = Math.floor(i / ALPHA.length) - 1; } while (i >= 0);
  return s;
};

// LEB128 (unsigned) reading and writing.
const readU32 = (b, p) => {
  let r = 0, shift = 0, x;
  do { x = b[p.i++]; r |= (x & 0x7f) << shift; shift += 7; } while (x & 0x80);
  return r >>> 0;
};
const u32 = (n) => {
  const out = [];
  do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; out.push(x); } while (n);
  return Buffer.from(out);
};
const name = (s) => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([u32(b.length), b]); };

// The bytes of one import's description, read past (its kind decides them).
const skipDesc = (b, p) => {
  const start = p.i;
  const kind = b[p.i++];
  const limits = () => { const flags = b[p.i++]; readU32(b, p); if (flags & 1) readU32(b, p); };
  const refOrVal = () => { const t = b[p.i++]; if (t === 0x63 || t === 0x64) readU32(b, p); };
  if (kind === 0x00) readU32(b, p); // function: its type
  else if (kind === 0x01) { refOrVal(); limits(); } // table
  else if (kind === 0x02) limits(); // memory
  else if (kind === 0x03) { refOrVal(); p.i++; } // global: type, mutability
  else if (kind === 0x04) { p.i++; readU32(b, p); } // tag
  else throw new Error(`short-imports: import kind ${kind} is unknown`);
  return b.subarray(start, p.i);
};

/** Rewrites `wasmPath` and `jsPath` in place; returns how many names were shortened. */
export function shortenImports(wasmPath, jsPath) {
  const wasm = fs.readFileSync(wasmPath);
  let js = fs.readFileSync(jsPath, 'utf8');
  const parts = [wasm.subarray(0, 8)];
  const renamed = new Map();
  const p = { i: 8 };
  while (p.i < wasm.length) {
    const id = wasm[p.i++];
    const size = readU32(wasm, p);
    const end = p.i + size;
    if (id !== 2) { parts.push(Buffer.concat([Buffer.from([id]), u32(size), wasm.subarray(p.i, end)])); p.i = end; continue; }
    const count = readU32(wasm, p);
    const entries = [u32(count)];
    for (let k = 0; k < count; k++) {
      const modLen = readU32(wasm, p); const mod = wasm.subarray(p.i, p.i + modLen).toString('utf8'); p.i += modLen;
      const fieldLen = readU32(wasm, p); const field = wasm.subarray(p.i, p.i + fieldLen).toString('utf8'); p.i += fieldLen;
      const desc = skipDesc(wasm, p);
      let next = field;
      if (field.startsWith('__wbg')) {
        if (!renamed.has(field)) renamed.set(field, shortName(renamed.size));
        next = renamed.get(field);
      }
      entries.push(name(mod), name(next), desc);
    }
    if (p.i !== end) throw new Error('short-imports: the import section did not parse to its end');
    const body = Buffer.concat(entries);
    parts.push(Buffer.concat([Buffer.from([2]), u32(body.length), body]));
  }
  for (const [old, short] of renamed) {
    const re = new RegExp(`(?<![\\w$])${old.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    const found = js.match(re)?.length ?? 0;
    if (found !== 1) throw new Error(`short-imports: ${old} appears ${found} times in ${jsPath}, not once`);
    js = js.replace(re, short);
  }
  const out = Buffer.concat(parts);
  new WebAssembly.Module(out); // throws if the rewrite broke the module
  fs.writeFileSync(wasmPath, out);
  fs.writeFileSync(jsPath, js);
  return renamed.size;
}
