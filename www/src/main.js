// The live-preview page: editor on the left, the post as the blog will show
// it in the middle, its table of contents on the right, problems under the
// editor. Rendering runs in a worker (render-client.js); only the
// renderer's sanitized HTML is inserted, and nothing of the document runs.
import SAMPLE from "../sample/review-2025-11-11.mdx";
import BLOG_CSS from "./blog.css";
import { createEditor, showDiagnostics, EditorView, fixAction, forEachDiagnostic } from "./editor.js";
import { RenderClient } from "./render-client.js";
import { BlockPatcher } from "./patch.js";
import { decorate } from "./decorate.js";
import { renderToc, highlightCurrent } from "./toc.js";
import { ScrollSync } from "./scroll-sync.js";
import { AssetStore, filesOfDrop } from "./assets.js";
import { Site } from "./site.js";

const DRAFT_KEY = "mdx-preview:draft";
const SETTINGS_KEY = "mdx-preview:settings";
const params = new URLSearchParams(location.search);
// How long one render may take before it is abandoned (?budget=ms).
const BUDGET_MS = Number(params.get("budget")) > 0 ? Number(params.get("budget")) : 5000;

const $ = (selector) => document.querySelector(selector);
const previewScroller = $("#preview-pane");
const previewElement = $("#preview");
const tocElement = $("#toc");
const problemsList = $("#problems-list");
const statusElement = $("#status");
const noticeElement = $("#notice");

// Bound to a site folder on disk (`make preview ROOT=…`), or null.
const site = Site.fromPage();
const settings = { theme: null, math: false, ...readJson(SETTINGS_KEY) };
const assets = new AssetStore();
const patcher = new BlockPatcher(previewElement);

function readJson(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

function saveSettings() {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

// ---- theme ---------------------------------------------------------------

function applyTheme() {
  const dark = settings.theme ? settings.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = dark ? "dark" : "light";
  $("#theme").textContent = dark ? "☀ Light" : "☾ Dark";
}
$("#theme").addEventListener("click", () => {
  settings.theme = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  saveSettings();
  applyTheme();
});
applyTheme();

// ---- editor and rendering ------------------------------------------------

let saveTimer = 0;
// Edits since the last shown render: [{ before: Text, changes: ChangeSet }].
// A result's positions are in the source it was rendered from; these map
// them to the document as it is now.
let changeLog = [];
let lastResult = null;
let lastTocJson = "";
let lastDiagnostics = [];
let lastMarks = []; // the CodeMirror diagnostics made from lastDiagnostics
let inputsWhileRendering = 0; // read by the end-to-end tests
let timings = null; // of the last result: worker render, main-thread update
let lastPatch = null;

const firstText = site ? "" : (localStorage.getItem(DRAFT_KEY) ?? SAMPLE);
const view = createEditor($("#editor"), firstText, (editor, update) => {
  if (client.busy && update.transactions.some((tr) => tr.isUserEvent("input") || tr.isUserEvent("delete"))) {
    inputsWhileRendering += 1;
  }
  changeLog.push({ before: update.startState.doc, changes: update.changes });
  if (changeLog.length > 5000) changeLog = changeLog.slice(-5000);
  if (site) {
    site.edited(update); // drafts per file, saved state
  } else {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => saveDraft(editor.state.doc.toString()), 300);
  }
  requestRender();
});

function saveDraft(text) {
  try {
    localStorage.setItem(DRAFT_KEY, text);
    draftWarning = false;
  } catch {
    // Over the browser's storage quota: keep editing, say it once.
    if (!draftWarning) showNotice("This draft is too large to keep in the browser: it will not survive a reload.");
    draftWarning = true;
  }
}
let draftWarning = false;

function renderOptions(source) {
  const dropped = assets.assetsFor(source);
  if (!site) return { format: "mdx", math: settings.math, assets: dropped };
  return { format: site.formatFor(source), math: settings.math, assets: { ...dropped, ...site.assetsFor(source) } };
}

function requestRender() {
  const source = view.state.doc.toString();
  client.request(source, renderOptions(source), { doc: view.state.doc });
  setStatus("rendering…", "busy");
}

const client = new RenderClient(
  {
    onResult(message, request, ms, patch) {
      const start = performance.now();
      // The worker leaves out what did not change since its last message.
      const result = {
        ...message,
        toc: message.toc ?? lastResult?.toc ?? [],
        diagnostics: message.diagnostics ?? lastResult?.diagnostics ?? [],
      };
      if (!show(result, patch, changesSince(request.context.doc))) {
        // The preview was not as the last patch left it: have the whole of
        // it sent again.
        client.resync();
        requestRender();
        return;
      }
      timings = {
        renderMs: ms,
        showMs: performance.now() - start,
        ...lastPatch,
        split: patch.kind !== "html",
        incremental: patch.kind === "splice",
      };
      hideNotice();
      setStatus(`rendered in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`, client.busy ? "busy" : "ok");
    },
    onTimeout(request) {
      showNotice(
        `Rendering took longer than ${formatMs(client.budgetMs)} and was stopped. ` +
          "The preview shows the last complete render; it updates again on your next edit.",
      );
      setStatus("render abandoned", "error");
    },
    onError(message) {
      showNotice(message);
      setStatus("error", "error");
    },
  },
  BUDGET_MS,
);
/** The changes from `doc` to the editor's document (null: none). */
function changesSince(doc) {
  if (doc === view.state.doc) {
    changeLog = [];
    return null;
  }
  const start = changeLog.findIndex((entry) => entry.before === doc);
  if (start < 0) return null; // too old to map: positions are clamped
  let changes = changeLog[start].changes;
  for (const entry of changeLog.slice(start + 1)) changes = changes.compose(entry.changes);
  changeLog = changeLog.slice(start);
  return changes;
}

function formatMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Show a result; false when the preview could not take the patch. */
function show(result, patch, changes) {
  let patched;
  if (patch.kind === "splice") {
    patched = patcher.splice(patch.start, patch.removed, patch.blocks, patch.lineShift, decorate);
    if (patched === null) return false;
  } else if (patch.kind === "blocks") {
    patched = patcher.update("", patch.blocks, decorate);
  } else {
    patched = patcher.update(patch.html, null, decorate);
  }
  lastResult = result;
  lastPatch = patched;
  showPostHeader(result);
  document.title = result.title ? `${result.title} · mdx-preview` : "mdx-preview";
  const tocJson = JSON.stringify(result.toc);
  if (tocJson !== lastTocJson) {
    lastTocJson = tocJson;
    renderToc(tocElement, result.toc, scrollToHeading);
  }
  // Very long posts: let the browser skip layout of the blocks out of view.
  previewElement.classList.toggle("huge", lastPatch.blocks > 2000);
  scheduleTocHighlight();
  lastMarks = showDiagnostics(view, result.diagnostics, changes);
  lastDiagnostics = lastMarks.map((mark, i) => ({
    ...result.diagnostics[i],
    from: mark.from,
    to: mark.to,
  }));
  renderProblems(lastDiagnostics);
  return true;
}

// Docusaurus shows front matter title, date, authors and tags above the post.
function showPostHeader(result) {
  const header = $("#post-header");
  const fm = result.frontmatter ?? {};
  const hasH1 = previewElement.querySelector(":scope > h1") !== null;
  const title = typeof fm.title === "string" && !hasH1 ? fm.title : null;
  const date = typeof fm.date === "string" || typeof fm.date === "number" ? String(fm.date) : null;
  const tags = Array.isArray(fm.tags) ? fm.tags.filter((t) => typeof t === "string") : [];
  header.replaceChildren();
  header.hidden = !title && !date && tags.length === 0;
  if (title) header.append(Object.assign(document.createElement("h1"), { textContent: title }));
  if (date) header.append(Object.assign(document.createElement("time"), { textContent: date }));
  if (tags.length) {
    const list = document.createElement("ul");
    list.className = "post-tags";
    for (const tag of tags) list.append(Object.assign(document.createElement("li"), { textContent: tag }));
    header.append(list);
  }
}

// ---- status and notices --------------------------------------------------

function setStatus(text, kind) {
  statusElement.textContent = text;
  statusElement.dataset.kind = kind;
}

function showNotice(text) {
  noticeElement.textContent = text;
  noticeElement.hidden = false;
}

function hideNotice() {
  noticeElement.hidden = true;
}

// ---- table of contents ---------------------------------------------------

function scrollToHeading(entry) {
  const heading = previewElement.querySelector(`[id="${CSS.escape(entry.id)}"]`);
  if (heading) scrollToElement(heading);
}

function scrollToElement(element, corrections = 2) {
  const top = element.getBoundingClientRect().top - previewScroller.getBoundingClientRect().top;
  previewScroller.scrollTo({ top: previewScroller.scrollTop + top - 12 });
  // In a very long post the blocks out of view have estimated heights
  // (content-visibility): once the ones around the target are laid out,
  // correct the position.
  if (corrections > 0 && previewElement.classList.contains("huge")) {
    requestAnimationFrame(() => scrollToElement(element, corrections - 1));
  }
}

let tocFrame = 0;
function scheduleTocHighlight() {
  cancelAnimationFrame(tocFrame);
  tocFrame = requestAnimationFrame(() => highlightCurrent(tocElement, previewScroller, previewElement));
}
previewScroller.addEventListener("scroll", scheduleTocHighlight, { passive: true });

// ---- problems panel ------------------------------------------------------

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

function renderProblems(list) {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of list) counts[d.severity] += 1;
  $("#problems-count").textContent = list.length
    ? [["error", "errors"], ["warning", "warnings"], ["info", "notes"]]
        .filter(([key]) => counts[key])
        .map(([key, word]) => `${counts[key]} ${counts[key] === 1 ? word.replace(/s$/, "") : word}`)
        .join(", ")
    : "no problems";
  $("#problems").dataset.worst = counts.error ? "error" : counts.warning ? "warning" : list.length ? "info" : "none";
  // Rebuilt only when what it shows changed (a keystroke usually moves
  // positions only; clicks read the current positions from the editor).
  const signature = JSON.stringify(list.map((d) => [d.severity, d.ruleId, d.message, d.line, d.column, d.suggestion]));
  if (signature === problemsSignature) return;
  problemsSignature = signature;
  problemsList.replaceChildren();
  // Errors first, then warnings, then notes; by position within each.
  const rank = { error: 0, warning: 1, info: 2 };
  const sorted = list.map((d, i) => [d, i]).sort(([a, i], [b, j]) => rank[a.severity] - rank[b.severity] || i - j);
  for (const [d, index] of sorted) {
    const item = document.createElement("li");
    item.className = `problem problem-${d.severity}`;
    item.tabIndex = 0;
    item.dataset.rule = d.ruleId;
    const where = Object.assign(document.createElement("span"), {
      className: "problem-where",
      textContent: `${d.line}:${d.column}`,
    });
    const rule = Object.assign(document.createElement("span"), { className: "problem-rule", textContent: d.ruleId });
    item.append(
      Object.assign(document.createElement("span"), { className: "problem-icon", textContent: icon(d.severity) }),
      messageNode(d.message),
      where,
      rule,
    );
    if (d.suggestion !== undefined) {
      const fix = document.createElement("button");
      fix.className = "problem-fix";
      fix.textContent = "Fix";
      fix.title = `Replace with ${d.suggestion}`;
      fix.addEventListener("click", (event) => {
        event.stopPropagation();
        const { from, to } = currentRange(index);
        fixAction(d.suggestion).apply(view, from, to);
        view.focus();
      });
      item.append(fix);
    }
    const go = () => {
      const { from, to } = currentRange(index);
      view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
      view.focus();
    };
    item.addEventListener("click", go);
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter") go();
    });
    problemsList.append(item);
  }
}
let problemsSignature = "";

/** Where diagnostic `index` of the last result is now (edits since mapped). */
function currentRange(index) {
  const mark = lastMarks[index];
  let range = { from: lastDiagnostics[index].from, to: lastDiagnostics[index].to };
  forEachDiagnostic(view.state, (diagnostic, from, to) => {
    if (diagnostic === mark) range = { from, to };
  });
  return range;
}

function icon(severity) {
  return severity === "error" ? "✖" : severity === "warning" ? "▲" : "ℹ";
}

$("#problems-toggle").addEventListener("click", () => {
  const panel = $("#problems");
  panel.classList.toggle("collapsed");
  $("#problems-toggle").setAttribute("aria-expanded", String(!panel.classList.contains("collapsed")));
});

// ---- assets ---------------------------------------------------------------

function addAssets(entries) {
  const added = assets.add(entries);
  renderAssetList();
  if (added) requestRender();
  return added;
}

function renderAssetList() {
  const list = $("#asset-list");
  list.replaceChildren();
  for (const path of assets.list()) list.append(Object.assign(document.createElement("li"), { textContent: path }));
  $("#assets-count").textContent = assets.size ? `${assets.size} asset${assets.size === 1 ? "" : "s"}` : "";
  $("#assets-clear").hidden = assets.size === 0;
}

let dragDepth = 0;
window.addEventListener("dragenter", (event) => {
  if (![...(event.dataTransfer?.types ?? [])].includes("Files")) return;
  dragDepth += 1;
  document.body.classList.add("dragging");
});
window.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) document.body.classList.remove("dragging");
});
window.addEventListener("dragover", (event) => {
  if ([...(event.dataTransfer?.types ?? [])].includes("Files")) event.preventDefault();
});
window.addEventListener("drop", async (event) => {
  dragDepth = 0;
  document.body.classList.remove("dragging");
  if (!event.dataTransfer || event.dataTransfer.files.length === 0) return;
  event.preventDefault();
  // The editor would insert a dropped file's name: the page takes it.
  event.stopPropagation();
  addAssets(await filesOfDrop(event.dataTransfer));
}, true);

for (const id of ["#asset-files", "#asset-folder"]) {
  $(id).addEventListener("change", (event) => {
    const files = [...event.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    addAssets(files);
    event.target.value = "";
  });
}
$("#assets-clear").addEventListener("click", () => {
  assets.clear();
  renderAssetList();
  requestRender();
});

// Relative images the writer has not dropped yet fail to load: show them as
// placeholders, like the renderer's own missing-asset images.
previewElement.addEventListener(
  "error",
  (event) => {
    if (event.target instanceof HTMLImageElement) event.target.classList.add("mdx-broken-image");
  },
  true,
);

// Docusaurus tabs switch on click (the page's own code on the renderer's
// static markup: the panels are all there, one visible).
previewElement.addEventListener("click", (event) => {
  const tab = event.target.closest?.(".tabs-item");
  const container = tab?.closest(".tabs-container");
  if (!tab || !container) return;
  const tabs = [...tab.parentElement.children];
  const panels = [...container.querySelectorAll(":scope > .tabs-panels > .tab-panel")];
  tabs.forEach((item, i) => {
    const active = item === tab;
    item.classList.toggle("tabs-item-active", active);
    item.setAttribute("aria-selected", String(active));
    panels[i]?.toggleAttribute("hidden", !active);
  });
});

// Links in the preview: in-document ones scroll the preview, others open
// in a new tab, so that the editor page is never navigated away.
previewElement.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link || event.defaultPrevented) return;
  event.preventDefault();
  const href = link.getAttribute("href");
  if (href.startsWith("#")) {
    const id = decodeURIComponent(href.slice(1));
    const target = previewElement.querySelector(`[id="${CSS.escape(id)}"], [name="${CSS.escape(id)}"]`);
    if (target) scrollToElement(target);
  } else if (/^(https?:|mailto:)/i.test(link.href)) {
    window.open(link.href, "_blank", "noopener,noreferrer");
  }
});

// ---- toolbar ---------------------------------------------------------------

const mathToggle = $("#math");
mathToggle.checked = settings.math;
mathToggle.addEventListener("change", () => {
  settings.math = mathToggle.checked;
  saveSettings();
  requestRender();
});

$("#reset").addEventListener("click", () => {
  if (view.state.doc.toString() !== SAMPLE && !confirm("Replace your draft with the sample post?")) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: SAMPLE } });
});

$("#export").addEventListener("click", () => {
  const title = lastResult?.title ?? "Untitled post";
  const page = standalonePage(title, previewElement.innerHTML, document.documentElement.dataset.theme);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([page], { type: "text/html" }));
  link.download = `${slug(title)}.html`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function slug(text) {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "post";
}

/**
 * A standalone page: the sanitized HTML as shown (with the page's code
 * colouring and typeset math), the blog styles, and no script at all; its
 * CSP forbids scripts in case the file is opened anywhere.
 */
function standalonePage(title, html, theme) {
  return `<!doctype html>
<html lang="en" data-theme="${theme === "dark" ? "dark" : "light"}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data: blob: http: https:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { margin: 0; background: var(--bg); }
main { max-width: 820px; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
${BLOG_CSS}
</style>
</head>
<body>
<main><article class="markdown">
${html}
</article></main>
</body>
</html>
`;
}

// ---- start -----------------------------------------------------------------

new ScrollSync(view, previewScroller, previewElement);
site?.attach({ view, requestRender });
requestRender();

// A small handle for the end-to-end tests (and the console).
window.mdxPreview = {
  view,
  get inputsWhileRendering() {
    return inputsWhileRendering;
  },
  get busy() {
    return client.busy;
  },
  get shownSeq() {
    return client.shownSeq;
  },
  get timings() {
    return timings;
  },
  get diagnostics() {
    return lastDiagnostics;
  },
  site,
  scrollEffect(pos) {
    return EditorView.scrollIntoView(pos, { y: "center" });
  },
  setBudget(ms) {
    client.budgetMs = ms;
  },
};
