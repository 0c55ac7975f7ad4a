// One incremental `Renderer` kept in step with the page's editor, and what
// the page is sent of its results. The render worker (worker.js) has one;
// the page has another, on its own thread, while edits stay cheap
// (render-client.js): both answer the same messages the same way.
//
//   open({ source, options })  render `source` from scratch (a new
//     Renderer when the options changed): every block;
//   edit({ edits: [[from, to, text], …], length })  CodeMirror's changes
//     in order, each in the positions of the document the ones before it
//     made; `length`: the page's document length after them. Null when
//     they do not fit the text this session has (then the page opens).
// Both give { result, change }: `result` the last update, `change` the
// engine's block change for all of the edits together (composeChanges).
// message(result) gives the result as the page gets it: `toc`,
// `diagnostics` and `frontmatter` null when unchanged since the last one.
import { composeChanges } from "./changes.js";

export class Session {
  /** @param Renderer the package's Renderer class (after `init`) */
  constructor(Renderer) {
    this.Renderer = Renderer;
    this.renderer = null;
    this.key = "";
    /** Length of the renderer's source, and how many blocks it has. */
    this.length = 0;
    this.blockCount = 0;
    /** What the page was last sent (unchanged values are sent as null). */
    this.sent = { toc: null, diagnostics: null, frontmatter: undefined };
  }

  open({ source, options }) {
    const key = JSON.stringify(options);
    if (this.renderer === null || key !== this.key) {
      this.free();
      this.renderer = new this.Renderer(options);
      this.key = key;
    }
    const result = this.renderer.update(source);
    this.length = source.length;
    this.sent = { toc: null, diagnostics: null, frontmatter: undefined };
    const blocks = result.change.full ? result.change.blocks : this.renderer.blocks();
    return this.done(result, { start: 0, removed: 0, blocks, lineShift: 0, full: true });
  }

  edit({ edits, length: expected }) {
    if (this.renderer === null) return null;
    const changes = [];
    let result = null;
    for (const [from, to, text] of edits) {
      if (from > to || to > this.length) return null;
      result = this.renderer.edit(from, to, text);
      this.length += text.length - (to - from);
      changes.push(result.change);
    }
    if (result === null || this.length !== expected) return null;
    return this.done(result, composeChanges(changes, this.blockCount, () => this.renderer.blocks()));
  }

  done(result, change) {
    this.blockCount = change.full ? change.blocks.length : this.blockCount - change.removed + change.blocks.length;
    return { result, change };
  }

  message(result) {
    const { sent } = this;
    const out = {
      title: result.title,
      toc: result.toc === sent.toc ? null : result.toc,
      diagnostics: result.diagnostics === sent.diagnostics ? null : result.diagnostics,
      frontmatter: result.frontmatter === sent.frontmatter ? null : result.frontmatter,
      frontmatterChanged: result.frontmatter !== sent.frontmatter,
    };
    this.sent = { toc: result.toc, diagnostics: result.diagnostics, frontmatter: result.frontmatter };
    return out;
  }

  /** Drop the renderer (a failed render, or no longer wanted). */
  free() {
    try {
      this.renderer?.free();
    } catch {
      // A renderer of a trapped instance: nothing to free.
    }
    this.renderer = null;
  }
}
