// Editor and preview scroll together, through the `data-line` of the
// preview's top-level blocks: the source line at the top of one pane is
// brought to the top of the other, interpolating between blocks.

/** Top-level blocks with their line and their top in `scroller`'s content. */
function anchors(preview, scroller) {
  const base = scroller.getBoundingClientRect().top - scroller.scrollTop;
  const out = [];
  for (const node of preview.children) {
    const line = Number(node.getAttribute("data-line"));
    if (!line) continue;
    out.push({ line, top: node.getBoundingClientRect().top - base });
  }
  return out;
}

export class ScrollSync {
  constructor(view, scroller, preview) {
    this.view = view;
    this.scroller = scroller;
    this.preview = preview;
    // The pane whose next scroll event we caused ourselves.
    this.ignore = { editor: false, preview: false };
    this.frame = 0;
    view.scrollDOM.addEventListener("scroll", () => this.schedule("editor"), { passive: true });
    scroller.addEventListener("scroll", () => this.schedule("preview"), { passive: true });
  }

  schedule(from) {
    if (this.ignore[from]) {
      this.ignore[from] = false;
      return;
    }
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => (from === "editor" ? this.editorToPreview() : this.previewToEditor()));
  }

  /** Source line (fractional) at the top of the editor. */
  editorTopLine() {
    const { view } = this;
    const top = view.scrollDOM.scrollTop;
    const block = view.lineBlockAtHeight(top);
    const line = view.state.doc.lineAt(block.from).number;
    return line + Math.max(0, Math.min(1, (top - block.top) / Math.max(1, block.height)));
  }

  editorToPreview() {
    const list = anchors(this.preview, this.scroller);
    if (list.length === 0) return;
    const line = this.editorTopLine();
    if (this.view.scrollDOM.scrollTop <= 0) return this.setPreview(0);
    let i = list.findLastIndex((a) => a.line <= line);
    if (i < 0) return this.setPreview(0);
    const a = list[i];
    const b = list[i + 1] ?? { line: this.view.state.doc.lines + 1, top: this.scroller.scrollHeight };
    const t = (line - a.line) / Math.max(1, b.line - a.line);
    this.setPreview(a.top + (b.top - a.top) * Math.min(1, t) - 8);
  }

  previewToEditor() {
    const list = anchors(this.preview, this.scroller);
    if (list.length === 0) return;
    const y = this.scroller.scrollTop + 8;
    if (this.scroller.scrollTop <= 0) return this.setEditorLine(1);
    const i = list.findLastIndex((a) => a.top <= y);
    if (i < 0) return this.setEditorLine(1);
    const a = list[i];
    const b = list[i + 1] ?? { line: this.view.state.doc.lines + 1, top: this.scroller.scrollHeight };
    const t = (y - a.top) / Math.max(1, b.top - a.top);
    this.setEditorLine(a.line + (b.line - a.line) * Math.min(1, t));
  }

  setPreview(top) {
    const value = Math.max(0, Math.round(top));
    if (Math.abs(this.scroller.scrollTop - value) < 1) return;
    this.ignore.preview = true;
    this.scroller.scrollTop = value;
  }

  setEditorLine(line) {
    const { view } = this;
    const whole = Math.max(1, Math.min(view.state.doc.lines, Math.floor(line)));
    const block = view.lineBlockAt(view.state.doc.line(whole).from);
    const value = Math.max(0, Math.round(block.top + (line - whole) * block.height));
    if (Math.abs(view.scrollDOM.scrollTop - value) < 1) return;
    this.ignore.editor = true;
    view.scrollDOM.scrollTop = value;
  }
}
