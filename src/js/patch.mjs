// The package's DOM patcher (pkg/patch.mjs, exported from the entry as
// `BlockPatcher`): keeps an element showing the renderer's HTML, driven by
// the incremental engine's `change` (`UpdateResult.change`), so that a
// keystroke touches the DOM nodes of the blocks it changed and no others.
// `Preview` (preview.mjs) uses it; so does the live-preview page, whose
// renderer runs in a worker and sends the page each `change`.
//
// It keeps, for each engine block, the top-level nodes that block's HTML
// parsed to. A change replaces blocks `start .. start + removed` by the
// HTML of `blocks`; every later block keeps its nodes, their `data-line`
// moved by `lineShift`. An inserted block that is a removed one moved by
// some lines (the same HTML but for its `data-line` values) keeps the
// removed one's nodes, so images, highlighting and typeset math survive;
// a `full` change (the first update, or a renderer made anew) does the same
// over the whole element. Nothing else is compared, and no HTML is split:
// the engine said which blocks changed.
//
// The element must be left to the patcher: when anything else changed its
// children since the last patch (a MutationObserver tells), an incremental
// change is refused (`apply` returns null) and the caller asks for every
// block (`Renderer.blocks()`, or a worker's full resend); a full change
// then rebuilds the element from scratch.

/** Comment put between blocks parsed together, to tell their nodes apart. */
const SEPARATOR = "mdx-preview-block";
const LINE = / data-line="(\d+)"/g;

/** The `data-line` values in `html`, as numbers, in order. */
function lineValues(html) {
  const out = [];
  for (const match of html.matchAll(LINE)) out.push(Number(match[1]));
  return out;
}

/** `html` with every `data-line` value moved by `delta`. */
function shiftLines(html, delta) {
  return html.replace(LINE, (_, line) => ` data-line="${Number(line) + delta}"`);
}

/** The key under which a block's nodes may be reused: its HTML without
 * `data-line` values. */
function reuseKey(html) {
  return html.replace(LINE, "");
}

/**
 * Whether block `entry`'s nodes can show `html`: the same HTML, or the same
 * moved by some lines (`lines`: the `data-line` values of `html`). Every
 * `data-line` in the HTML must be one of the block's top-level elements (a
 * `data-line="…"` in its text would otherwise be taken for one), so the
 * count must be theirs; the elements then take these values in order.
 */
function fits(entry, html, lines) {
  if (lines.length !== entry.lined.length) return false;
  if (entry.html === html) return true;
  return lines.length > 0 && shiftLines(entry.html, lines[0] - lineValues(entry.html)[0]) === html;
}

export class BlockPatcher {
  /**
   * @param {Element} element where the blocks go (its children are the
   *   patcher's from the first change on)
   * @param {{ prepare?: (node: Node) => void }} [options] `prepare` is
   *   called on each new top-level node before it is inserted (the page
   *   highlights code and typesets math there)
   */
  constructor(element, { prepare = () => {} } = {}) {
    this.element = element;
    this.prepare = prepare;
    /** Per engine block: { html, nodes, lined (its elements with a data-line) }. */
    this.entries = [];
    /** Set when someone else changed the element's children. */
    this.touched = false;
    const Observer = element.ownerDocument?.defaultView?.MutationObserver ?? globalThis.MutationObserver;
    this.observer = Observer
      ? new Observer(() => {
          this.touched = true;
        })
      : null;
    this.observer?.observe(element, { childList: true });
  }

  /** How many engine blocks the element shows. */
  get blocks() {
    return this.entries.length;
  }

  /** Whether the element holds exactly the nodes of the last patch. */
  intact() {
    if (this.observer) {
      if (this.observer.takeRecords().length > 0) this.touched = true;
      return !this.touched;
    }
    let child = this.element.firstChild;
    for (const entry of this.entries) {
      for (const node of entry.nodes) {
        if (child !== node) return false;
        child = child.nextSibling;
      }
    }
    return child === null;
  }

  /**
   * Apply `change` ({ start, removed, blocks, lineShift, full }). Returns
   * `{ blocks, replaced, reused }` (engine blocks shown, blocks parsed,
   * blocks that kept moved nodes), or null when an incremental change
   * cannot be applied (the element was changed by someone else, or the
   * change does not fit what it shows): nothing is changed then, and the
   * caller should apply a full change with every block.
   */
  apply(change) {
    const intact = this.intact();
    if (!change.full && (!intact || change.start + change.removed > this.entries.length)) return null;
    if (change.full && !intact) {
      this.element.replaceChildren();
      this.entries = [];
    }
    const start = change.full ? 0 : change.start;
    const removed = change.full ? this.entries.length : change.removed;
    const old = this.entries.slice(start, start + removed);
    const { fresh, replaced, reused } = this.#replace(old, change.blocks, start + removed);
    if (!change.full && change.lineShift !== 0) {
      for (let i = start + removed; i < this.entries.length; i++) {
        for (const element of this.entries[i].lined) {
          element.setAttribute("data-line", String(Number(element.getAttribute("data-line")) + change.lineShift));
        }
      }
    }
    this.entries.splice(start, removed, ...fresh);
    // Our own changes are not someone else's.
    this.observer?.takeRecords();
    this.touched = false;
    return { blocks: this.entries.length, replaced, reused };
  }

  /** Stop watching the element. */
  disconnect() {
    this.observer?.disconnect();
  }

  /** Entries for `blocks` (HTML), put where `old`'s are (before entry
   * `after`'s nodes), reusing `old`'s nodes where they fit. */
  #replace(old, blocks, after) {
    const byKey = new Map();
    if (old.length > 0) {
      old.forEach((entry, i) => {
        const key = reuseKey(entry.html);
        const list = byKey.get(key);
        if (list) list.push(i);
        else byKey.set(key, [i]);
      });
    }
    const used = new Array(old.length).fill(false);
    const fresh = new Array(blocks.length);
    const toParse = [];
    let reused = 0;
    blocks.forEach((html, i) => {
      const candidates = byKey.size > 0 ? byKey.get(reuseKey(html)) : undefined;
      const lines = candidates ? lineValues(html) : [];
      const at = candidates?.findIndex((j) => fits(old[j], html, lines)) ?? -1;
      if (at < 0) {
        toParse.push(i);
        return;
      }
      const index = candidates.splice(at, 1)[0];
      const entry = old[index];
      used[index] = true;
      entry.lined.forEach((element, k) => element.setAttribute("data-line", String(lines[k])));
      fresh[i] = { html, nodes: entry.nodes, lined: entry.lined };
      if (entry.html !== html) reused += 1;
    });
    const parsed = this.#parse(toParse.map((i) => blocks[i]));
    toParse.forEach((i, k) => {
      const nodes = parsed[k];
      nodes.forEach(this.prepare);
      const lined = nodes.filter((node) => node.nodeType === 1 && node.hasAttribute("data-line"));
      fresh[i] = { html: blocks[i], nodes, lined };
    });
    old.forEach((entry, i) => {
      if (!used[i]) for (const node of entry.nodes) node.remove();
    });
    // In order: reused nodes that are already in place stay, the others
    // are inserted (or moved) before the cursor.
    const parent = this.element;
    let cursor = old.find((_, i) => used[i] && old[i].nodes.length > 0)?.nodes[0] ?? firstNode(this.entries, after);
    for (const entry of fresh) {
      for (const node of entry.nodes) {
        if (node === cursor) cursor = cursor.nextSibling;
        else parent.insertBefore(node, cursor);
      }
    }
    return { fresh, replaced: toParse.length, reused };
  }

  /** The nodes each of `blocks` (HTML) parses to, through one inert
   * `<template>` (nothing in it loads or runs until inserted). */
  #parse(blocks) {
    if (blocks.length === 0) return [];
    const template = this.element.ownerDocument.createElement("template");
    template.innerHTML = blocks.join(`<!--${SEPARATOR}-->`);
    const out = [[]];
    for (const node of [...template.content.childNodes]) {
      if (node.nodeType === 8 && node.data === SEPARATOR) out.push([]);
      else out[out.length - 1].push(node);
    }
    if (out.length === blocks.length) return out;
    // A block that does not stand alone swallowed a separator: one
    // template each.
    return blocks.map((html) => {
      const single = this.element.ownerDocument.createElement("template");
      single.innerHTML = html;
      return [...single.content.childNodes];
    });
  }
}

/** The first node of `entries[from]` or of a block after it, or null. */
function firstNode(entries, from) {
  for (let i = from; i < entries.length; i++) {
    if (entries[i].nodes.length > 0) return entries[i].nodes[0];
  }
  return null;
}
