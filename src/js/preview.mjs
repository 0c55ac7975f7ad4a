// `Preview` (pkg/preview.mjs, exported from the entry): a live preview in a
// DOM element. A contained `Renderer` (contain.mjs) renders incrementally
// and says which engine blocks changed; the `BlockPatcher` (patch.mjs)
// replaces those blocks' nodes and no others. When the element was changed
// by someone else, every block is put in again (`Renderer.blocks()`).
import { Renderer } from "./contain.mjs";
import { BlockPatcher } from "./patch.mjs";

/** What a JavaScript value is, for messages (as the Rust binding's
 * `describe`, src/wasm/args.rs): `a number (5)`, `null`, `an object`. */
function describe(value) {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    const short = [...value].slice(0, 20).join("");
    return `a string (${JSON.stringify(short)}${short.length < value.length ? "…" : ""})`;
  }
  if (typeof value === "number") return `a number (${value})`;
  if (typeof value === "boolean") return `a boolean (${value})`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A DOM element, of this window or another (an iframe's). */
function isElement(value) {
  return typeof value === "object" && value !== null && value.nodeType === 1 && typeof value.ownerDocument === "object";
}

/** The `TypeError` of `run()` said as `name` says it (the Renderer's
 * messages name the Renderer). */
function named(name, run) {
  try {
    return run();
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith("Renderer")) {
      throw new TypeError(error.message.replace(/^Renderer/, name));
    }
    throw error;
  }
}

export class Preview {
  /**
   * Preview into `element` (its children are replaced at the first
   * update). Throws a `TypeError` when `element` is not a DOM element or an
   * option is invalid (the message names it).
   */
  constructor(element, options) {
    if (!isElement(element)) {
      throw new TypeError(`Preview: \`element\` must be a DOM Element, got ${describe(element)}`);
    }
    this.renderer = named("Preview", () => new Renderer(options));
    this.patcher = new BlockPatcher(element);
  }

  /** Render `source` incrementally, patch the element, and return the
   * result. Throws a `TypeError` when `source` is not a string. */
  update(source) {
    return this.#show(named("Preview", () => this.renderer.update(source)));
  }

  /** Replace `from..to` (UTF-16 offsets) of the current source with `text`,
   * render incrementally and patch the element (as `Renderer.edit`). */
  edit(from, to, text) {
    return this.#show(named("Preview", () => this.renderer.edit(from, to, text)));
  }

  /** The source the element shows. */
  source() {
    return this.renderer.source();
  }

  /** Release the renderer and stop watching the element. */
  free() {
    this.patcher.disconnect();
    this.renderer.free();
  }

  #show(result) {
    if (this.patcher.apply(result.change) === null) {
      const blocks = this.renderer.blocks();
      this.patcher.apply({ start: 0, removed: 0, blocks, lineShift: 0, full: true });
    }
    return result;
  }
}
if (Symbol.dispose) Preview.prototype[Symbol.dispose] = Preview.prototype.free;
