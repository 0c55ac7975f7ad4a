// Replace only the top-level blocks of the preview that changed.
//
// The same idea as the wasm `Preview` class (src/wasm.rs), done here because
// the rendering runs in a worker, which has no DOM: the new HTML is parsed
// in a <template>, and each top-level node is matched with a current one by
// its HTML without `data-line`. A block whose content did not change keeps
// its DOM node (with its highlighting, typeset math and loaded images) even
// when it moved; its `data-line` is updated in place. The rest is inserted,
// and blocks that are gone are removed.
//
// Only the renderer's sanitized HTML is ever parsed here.

const DATA_LINE = /^(<[a-zA-Z][^\s/>]*) data-line="(\d+)"/;

/** The comparison key of a top-level node and its data-line. */
function keyOf(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) {
    return { key: `${node.nodeName}\u0000${node.textContent}`, line: null };
  }
  const html = node.outerHTML;
  const line = node.getAttribute("data-line");
  // The renderer writes data-line as the first attribute; strip it there, so
  // that the key does not depend on where the block is.
  const key = line === null ? html : html.replace(DATA_LINE, "$1");
  return { key, line };
}

export class BlockPatcher {
  /** @param {HTMLElement} element the preview's container */
  constructor(element) {
    this.element = element;
    this.nodes = [];
    this.keys = [];
  }

  /**
   * Patch the element to show `html`. Calls `prepare(node)` on each block
   * that is new (not reused), before it is inserted. Returns the counts.
   */
  update(html, prepare = () => {}) {
    const parent = this.element;
    const intact =
      parent.childNodes.length === this.nodes.length &&
      this.nodes.every((node, i) => node === parent.childNodes[i]);
    if (!intact) {
      parent.replaceChildren();
      this.nodes = [];
      this.keys = [];
    }

    const template = document.createElement("template");
    template.innerHTML = html;
    const fresh = [...template.content.childNodes];

    // Old nodes by key; several equal blocks are reused in order.
    const byKey = new Map();
    this.keys.forEach((key, i) => {
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    });
    const used = new Array(this.nodes.length).fill(false);
    const plan = [];
    let reused = 0;
    for (const node of fresh) {
      // Whitespace between blocks carries nothing: drop it.
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim() === "") continue;
      const { key, line } = keyOf(node);
      const old = byKey.get(key)?.shift();
      if (old !== undefined) {
        used[old] = true;
        const kept = this.nodes[old];
        if (kept.nodeType === Node.ELEMENT_NODE && kept.getAttribute("data-line") !== line) {
          if (line === null) kept.removeAttribute("data-line");
          else kept.setAttribute("data-line", line);
        }
        plan.push([kept, key]);
        reused += 1;
      } else {
        prepare(node);
        plan.push([node, key]);
      }
    }
    this.nodes.forEach((node, i) => {
      if (!used[i]) node.remove();
    });
    let cursor = parent.firstChild;
    for (const [node] of plan) {
      if (cursor === node) cursor = cursor.nextSibling;
      else parent.insertBefore(node, cursor);
    }
    this.nodes = plan.map(([node]) => node);
    this.keys = plan.map(([, key]) => key);
    return { blocks: plan.length, replaced: plan.length - reused };
  }
}
