// Types of the package's DOM classes (src/js/preview.mjs, src/js/patch.mjs),
// appended to mdx_preview.d.ts by src/js/finish-pkg.mjs: the Rust side's
// types (RenderOptions, UpdateResult, BlockChange, …) are in the same file.

/** A live preview: renders into an element and patches its children.
 *
 * Updates render incrementally (as `Renderer.update`), and only the engine
 * blocks that changed are parsed by the browser (in a `<template>`) and
 * swapped in; the others keep their DOM nodes (same objects, so selection,
 * focus, loaded images, highlighting and typeset math survive) and get
 * their `data-line` moved. If anything else changed the element's children
 * since the last update, every block is put in again. */
export class Preview {
  /** Preview into `element`. Throws a `TypeError` when `element` is not a
   * DOM element or an option is invalid (the message names it). */
  constructor(element: Element, options?: RenderOptions | null);
  /** Render `source` incrementally, patch the element, and return the
   * result. Throws a `TypeError` when `source` is not a string; a document
   * never throws. */
  update(source: string): UpdateResult;
  /** Replace `from..to` (UTF-16 offsets) of the current source with `text`,
   * render incrementally and patch the element (as `Renderer.edit`). */
  edit(from: number, to: number, text: string): UpdateResult;
  /** The source the element shows. */
  source(): string;
  /** Release the renderer and stop watching the element. */
  free(): void;
  [Symbol.dispose](): void;
}

/** What `BlockPatcher.apply` did. */
export interface PatchStats {
  /** Engine blocks the element shows. */
  blocks: number;
  /** Blocks whose HTML was parsed and inserted. */
  replaced: number;
  /** Inserted blocks that kept the nodes of a removed block that moved. */
  reused: number;
}

/** Keeps an element showing the renderer's blocks, driven by each
 * update's `change`: what `Preview` uses, for a renderer that runs
 * elsewhere (a worker sends the page `change`). */
export class BlockPatcher {
  /** `prepare` is called on each new top-level node before it is inserted. */
  constructor(element: Element, options?: { prepare?: (node: Node) => void });
  /** Engine blocks the element shows. */
  readonly blocks: number;
  /** Apply a change. `null` (and nothing changed) when an incremental
   * change does not fit what the element shows, or someone else changed
   * the element: apply a `full` change with every block then. */
  apply(change: BlockChange): PatchStats | null;
  /** Whether the element holds exactly what the last change left. */
  intact(): boolean;
  /** Stop watching the element. */
  disconnect(): void;
}
