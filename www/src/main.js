// The live-preview page: editor on the left, the post as the blog will show
// it in the middle, its table of contents on the right, problems under the
// editor. Rendering runs in a worker (render-client.js, worker.js) that is
// sent the editor's changes and answers with the engine's block change;
// the package's BlockPatcher applies it to the preview. Only the
// renderer's sanitized HTML is inserted, and nothing of the document runs.
// Lint marks and the Problems list are redone only when the diagnostics
// changed, the TOC only when the TOC changed.
import SAMPLE from "../sample/review-2025-11-11.mdx";
import { BlockPatcher } from "../../pkg/patch.mjs";
import { createEditor, showDiagnostics, syntaxParserRunning, EditorView } from "./editor.js";
import { RenderClient } from "./render-client.js";
import { Session } from "./session.js";
import init, { Renderer } from "../../pkg/mdx_preview.js";
import { decorate } from "./decorate.js";
import { renderToc, highlightCurrent } from "./toc.js";
import { ScrollSync } from "./scroll-sync.js";
import { AssetStore } from "./assets.js";
import { handleAssets } from "./assets-ui.js";
import { ProblemsPanel } from "./problems.js";
import { handlePreviewEvents, scrollToElement } from "./preview-events.js";
import { showPostHeader } from "./post-header.js";
import { exportPage } from "./export.js";
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
const statusElement = $("#status");
const noticeElement = $("#notice");

// Bound to a site folder on disk (`make preview ROOT=…`), or null.
const site = Site.fromPage();
const settings = { theme: null, math: false, ...readJson(SETTINGS_KEY) };
const assets = new AssetStore();
const patcher = new BlockPatcher(previewElement, { prepare: decorate });

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
let draftWarning = false;
// Edits since the last shown render: [{ before: Text, changes: ChangeSet }].
// A result's positions are in the source it was rendered from; these map
// them to the document as it is now.
let changeLog = [];
// What the page shows: the last result's fields (the worker sends null for
// what did not change).
const shown = { toc: [], diagnostics: [], frontmatter: null, title: null, hasH1: false };
let inputsWhileRendering = 0; // read by the end-to-end tests
let timings = null; // of the last result: worker render, main-thread update
// Document versions, for the keystroke-to-paint measure of the tests: the
// editor's, and the one the preview shows (with when it was patched).
let docVersion = 0;
let editedAt = 0; // when the editor's update for docVersion was handled
let painted = { version: 0, at: 0, editedAt: 0 };

const firstText = site ? "" : (localStorage.getItem(DRAFT_KEY) ?? SAMPLE);
const view = createEditor($("#editor"), firstText, (editor, update) => {
  docVersion += 1;
  editedAt = performance.now();
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
  client.changed(update.changes);
  setStatus("rendering…", "busy");
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

/** The editor's document and the options to render it with. */
function snapshot() {
  const doc = view.state.doc;
  // Only dropped assets and site mode read the source for the options.
  const source = assets.size > 0 || site ? doc.toString() : "";
  const dropped = assets.assetsFor(source);
  const options = site
    ? { format: site.formatFor(source), math: settings.math, assets: { ...dropped, ...site.assetsFor(source) } }
    : { format: "mdx", math: settings.math, assets: dropped };
  return { doc, options, context: { version: docVersion, editedAt } };
}

function requestRender() {
  client.request();
  setStatus("rendering…", "busy");
}

const client = new RenderClient(
  {
    onResult(message, request) {
      const start = performance.now();
      const patched = show(message, changesSince(request.doc));
      if (patched === null) {
        // The preview was not as the last patch left it: have the whole of
        // it sent again.
        client.reopen();
        return;
      }
      painted = { version: request.context.version, at: performance.now(), editedAt: request.context.editedAt };
      // The worker's times are on the shared clock (timeOrigin + now).
      const received = message.receivedAt - performance.timeOrigin;
      const answered = message.sentAt - performance.timeOrigin;
      timings = {
        renderMs: message.ms,
        // From sending the request to handling its result, less the render.
        messagingMs: start - request.sentAt - message.ms,
        // The same, stage by stage: from the editor's update to posting
        // the request (waiting for a render in flight), the hop to the
        // worker, the worker's work besides the render, the hop back.
        waitMs: request.sentAt - request.context.editedAt,
        toWorkerMs: received - request.sentAt,
        workerMs: answered - received - message.ms,
        fromWorkerMs: start - answered,
        showMs: painted.at - start,
        ...patched,
        incremental: !message.change.full,
        local: message.local === true,
      };
      hideNotice();
      setStatus(`rendered in ${formatMs(message.ms, 1)}`, client.busy ? "busy" : "ok");
    },
    onTimeout() {
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
  snapshot,
  BUDGET_MS,
);

// Cheap edits are rendered on this thread, before the frame that shows
// them (render-client.js); the wasm is instantiated here on first use.
let wasmHere = null;
client.renderLocally(async () => {
  wasmHere ??= init({ module_or_path: new URL("./mdx_preview_bg.wasm", import.meta.url) });
  await wasmHere;
  return new Session(Renderer);
});

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

function formatMs(ms, digits = 0) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms < 10 && digits > 0 ? ms.toFixed(digits) : Math.round(ms)} ms`;
}

/** Show a worker result: patch the preview, then redo what changed of the
 * rest. The patch's numbers, or null when the preview could not take it. */
function show({ result, change }, changes) {
  const patched = patcher.apply(change);
  if (patched === null) return null;
  // Very long posts: let the browser skip layout of the blocks out of view.
  previewElement.classList.toggle("huge", patched.blocks > 2000);
  if (result.title !== shown.title) {
    shown.title = result.title;
    document.title = result.title ? `${result.title} · mdx-preview` : "mdx-preview";
  }
  const hasH1 = previewElement.querySelector(":scope > h1") !== null;
  if (result.frontmatterChanged || hasH1 !== shown.hasH1) {
    if (result.frontmatterChanged) shown.frontmatter = result.frontmatter;
    shown.hasH1 = hasH1;
    showPostHeader($("#post-header"), shown.frontmatter, hasH1);
  }
  if (result.toc !== null) {
    shown.toc = result.toc;
    renderToc(tocElement, result.toc, scrollToHeading);
  }
  scheduleTocHighlight();
  if (result.diagnostics !== null) {
    shown.diagnostics = result.diagnostics;
    problems.show(result.diagnostics, showDiagnostics(view, result.diagnostics, changes));
  }
  return patched;
}

// ---- status and notices --------------------------------------------------

function setStatus(text, kind) {
  if (statusElement.textContent !== text) statusElement.textContent = text;
  if (statusElement.dataset.kind !== kind) statusElement.dataset.kind = kind;
}

function showNotice(text) {
  noticeElement.textContent = text;
  noticeElement.hidden = false;
}

function hideNotice() {
  noticeElement.hidden = true;
}

// ---- table of contents, problems, preview, assets ------------------------

function scrollToHeading(entry) {
  const heading = previewElement.querySelector(`[id="${CSS.escape(entry.id)}"]`);
  if (heading) scrollToElement(previewScroller, heading);
}

let tocFrame = 0;
function scheduleTocHighlight() {
  cancelAnimationFrame(tocFrame);
  tocFrame = requestAnimationFrame(() => highlightCurrent(tocElement, previewScroller, previewElement));
}
previewScroller.addEventListener("scroll", scheduleTocHighlight, { passive: true });

const problems = new ProblemsPanel($("#problems"), view);
handlePreviewEvents(previewElement, previewScroller);
handleAssets(assets, requestRender);

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
  exportPage(shown.title ?? "Untitled post", previewElement.innerHTML, document.documentElement.dataset.theme);
});

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
  /** The diagnostics shown (of the last render that changed them). */
  get diagnostics() {
    return shown.diagnostics;
  },
  /** The editor's document version, and the version the preview shows. */
  get docVersion() {
    return docVersion;
  },
  get painted() {
    return painted;
  },
  /** Whether the page is done taking in its text: the editor has parsed
   * it, and no render or loading of the page's own renderer is pending. */
  get settled() {
    return !syntaxParserRunning(view) && client.settled;
  },
  site,
  scrollEffect(pos) {
    return EditorView.scrollIntoView(pos, { y: "center" });
  },
  setBudget(ms) {
    client.budgetMs = ms;
  },
};
