// Replace only the top-level blocks of the preview that changed.
//
// The same idea as the wasm `Preview` class (src/wasm.rs), done here because
// the rendering runs in a worker, which has no DOM. Each top-level block is
// matched with a current one by its HTML without `data-line`: a block whose
// content did not change keeps its DOM nodes (with their highlighting,
// typeset math and loaded images) even when it moved; its `data-line` is
// updated in place. The rest is parsed (in a <template>) and inserted, and
// blocks that are gone are removed.
//
// The worker usually sends the blocks already split (blocks.js), so only
// changed blocks are parsed here; otherwise the whole HTML is parsed and
// split by top-level node. Only the renderer's sanitized HTML is parsed.

/** The blocks of `html`, parsed: one per top-level node. */
function parseBlocks(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const blocks = [];
  for (const node of template.content.childNodes) {
    // Whitespace between blocks carries nothing: drop it.
    if (node.nodeType === Node.TEXT_NODE && node.textContent.trim() === "") continue;
    if (node.nodeType !== Node.ELEMENT_NODE) {
      blocks.push({ key: `${node.nodeName}\u0000${node.textContent}`, line: null, nodes: [node] });
      continue;
    }
    const line = node.getAttribute("data-line");
    // The first ` data-line="N"` is the attribute itself (as in src/wasm.rs).
    const key = line === null ? node.outerHTML : node.outerHTML.replace(` data-line="${line}"`, "");
    blocks.push({ key, line, nodes: [node] });
  }
  return blocks;
}

function parseNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return [...template.content.childNodes].filter(
    (node) => !(node.nodeType === Node.TEXT_NODE && node.textContent.trim() === ""),
  );
}

export class BlockPatcher {
  /** @param {HTMLElement} element the preview's container */
  constructor(element) {
    this.element = element;
    /** [{ key, nodes }] in order */
    this.entries = [];
  }

  get nodes() {
    return this.entries.flatMap((entry) => entry.nodes);
  }

  /**
   * Patch the element to show `html`, split into `blocks` ({ key, line,
   * html }, from the worker) when given. Calls `prepare(node)` on each new
   * (not reused) top-level node before it is inserted.
   */
  update(html, blocks = null, prepare = () => {}) {
    const parent = this.element;
    const current = this.nodes;
    const intact =
      parent.childNodes.length === current.length && current.every((node, i) => node === parent.childNodes[i]);
    if (!intact) {
      parent.replaceChildren();
      this.entries = [];
    }

    const byKey = new Map();
    this.entries.forEach((entry, i) => {
      const list = byKey.get(entry.key);
      if (list) list.push(i);
      else byKey.set(entry.key, [i]);
    });
    const used = new Array(this.entries.length).fill(false);
    const plan = [];
    let replaced = 0;
    for (const block of blocks ?? parseBlocks(html)) {
      const old = byKey.get(block.key)?.shift();
      if (old !== undefined) {
        used[old] = true;
        const kept = this.entries[old];
        const first = kept.nodes[0];
        if (first?.nodeType === Node.ELEMENT_NODE && first.getAttribute("data-line") !== block.line) {
          if (block.line === null) first.removeAttribute("data-line");
          else first.setAttribute("data-line", block.line);
        }
        plan.push(kept);
      } else {
        const nodes = block.nodes ?? parseNodes(block.html);
        nodes.forEach(prepare);
        plan.push({ key: block.key, nodes });
        replaced += 1;
      }
    }
    this.entries.forEach((entry, i) => {
      if (!used[i]) entry.nodes.forEach((node) => node.remove());
    });
    let cursor = parent.firstChild;
    for (const entry of plan) {
      for (const node of entry.nodes) {
        if (cursor === node) cursor = cursor.nextSibling;
        else parent.insertBefore(node, cursor);
      }
    }
    this.entries = plan;
    return { blocks: plan.length, replaced };
  }

  /** Whether the element still holds exactly the nodes of the last patch. */
  intact() {
    const parent = this.element;
    let child = parent.firstChild;
    for (const entry of this.entries) {
      for (const node of entry.nodes) {
        if (child !== node) return false;
        child = child.nextSibling;
      }
    }
    return child === null;
  }

  /**
   * Replace blocks `start .. start + removed` with `blocks` ({ key, line,
   * html }), and move every later block's data-line by `lineShift`: the
   * incremental renderer's change, so a keystroke touches one block. A
   * removed block with the same key as an inserted one keeps its nodes.
   * Returns null (and changes nothing) when the element is not as the last
   * patch left it, or the change does not fit: then the page asks for the
   * whole preview again.
   */
  splice(start, removed, blocks, lineShift, prepare = () => {}) {
    if (start + removed > this.entries.length || !this.intact()) return null;
    const old = this.entries.slice(start, start + removed);
    const byKey = new Map();
    old.forEach((entry, i) => {
      const list = byKey.get(entry.key);
      if (list) list.push(i);
      else byKey.set(entry.key, [i]);
    });
    const used = new Array(old.length).fill(false);
    let replaced = 0;
    const fresh = blocks.map((block) => {
      const reuse = byKey.get(block.key)?.shift();
      if (reuse !== undefined) {
        used[reuse] = true;
        const kept = old[reuse];
        const first = kept.nodes[0];
        if (first?.nodeType === Node.ELEMENT_NODE && first.getAttribute("data-line") !== block.line) {
          if (block.line === null) first.removeAttribute("data-line");
          else first.setAttribute("data-line", block.line);
        }
        return kept;
      }
      const nodes = parseNodes(block.html);
      nodes.forEach(prepare);
      replaced += 1;
      return { key: block.key, nodes };
    });
    old.forEach((entry, i) => {
      if (!used[i]) entry.nodes.forEach((node) => node.remove());
    });
    const anchor = this.entries[start + removed]?.nodes[0] ?? null;
    for (const entry of fresh) {
      for (const node of entry.nodes) this.element.insertBefore(node, anchor);
    }
    if (lineShift !== 0) {
      for (const entry of this.entries.slice(start + removed)) {
        const first = entry.nodes[0];
        const line = first?.nodeType === Node.ELEMENT_NODE ? first.getAttribute("data-line") : null;
        if (line !== null) first.setAttribute("data-line", String(Number(line) + lineShift));
      }
    }
    this.entries.splice(start, removed, ...fresh);
    return { blocks: this.entries.length, replaced };
  }
}
