// The Problems panel under the editor: every diagnostic of the last render,
// errors first; a click puts the cursor on it, a Fix button applies its
// suggestion. Rebuilt only when what it lists changed; when the
// diagnostics only moved (text typed above them) their line:column labels
// are updated in place.
import { fixAction, forEachDiagnostic } from "./editor.js";

const RANK = { error: 0, warning: 1, info: 2 };

/** A message with `code` spans, built as text nodes (never as HTML). */
function messageNode(message) {
  const span = document.createElement("span");
  span.className = "problem-message";
  message.split(/(`[^`]*`)/).forEach((part) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) {
      span.append(Object.assign(document.createElement("code"), { textContent: part.slice(1, -1) }));
    } else if (part) {
      span.append(part);
    }
  });
  return span;
}

function icon(severity) {
  return severity === "error" ? "✖" : severity === "warning" ? "▲" : "ℹ";
}

function countText(list) {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of list) counts[d.severity] += 1;
  const text = list.length
    ? [["error", "errors"], ["warning", "warnings"], ["info", "notes"]]
        .filter(([key]) => counts[key])
        .map(([key, word]) => `${counts[key]} ${counts[key] === 1 ? word.replace(/s$/, "") : word}`)
        .join(", ")
    : "no problems";
  const worst = counts.error ? "error" : counts.warning ? "warning" : list.length ? "info" : "none";
  return { text, worst };
}

export class ProblemsPanel {
  /**
   * @param {HTMLElement} panel the #problems section (its list, count and toggle inside)
   * @param {EditorView} view the editor
   */
  constructor(panel, view) {
    this.panel = panel;
    this.view = view;
    this.list = panel.querySelector("#problems-list");
    this.count = panel.querySelector("#problems-count");
    this.signature = "";
    /** The shown diagnostics with their editor marks: [{ diagnostic, mark, where }]. */
    this.items = [];
    const toggle = panel.querySelector("#problems-toggle");
    toggle.addEventListener("click", () => {
      panel.classList.toggle("collapsed");
      toggle.setAttribute("aria-expanded", String(!panel.classList.contains("collapsed")));
    });
  }

  /** Show `diagnostics` (the renderer's), `marks` the editor's lint marks for them. */
  show(diagnostics, marks) {
    const { text, worst } = countText(diagnostics);
    if (this.count.textContent !== text) this.count.textContent = text;
    if (this.panel.dataset.worst !== worst) this.panel.dataset.worst = worst;
    const signature = JSON.stringify(diagnostics.map((d) => [d.severity, d.ruleId, d.message, d.suggestion]));
    if (signature === this.signature) {
      // The same problems, perhaps moved: relabel them.
      this.items.forEach((item, i) => {
        item.diagnostic = diagnostics[i];
        item.mark = marks[i];
        const where = `${diagnostics[i].line}:${diagnostics[i].column}`;
        if (item.where.textContent !== where) item.where.textContent = where;
      });
      return;
    }
    this.signature = signature;
    this.items = diagnostics.map((diagnostic, i) => ({ diagnostic, mark: marks[i], where: null }));
    const sorted = [...this.items].sort(
      (a, b) => RANK[a.diagnostic.severity] - RANK[b.diagnostic.severity] || this.items.indexOf(a) - this.items.indexOf(b),
    );
    this.list.replaceChildren(...sorted.map((item) => this.#itemNode(item)));
  }

  #itemNode(item) {
    const d = item.diagnostic;
    const node = document.createElement("li");
    node.className = `problem problem-${d.severity}`;
    node.tabIndex = 0;
    node.dataset.rule = d.ruleId;
    item.where = Object.assign(document.createElement("span"), {
      className: "problem-where",
      textContent: `${d.line}:${d.column}`,
    });
    const rule = Object.assign(document.createElement("span"), { className: "problem-rule", textContent: d.ruleId });
    const mark = Object.assign(document.createElement("span"), { className: "problem-icon", textContent: icon(d.severity) });
    node.append(mark, messageNode(d.message), item.where, rule);
    if (d.suggestion !== undefined) {
      const fix = document.createElement("button");
      fix.className = "problem-fix";
      fix.textContent = "Fix";
      fix.title = `Replace with ${d.suggestion}`;
      fix.addEventListener("click", (event) => {
        event.stopPropagation();
        const { from, to } = this.#range(item);
        fixAction(item.diagnostic.suggestion).apply(this.view, from, to);
        this.view.focus();
      });
      node.append(fix);
    }
    const go = () => {
      const { from, to } = this.#range(item);
      this.view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
      this.view.focus();
    };
    node.addEventListener("click", go);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter") go();
    });
    return node;
  }

  /** Where `item`'s diagnostic is now (the editor maps its marks through edits). */
  #range(item) {
    let range = { from: item.mark.from, to: item.mark.to };
    forEachDiagnostic(this.view.state, (diagnostic, from, to) => {
      if (diagnostic === item.mark) range = { from, to };
    });
    return range;
  }
}
