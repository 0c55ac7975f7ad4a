// The package's containment layer (pkg/contain.mjs; the entry,
// mdx_preview.js, re-exports it with the DOM classes): the wasm-bindgen
// glue (mdx_preview_glue.js) with every render contained, so that a parser
// bug never takes down the preview.
//
// A panic in the wasm (markdown-rs 1.0.0 has a few, see src/guard.rs) or any
// other trap (a stack overflow) leaves the instance unusable:
// `__resetInstance` asks wasm-bindgen for a fresh one at the next call (its
// reinit machinery, src/wasm/mod.rs). Then the document is rendered
// again with the block that failed isolated: the top-level blocks are
// narrowed down by bisection (halves of the failing range are rendered,
// never the whole document again), and the blocks found are passed in the
// `isolate` option, which shows them as escaped source with an
// `internal-error` diagnostic (src/contain.rs does the same natively). A
// `Renderer` gets a new wasm-side object, fed its current source, and keeps
// working; the result of the call that made it says `change.full` unless
// the new object cut the source into the same blocks the caller was last
// given (which it checks). When even that
// fails, the whole document is shown as escaped source with one
// `internal-error` diagnostic, built here.
//
// The class is wrapped generically: every method of the glue's class is
// forwarded, so methods added there need nothing here; `update`, `edit` and
// `render` are the ones that take a new source.
import * as glue from "./mdx_preview_glue.js";

export * from "./mdx_preview_glue.js";
export { default, initSync } from "./mdx_preview_glue.js";

/** Where the Rust panic hook lists the messages of panics (src/wasm/mod.rs). */
const PANICS = Symbol.for("mdx-preview.panics");
/** Most rounds of search and isolation (as contain::MAX_ROUNDS). */
const MAX_ROUNDS = 8;
/** What the writer is told (as src/contain.rs). */
const MESSAGE_WHOLE =
  "The renderer failed on this document (an internal error, not a mistake in the document): it is shown as source";

/** Bumped whenever the wasm instance is replaced: objects made before are stale. */
let epoch = 0;
/** Panics listed by the hook that were already seen. */
let seenPanics = 0;
/** The first trap since the last recovery that was not a panic, to log. */
let firstTrap = null;

/** Whether `error` means the wasm instance broke (rather than a thrown error). */
function isTrap(error) {
  if (error instanceof WebAssembly.RuntimeError) return true;
  const message = String(error?.message ?? "");
  if (error instanceof RangeError && /call stack/i.test(message)) return true;
  // Firefox's stack overflow; an object left borrowed or made before a reset.
  return /too much recursion|recursive use of an object|stale object from previous Wasm instance|Module terminated/.test(
    message,
  );
}

/** After a trap: make sure the next call gets a fresh instance. */
function afterTrap(error) {
  const panics = globalThis[PANICS]?.length ?? 0;
  // A panic was logged by the panic hook; log other traps once.
  if (panics <= seenPanics) firstTrap ??= error;
  seenPanics = panics;
  try {
    glue.__resetInstance();
  } catch {
    // Nothing more can be done; the next call tells.
  }
  epoch += 1;
}

/** Run `recover`, then log what went wrong once and clear the panic record
 * (so that the next panic is logged again). */
function recovering(recover) {
  try {
    return recover();
  } finally {
    if (firstTrap !== null && !(globalThis[PANICS]?.length > 0)) {
      console.error(`mdx-preview: the renderer trapped (${firstTrap}); the failing block is shown as source`);
    }
    delete globalThis[PANICS];
    seenPanics = 0;
    firstTrap = null;
  }
}

/** `options` with `isolate` set to `isolate`. */
function withIsolate(options, isolate) {
  return { ...(options ?? {}), isolate };
}

/** The caller's own `isolate` list. */
function ownIsolate(options) {
  return Array.isArray(options?.isolate) ? options.isolate : [];
}

/** Top-level blocks of `source` as [start, end) UTF-16 ranges: runs of
 * non-blank lines, a fenced code block with its blank lines being one (as
 * contain::blocks). */
function blocks(source) {
  const found = [];
  let current = null;
  let fence = null;
  let start = 0;
  while (start <= source.length) {
    let end = source.indexOf("\n", start);
    if (end < 0) end = source.length;
    let contentEnd = end;
    if (contentEnd > start && source[contentEnd - 1] === "\r") contentEnd -= 1;
    const text = source.slice(start, contentEnd);
    const blank = /^[ \t]*$/.test(text);
    const marker = fenceMarker(text);
    if (fence) {
      if (marker && marker.char === fence.char && marker.length >= fence.length && /^[ \t]*$/.test(marker.rest)) {
        fence = null;
      }
    } else if (marker) {
      fence = marker;
    }
    if (blank && !fence) {
      if (current) found.push(current);
      current = null;
    } else if (!blank) {
      if (current) current[1] = contentEnd;
      else current = [start, contentEnd];
    }
    if (end === source.length) break;
    start = end + 1;
  }
  if (current) found.push(current);
  return found;
}

/** A code fence line: its marker, length and what follows, or null. */
function fenceMarker(text) {
  const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(text);
  if (!match || (match[1][0] === "`" && match[2].includes("`"))) return null;
  return { char: match[1][0], length: match[1].length, rest: match[2] };
}

/** The blocks to isolate, given that rendering blocks 0..count together
 * fails and `fails(start, end)` says whether rendering blocks start..end
 * alone fails (as contain::culprits): every block that fails alone, and
 * where neither half fails alone, the last block of the shortest failing
 * prefix. In block order. */
function culprits(count, fails) {
  const found = [];
  const failing = [[0, count]];
  while (failing.length > 0) {
    const [start, end] = failing.pop();
    if (end - start <= 1) {
      if (end > start) found.push(start);
      continue;
    }
    const middle = start + Math.floor((end - start) / 2);
    const leftFails = fails(start, middle);
    const rightFails = fails(middle, end);
    if (!leftFails && !rightFails) {
      // start..middle passes, start..end fails: find where between.
      let passes = middle;
      let failsAt = end;
      while (failsAt - passes > 1) {
        const at = passes + Math.floor((failsAt - passes) / 2);
        if (fails(start, at)) failsAt = at;
        else passes = at;
      }
      found.push(failsAt - 1);
      continue;
    }
    if (rightFails) failing.push([middle, end]);
    if (leftFails) failing.push([start, middle]);
  }
  return found;
}

/** Isolate blocks of `source` until `whole(isolate)` gives a result (as
 * contain::isolating): `{ isolate, result }`, or null after MAX_ROUNDS.
 * `part(text, isolate)` says whether a part of the source fails. */
function isolating(source, isolate, part, whole) {
  isolate = [...isolate];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const candidates = blocks(source).filter(([start, end]) => !isolate.includes(source.slice(start, end)));
    const found = culprits(candidates.length, (start, end) =>
      part(source.slice(candidates[start][0], candidates[end - 1][1]), isolate),
    );
    if (found.length === 0) return null;
    for (const at of found) isolate.push(source.slice(candidates[at][0], candidates[at][1]));
    const result = whole(isolate);
    if (result !== undefined) return { isolate, result };
  }
  return null;
}

/** `run()`'s value, or undefined if it trapped. */
function attempt(run) {
  try {
    return run();
  } catch (error) {
    if (!isTrap(error)) throw error;
    afterTrap(error);
    return undefined;
  }
}

/** Whether rendering `text` with `options` and `isolate` traps. */
function partFails(options) {
  return (text, isolate) => attempt(() => glue.render(text, withIsolate(options, isolate))) === undefined;
}

/** The whole of `source` as escaped source with one `internal-error`
 * diagnostic (as contain::last_resort). */
function lastResort(source, options) {
  const escaped = source.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const line = options?.sourceLines === false ? "" : ' data-line="1"';
  const firstLine = source.search(/[\r\n]/);
  const end = firstLine < 0 ? source.length : firstLine;
  return {
    html: `<pre class="mdx-error"${line}>${escaped}</pre>`,
    toc: [],
    diagnostics: [
      {
        severity: "error",
        ruleId: "internal-error",
        message: MESSAGE_WHOLE,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: end + 1,
        offset: 0,
        endOffset: end,
      },
    ],
    frontmatter: null,
    title: null,
  };
}

/** Render `source`; a parser failure costs only the block it happened in. */
export function render(source, options) {
  const result = attempt(() => glue.render(source, options));
  if (result !== undefined) return result;
  return recovering(() => {
    const found = isolating(source, ownIsolate(options), partFails(options), (isolate) =>
      attempt(() => glue.render(source, withIsolate(options, isolate))),
    );
    return found?.result ?? lastResort(source, options);
  });
}

/** Longest stretch of text edits are applied to before the whole source
 * is rebuilt (see KeptSource). */
const MAX_WINDOW = 16 * 1024;

/**
 * The source a Renderer has, kept here to feed a fresh wasm-side object
 * after a trap. Rebuilding a long string costs its length, and typing
 * edits one place over and over: so edits go into a window, a stretch of
 * the text kept apart (`base` from `lo` to `hi` is `window` now), and the
 * whole is rebuilt only when an edit falls outside the window or the
 * source is read. Edits are applied as the Rust engine applies them:
 * offsets clamped, `to < from` inserts at `from`, an offset inside a
 * surrogate pair takes in the whole character.
 */
class KeptSource {
  constructor(text) {
    this.base = text;
    this.lo = 0;
    this.hi = 0;
    this.window = null;
  }

  get length() {
    return this.window === null ? this.base.length : this.base.length - (this.hi - this.lo) + this.window.length;
  }

  charCodeAt(at) {
    if (this.window === null || at < this.lo) return this.base.charCodeAt(at);
    const inWindow = at - this.lo;
    if (inWindow < this.window.length) return this.window.charCodeAt(inWindow);
    return this.base.charCodeAt(this.hi + inWindow - this.window.length);
  }

  edit(from, to, text) {
    const length = this.length;
    const inPair = (at) =>
      at > 0 && at < length && (this.charCodeAt(at) & 0xfc00) === 0xdc00 && (this.charCodeAt(at - 1) & 0xfc00) === 0xd800;
    let start = Math.min(from, length);
    let end = Math.min(Math.max(to, from), length);
    if (inPair(start)) start -= 1;
    if (inPair(end)) end += 1;
    if (this.window !== null && (start > this.lo + this.window.length || end < this.lo || this.window.length > MAX_WINDOW)) {
      this.toString();
    }
    if (this.window === null) {
      this.lo = start;
      this.hi = end;
      this.window = text;
      return;
    }
    // Widen the window to take in start..end (before `lo` the text is the
    // base's), then edit inside it.
    if (start < this.lo) {
      this.window = this.base.slice(start, this.lo) + this.window;
      this.lo = start;
    }
    const beyond = end - (this.lo + this.window.length);
    if (beyond > 0) {
      this.window += this.base.slice(this.hi, this.hi + beyond);
      this.hi += beyond;
    }
    this.window = this.window.slice(0, start - this.lo) + text + this.window.slice(end - this.lo);
  }

  /** The whole text (the window put back). */
  toString() {
    if (this.window !== null) {
      this.base = this.base.slice(0, this.lo) + this.window + this.base.slice(this.hi);
      this.window = null;
    }
    return this.base;
  }
}

const STATE = Symbol("mdx-preview.state");
/** A block's HTML without its `data-line` values. */
function blockKey(html) {
  return html.replace(/ data-line="\d+"/g, "");
}

/** Whether `keys` (blockKeys) are those of `blocks` (HTML). */
function sameBlocks(keys, blocks) {
  return keys.length === blocks.length && blocks.every((html, i) => blockKey(html) === keys[i]);
}

/** Keep in `state` the blocks an update or edit gave the caller; `result`. */
function track(state, method, result) {
  if (method !== "update" && method !== "edit") return result;
  const keys = result.change.blocks.map(blockKey);
  if (result.change.full) state.blocks = keys;
  else state.blocks.splice(result.change.start, result.change.removed, ...keys);
  return result;
}

/** `result` with a change that says: rebuild from every block (`blocks`). */
function asFull(result, blocks) {
  return { ...result, change: { start: 0, removed: 0, blocks, lineShift: 0, full: true } };
}

/** Define on `Contained` every method and accessor of the glue's class
 * `Raw`, each going through `call(self, name, args, invoke?)`. */
function forward(Raw, Contained, call) {
  for (const name of Object.getOwnPropertyNames(Raw.prototype)) {
    if (name === "constructor" || name === "free" || name.startsWith("__")) continue;
    const descriptor = Object.getOwnPropertyDescriptor(Raw.prototype, name);
    if (typeof descriptor.value === "function") {
      const method = {
        [name](...args) {
          return call(this, name, args);
        },
      }[name];
      Object.defineProperty(Contained.prototype, name, { ...descriptor, value: method });
    } else {
      Object.defineProperty(Contained.prototype, name, {
        ...descriptor,
        get:
          descriptor.get &&
          function () {
            return call(this, name, [], (raw) => raw[name]);
          },
        set:
          descriptor.set &&
          function (value) {
            call(this, name, [value], (raw) => {
              raw[name] = value;
            });
          },
      });
    }
  }
}

/** The options the caller gave the object behind `state`. */
function ownOptions(state) {
  return state.args[state.optionsAt];
}

/** A new wasm-side object with what is isolated (the old one freed). */
function fresh(state) {
  if (state.raw !== null && state.epoch === epoch) attempt(() => state.raw.free());
  const args = [...state.args];
  args[state.optionsAt] = withIsolate(ownOptions(state), state.isolate);
  state.raw = new state.Raw(...args);
  state.epoch = epoch;
}

/** The current source (null before the first update or edit). */
function currentSource(state) {
  return state.source === null ? null : state.source.toString();
}

/** Keep what `edit(from, to, text)` makes of the source. */
function keepEdit(state, [from, to, text]) {
  state.source ??= new KeptSource("");
  state.source.edit(from, to, text);
}

/** Render `source` anew with a new wasm-side object, isolating the blocks
 * that fail: the update result. `failed`: it is known to fail with what
 * is isolated now. */
function renderAnew(state, source, failed) {
  state.source = new KeptSource(source);
  if (!failed) {
    fresh(state);
    const result = attempt(() => state.raw.update(source));
    if (result !== undefined) return result;
  }
  const found = isolating(source, state.isolate, partFails(ownOptions(state)), (isolate) => {
    state.isolate = isolate;
    fresh(state);
    return attempt(() => state.raw.update(source));
  });
  if (found) return found.result;
  // Not even that: the whole of it as source; the next call tries again.
  state.epoch = -1;
  const whole = lastResort(source, ownOptions(state));
  return asFull(whole, [whole.html]);
}

/** A new wasm-side object fed the current source (after a reset). */
function revive(state) {
  const source = currentSource(state);
  if (source === null) fresh(state);
  else return recovering(() => renderAnew(state, source, false));
  return null;
}

/** After `invoke` (`method`) trapped: its result all the same. */
function recoverCall(state, method, args, invoke) {
  return recovering(() => {
    if (method === "update") return renderAnew(state, args[0], true);
    if (method === "edit") {
      keepEdit(state, args);
      return renderAnew(state, currentSource(state), true);
    }
    if (method === "render") {
      const own = ownOptions(state);
      const found = isolating(args[0], state.isolate, partFails(own), (isolate) =>
        attempt(() => glue.render(args[0], withIsolate(own, isolate))),
      );
      revive(state);
      return found?.result ?? lastResort(args[0], own);
    }
    // Anything else takes no source: a fresh object, then once more.
    revive(state);
    return invoke(state.raw);
  });
}

/**
 * `update(source)` as the `edit(from, to, text)` that makes `source` from
 * the current source, or null (no source yet, a revival pending, not a
 * string: the wasm-side `update` decides). Only the changed text then
 * crosses into the wasm: copying a 1 MB source in costs ~2.5 ms. The common
 * start and end are found by halving (string equality compares memory),
 * and never split a surrogate pair.
 */
function updateAsEdit(state, source) {
  if (typeof source !== "string" || state.source === null || state.epoch !== epoch) return null;
  const old = currentSource(state);
  const room = Math.min(old.length, source.length);
  let prefix = 0;
  for (let hi = room; prefix < hi; ) {
    const mid = (prefix + hi + 1) >> 1;
    if (old.slice(prefix, mid) === source.slice(prefix, mid)) prefix = mid;
    else hi = mid - 1;
  }
  if (prefix > 0 && (source.charCodeAt(prefix - 1) & 0xfc00) === 0xd800) prefix -= 1;
  let suffix = 0;
  for (let hi = room - prefix; suffix < hi; ) {
    const mid = (suffix + hi + 1) >> 1;
    if (old.slice(old.length - mid, old.length - suffix) === source.slice(source.length - mid, source.length - suffix)) {
      suffix = mid;
    } else hi = mid - 1;
  }
  if (suffix > 0 && (source.charCodeAt(source.length - suffix) & 0xfc00) === 0xdc00) suffix -= 1;
  return [prefix, old.length - suffix, source.slice(prefix, source.length - suffix)];
}

/** Call `method` with `args` (through `invoke`) on the wasm-side object of
 * `self`, a contained object: a trap costs only the blocks that cause it. */
function containedCall(self, method, args, invoke = (raw) => raw[method](...args)) {
  const state = self[STATE];
  if (state.raw === null) throw new Error(`${state.name}: used after free()`);
  // A new wasm-side object: what it renders next is a change from its
  // own first update, which the caller never saw.
  const revived = state.epoch !== epoch ? revive(state) : null;
  const asEdit = method === "update" && revived === null ? updateAsEdit(state, args[0]) : null;
  if (asEdit !== null) invoke = (raw) => raw.edit(...asEdit);
  let result;
  try {
    result = invoke(state.raw);
  } catch (error) {
    if (!isTrap(error)) throw error;
    afterTrap(error);
    return track(state, method, recoverCall(state, method, args, invoke));
  }
  if (method === "update") state.source = new KeptSource(args[0]);
  else if (method === "edit") keepEdit(state, args);
  // After a revival the change is from the new object's first update:
  // the caller's blocks if they are the same but for their lines (the
  // engine cut the same text the same way), else rebuild.
  if (revived !== null && result.change && !sameBlocks(state.blocks, revived.change.blocks)) {
    result = asFull(result, state.raw.blocks());
  }
  return track(state, method, result);
}

/** A wrapper class named `name` for the glue's class `Raw`, whose
 * constructor takes its options at argument `optionsAt`. (The name is
 * given, not read from `Raw`: the shipped glue's local names are
 * minified.) */
function contain(Raw, name, optionsAt) {
  class Contained {
    constructor(...args) {
      // Argument errors (TypeError) are thrown as they are.
      const make = () => new Raw(...args);
      const raw = attempt(make) ?? make();
      // `blocks`: the blocks the caller was last given, as `blockKey`s.
      this[STATE] = {
        Raw,
        name,
        optionsAt,
        args,
        raw,
        epoch,
        source: null,
        isolate: ownIsolate(args[optionsAt]),
        blocks: [],
      };
    }

    free() {
      const state = this[STATE];
      if (state.raw !== null && state.epoch === epoch) state.raw.free();
      state.raw = null;
    }
  }
  if (Symbol.dispose) Contained.prototype[Symbol.dispose] = Contained.prototype.free;
  Object.defineProperty(Contained, "name", { value: name });
  forward(Raw, Contained, containedCall);
  return Contained;
}

/** A renderer whose options are parsed and checked once (see the glue's `Renderer`). */
export const Renderer = contain(glue.Renderer, "Renderer", 0);
