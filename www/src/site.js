// Site mode of the page (`make preview ROOT=path/to/site`): the editor is
// bound to the .md/.mdx files of a Docusaurus site on disk, served by
// www/site-server.mjs. A searchable file list (blog, newest first, then
// docs, then the rest); `?file=blog/x/index.mdx` names the open file, so
// reload and back/forward work; images resolve as the site resolves them
// (site-paths.js); Ctrl/Cmd+S saves, and asks first when the file changed
// on disk since it was read; changes made by other programs arrive as
// Server-Sent Events and replace the text only when it has no unsaved
// edits. Unsaved text is kept as a draft in localStorage per file, so a
// reload, a crash or opening another file loses nothing.
//
// The server puts `<meta name="mdx-preview-site" content='{name, id,
// token}'>` in the page; without it the page is the single-draft page and
// this module does nothing.
import { loadedFromDisk, replaceDocument } from "./editor.js";
import {
  encodePath, groupOf, isSitePath, labelOf, matchesQuery, orderDocuments, resolveSitePath, siteAssets,
} from "./site-paths.js";

const MAX_LISTED = 400;
const GROUP_TITLES = { blog: "Blog", docs: "Docs", other: "Other pages" };

/** `tag` with `className` and text (never HTML). */
function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A file's bytes as editor text, and how to write it back the same way. */
function decode(bytes) {
  let valid = true;
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    valid = false;
    text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  }
  const bom = text.startsWith("\uFEFF");
  if (bom) text = text.slice(1);
  // The editor joins lines with \n; a file written with \r\n gets it back.
  const crlf = (text.match(/\r\n/g)?.length ?? 0) > (text.match(/(?<!\r)\n/g)?.length ?? 0);
  return { text, encoding: { bom, crlf }, valid };
}

function encode(text, { bom, crlf }) {
  return (bom ? "\uFEFF" : "") + (crlf ? text.replace(/\n/g, "\r\n") : text);
}

export class Site {
  /** The site the server bound this page to, or null. */
  static fromPage() {
    const meta = document.querySelector('meta[name="mdx-preview-site"]');
    if (!meta) return null;
    let config;
    try {
      config = JSON.parse(meta.content);
    } catch {
      return null;
    }
    return new Site(config);
  }

  constructor({ name, id, token }) {
    this.name = name;
    this.id = id;
    this.token = token;
    this.path = null; // the open file
    this.base = null; // the version on disk the editor's text is based on
    this.savedDoc = null; // the text of that version, as the editor holds it
    this.encoding = { bom: false, crlf: false }; // how the file is written back
    this.dirty = false;
    this.readOnly = false;
    this.deleted = false; // the open file was deleted on disk
    this.diskVersion = null; // the disk moved on while there were unsaved edits
    this.saving = null;
    this.pendingDisk = null; // a disk event for the open file that came during a save
    this.openSeq = 0;
    this.documents = new Map(); // path → { size, mtime }
    this.assetFiles = new Map(); // path → mtime
    this.referenced = new Set(); // site paths the open document refers to
    this.missingSignature = "";
    this.draftTimer = 0;
    this.dirtyTimer = 0;
    this.draftFailed = false;
    this.lastSaved = null;
    this.detect = false;
  }

  // ---- setup ----------------------------------------------------------------

  /** Bind to the page's editor; `requestRender()` re-renders the preview. */
  attach({ view, requestRender }) {
    this.view = view;
    this.requestRender = requestRender;
    this.buildDom();
    window.addEventListener("keydown", (event) => this.onKey(event), true);
    window.addEventListener("popstate", () => {
      const path = this.fileInUrl();
      if (path && path !== this.path) this.open(path, { history: null });
    });
    window.addEventListener("pagehide", () => this.storeDraft());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.storeDraft();
    });
    window.addEventListener("beforeunload", (event) => {
      // Drafts are kept in localStorage; ask only when that failed or a
      // save is still on its way.
      if (this.saving || ((this.dirty || this.deleted) && this.draftFailed)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    this.start();
  }

  async start() {
    this.setState();
    this.listen();
    await this.loadList();
    const ordered = this.orderedPaths();
    const last = localStorage.getItem(this.key("last"));
    const wanted = this.fileInUrl() ?? (ordered.includes(last) ? last : null);
    if (wanted && (await this.open(wanted, { history: "replace" }))) return;
    // The file the URL names cannot be opened (refused, renamed): say why
    // over the site's newest post.
    const why = wanted && !this.banner.hidden ? this.banner.textContent : null;
    const first = ordered.find((path) => path !== wanted);
    if (first) await this.open(first, { history: "replace" });
    else this.showBanner("error", `There are no .md or .mdx files in ${this.name}.`);
    if (why) this.showBanner("error", why);
  }

  async loadList() {
    try {
      const response = await fetch("/_site/files");
      const { documents, assets, detect } = await response.json();
      this.detect = detect;
      if (this.ruleSelect) this.ruleSelect.value = this.formatRule;
      this.documents = new Map(documents.map(({ path, size, mtime }) => [path, { size, mtime }]));
      this.assetFiles = new Map(assets.map(({ path, mtime }) => [path, mtime]));
    } catch (error) {
      this.showBanner("error", `Cannot list the site's files: ${error.message ?? error}`);
    }
    this.renderList();
  }

  /** Server-Sent Events: what other programs change in the site. */
  listen() {
    const events = new EventSource("/_site/events");
    let lost = false;
    events.onmessage = ({ data }) => this.onDiskEvent(JSON.parse(data));
    events.onerror = () => {
      lost = true;
    };
    events.onopen = async () => {
      if (!lost) return;
      // Reconnected: what changed meanwhile was not sent. Look again.
      lost = false;
      await this.loadList();
      if (this.path) this.checkDisk();
    };
    this.events = events;
  }

  key(what) {
    return `mdx-preview:site:${this.id}:${what}`;
  }

  fileInUrl() {
    return new URLSearchParams(location.search).get("file");
  }

  // ---- the page around the editor ------------------------------------------

  buildDom() {
    document.body.classList.add("site-mode");
    // The single-draft controls have no meaning here (dropped images still
    // work, on top of the site's).
    for (const selector of ["#reset", "label:has(#asset-files)", "label:has(#asset-folder)"]) {
      document.querySelector(selector)?.setAttribute("hidden", "");
    }

    const where = make("span", "site-doc");
    where.append(make("span", "site-name", this.name), make("span", "site-sep", "/"));
    this.pathElement = make("span", "site-path");
    this.pathElement.id = "site-path";
    where.append(this.pathElement);
    this.stateElement = make("span", "site-state");
    this.stateElement.id = "site-state";
    this.saveButton = make("button", "button primary site-save", "Save");
    this.saveButton.id = "site-save";
    this.saveButton.title = "Write the file (Ctrl+S / ⌘S)";
    this.saveButton.addEventListener("click", () => this.save());
    const brand = document.querySelector(".brand");
    brand.after(where, this.stateElement, this.saveButton);

    // How `.md` files are read (Docusaurus's `markdown.format`).
    this.ruleSelect = make("select", "site-format");
    this.ruleSelect.id = "site-format";
    this.ruleSelect.title = "How .md files are read, as Docusaurus's markdown.format (a file's front matter format comes first)";
    this.ruleSelect.setAttribute("aria-label", "How .md files are read");
    for (const [value, label] of [
      ["mdx", ".md as MDX (Docusaurus default)"],
      ["detect", ".md as Markdown (format: 'detect')"],
    ]) {
      const option = make("option", null, label);
      option.value = value;
      this.ruleSelect.append(option);
    }
    this.ruleSelect.addEventListener("change", () => {
      localStorage.setItem(this.key("format-rule"), this.ruleSelect.value);
      this.requestRender();
    });
    this.saveButton.after(this.ruleSelect);

    const pane = make("aside", "files-pane");
    pane.setAttribute("aria-label", "Site files");
    const header = make("div", "files-header");
    this.countElement = make("span", "files-count");
    header.append(make("span", "files-title", this.name), this.countElement);
    this.searchInput = make("input", "files-search");
    Object.assign(this.searchInput, { type: "search", placeholder: "Search files (Ctrl+P)", id: "files-search" });
    this.searchInput.setAttribute("aria-label", "Search the site's files");
    this.searchInput.addEventListener("input", () => this.renderList());
    this.searchInput.addEventListener("keydown", (event) => this.onSearchKey(event));
    this.listElement = make("div", "file-list");
    this.listElement.id = "file-list";
    this.listElement.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-path]");
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      this.open(link.dataset.path);
    });
    pane.append(header, this.searchInput, this.listElement);
    document.querySelector(".workspace").prepend(pane);

    this.banner = make("div", "site-banner");
    this.banner.id = "site-banner";
    this.banner.setAttribute("role", "alert");
    this.banner.hidden = true;
    document.querySelector(".editor-pane").prepend(this.banner);

    this.missingElement = make("ul", "site-missing");
    this.missingElement.id = "site-missing";
    document.querySelector(".toc-pane").append(this.missingElement);

    this.dialog = make("dialog", "site-dialog");
    this.dialog.id = "site-conflict";
    document.body.append(this.dialog);

    // An image that does not load names the file it looked for.
    document.querySelector("#preview").addEventListener(
      "error",
      (event) => {
        const img = event.target;
        if (!(img instanceof HTMLImageElement) || !this.path) return;
        const src = img.getAttribute("src") ?? "";
        const path = src.startsWith("/_site/raw/")
          ? decodeURIComponent(src.slice("/_site/raw/".length).split("?")[0])
          : resolveSitePath(this.path, src);
        if (!path) return;
        img.title = `not found: ${path}`;
        if (!img.alt.includes(path)) img.alt = img.alt ? `${img.alt} (missing: ${path})` : `missing image: ${path}`;
      },
      true,
    );
  }

  /** Paths listed: the site's documents and any file with a draft. */
  orderedPaths() {
    const paths = new Set(this.documents.keys());
    for (const path of this.draftPaths()) paths.add(path);
    return orderDocuments(paths);
  }

  renderList() {
    if (!this.listElement) return;
    const query = this.searchInput.value.trim();
    const drafts = new Set(this.draftPaths());
    const all = this.orderedPaths();
    const shown = query ? all.filter((path) => matchesQuery(path, query)) : all;
    this.countElement.textContent = query ? `${shown.length} of ${all.length}` : `${all.length} files`;
    const fragment = document.createDocumentFragment();
    let group = null;
    let list = null;
    for (const path of shown.slice(0, MAX_LISTED)) {
      if (groupOf(path) !== group) {
        group = groupOf(path);
        fragment.append(make("div", "file-group", GROUP_TITLES[group]));
        list = fragment.appendChild(make("ul", "file-group-list"));
      }
      const { title, where } = labelOf(path);
      const link = make("a", "file-link");
      link.href = `?file=${encodeURIComponent(path)}`;
      link.dataset.path = path;
      link.title = path;
      link.append(make("span", "file-title", title));
      // (A post right in blog/ needs no "blog" under its name.)
      if (where && where !== group) link.append(make("span", "file-where", where));
      if (drafts.has(path) || (path === this.path && this.dirty)) {
        link.append(make("span", "file-draft", "●"));
        link.classList.add("has-draft");
      }
      if (!this.documents.has(path)) link.classList.add("file-gone");
      if (path === this.path) {
        link.classList.add("current");
        link.setAttribute("aria-current", "page");
      }
      const item = make("li");
      item.append(link);
      list.append(item);
    }
    if (shown.length > MAX_LISTED) {
      fragment.append(make("p", "files-more", `${shown.length - MAX_LISTED} more: type to narrow the list`));
    } else if (shown.length === 0) {
      fragment.append(make("p", "files-more", query ? "No file matches." : "No .md or .mdx files."));
    }
    this.listElement.replaceChildren(fragment);
    this.activeIndex = -1;
  }

  onSearchKey(event) {
    const links = [...this.listElement.querySelectorAll("a[data-path]")];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.activeIndex = Math.max(0, Math.min(links.length - 1, (this.activeIndex ?? -1) + step));
      links.forEach((link, i) => link.classList.toggle("active", i === this.activeIndex));
      links[this.activeIndex]?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      const link = links[Math.max(0, this.activeIndex ?? 0)];
      if (link) this.open(link.dataset.path).then(() => this.view.focus());
    } else if (event.key === "Escape") {
      this.searchInput.value = "";
      this.renderList();
      this.view.focus();
    }
  }

  onKey(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === "s") {
      event.preventDefault();
      this.save();
    } else if (key === "p" && !event.shiftKey) {
      event.preventDefault();
      this.searchInput.focus();
      this.searchInput.select();
    }
  }

  /** The save state in the toolbar, and the Save button. */
  setState() {
    let state;
    let text;
    if (!this.path) [state, text] = ["none", "no file open"];
    else if (this.readOnly) [state, text] = ["error", "read only: not valid UTF-8"];
    else if (this.saving) [state, text] = ["busy", "saving…"];
    else if (this.deleted) [state, text] = ["error", "deleted on disk"];
    else if (this.diskVersion) [state, text] = ["error", "changed on disk"];
    else if (this.dirty) [state, text] = ["unsaved", "unsaved changes"];
    else [state, text] = ["saved", this.lastSaved ? `saved ${this.lastSaved}` : "saved"];
    this.stateElement.dataset.state = state;
    this.stateElement.textContent = text;
    this.saveButton.disabled = !this.path || this.readOnly || !(this.dirty || this.deleted || this.diskVersion);
    this.pathElement.textContent = this.path ?? "";
    const current = this.listElement?.querySelector("a.current");
    if (current) {
      const marked = this.dirty || this.deleted;
      if (marked !== current.classList.contains("has-draft")) this.renderList();
    }
  }

  /** A notice above the editor with buttons: [label, action] pairs. */
  showBanner(kind, message, actions = []) {
    this.banner.dataset.kind = kind;
    this.banner.replaceChildren(make("span", "site-banner-text", message));
    for (const [label, action, id] of actions) {
      const button = make("button", "button", label);
      if (id) button.dataset.action = id;
      button.addEventListener("click", action);
      this.banner.append(button);
    }
    this.banner.hidden = false;
  }

  hideBanner() {
    this.banner.hidden = true;
  }

  /** Missing files of the open document, under the TOC. */
  renderMissing(missing) {
    const signature = JSON.stringify(missing);
    if (signature === this.missingSignature) return;
    this.missingSignature = signature;
    this.missingElement.replaceChildren(
      ...missing.map(({ specifier, path }) => {
        const item = make("li", null, path);
        item.title = `${specifier} → ${path}: no such file`;
        return item;
      }),
    );
  }

  // ---- what the renderer needs ------------------------------------------------

  /** How `.md` files are read, as Docusaurus's `markdown.format`: the
   * writer's choice for this site, else the site config's (`detect` or
   * the default, MDX). */
  get formatRule() {
    return localStorage.getItem(this.key("format-rule")) ?? (this.detect ? "detect" : "mdx");
  }

  /** The format Docusaurus reads the open file in: the front matter's
   * `format`, else the rule (`detect`: by extension). */
  formatFor(source) {
    const front = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(source)?.[1];
    const declared = front && /^format:[ \t]*(['"]?)(md|mdx|detect)\1[ \t]*$/m.exec(front)?.[2];
    const rule = declared ?? this.formatRule;
    if (rule !== "detect") return rule;
    return /\.(md|markdown|mdown|mkdn|mkd|mdwn|mkdown|ron)$/i.test(this.path ?? "") ? "md" : "mdx";
  }

  /** `assets` for the renderer: the open document's files that exist. */
  assetsFor(source) {
    if (!this.path) return {};
    const { assets, missing, paths } = siteAssets(this.path, source, this.assetFiles);
    this.referenced = paths;
    this.renderMissing(missing);
    return assets;
  }

  /** Called by the page after every change of the editor's document. */
  edited(update) {
    if (update.transactions.some((tr) => tr.annotation(loadedFromDisk))) return;
    if (!this.dirty) {
      this.dirty = true;
      this.setState();
    }
    // Whether the text is back to what is on disk (undo), checked when the
    // writer pauses.
    clearTimeout(this.dirtyTimer);
    this.dirtyTimer = setTimeout(() => this.checkDirty(), 150);
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.storeDraft(), 300);
  }

  checkDirty() {
    const dirty = this.savedDoc === null || !this.view.state.doc.eq(this.savedDoc);
    if (dirty !== this.dirty) {
      this.dirty = dirty;
      this.setState();
    }
  }

  // ---- drafts --------------------------------------------------------------

  readDraft(path) {
    try {
      const draft = JSON.parse(localStorage.getItem(this.key(`draft:${path}`)) ?? "null");
      return typeof draft?.text === "string" ? draft : null;
    } catch {
      return null;
    }
  }

  draftPaths() {
    const prefix = this.key("draft:");
    const paths = [];
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(prefix)) paths.push(key.slice(prefix.length));
    }
    return paths;
  }

  /** Keep the open file's unsaved text (or forget it when there is none). */
  storeDraft() {
    clearTimeout(this.draftTimer);
    if (!this.path || this.readOnly) return;
    clearTimeout(this.dirtyTimer);
    this.checkDirty();
    const key = this.key(`draft:${this.path}`);
    try {
      if (this.dirty || this.deleted) {
        localStorage.setItem(key, JSON.stringify({ text: this.view.state.doc.toString(), base: this.base }));
      } else {
        localStorage.removeItem(key);
      }
      if (this.draftFailed) this.hideBanner();
      this.draftFailed = false;
    } catch {
      if (!this.draftFailed) {
        this.showBanner("error", "This draft is too large to keep in the browser: save it, or it will not survive a reload.");
      }
      this.draftFailed = true;
    }
  }

  // ---- opening -----------------------------------------------------------------

  /**
   * Open `path`: its text from disk, or the unsaved draft of it if there is
   * one. `history`: "push" (a new entry), "replace" or null (back/forward).
   */
  async open(path, { history = "push" } = {}) {
    if (!isSitePath(path)) {
      this.showBanner("error", `Refused: ${path} is not a path inside the site.`);
      return false;
    }
    // A save on its way finishes for the file it was made for, and a
    // conflict being asked about is answered first.
    if (this.saving) await this.saving;
    if (this.dialog.open) return false;
    this.storeDraft();
    const seq = ++this.openSeq;
    let response;
    try {
      response = await fetch(`/_site/file/${encodePath(path)}`);
    } catch (error) {
      this.showBanner("error", `Cannot read ${path}: ${error.message ?? error}`);
      return false;
    }
    if (seq !== this.openSeq) return false; // another file was asked for meanwhile
    const draft = this.readDraft(path);
    let text;
    let version;
    let encoding = { bom: false, crlf: false };
    let valid = true;
    if (response.ok) {
      version = response.headers.get("x-mdx-version");
      ({ text, encoding, valid } = decode(new Uint8Array(await response.arrayBuffer())));
      if (seq !== this.openSeq) return false;
    } else if (response.status === 404 && draft) {
      text = null; // deleted on disk, but its draft is here
    } else {
      const { error } = await response.json().catch(() => ({ error: response.statusText }));
      this.showBanner("error", `Cannot open ${path}: ${error}`);
      return false;
    }

    const fresh = path !== this.path;
    this.path = path;
    this.encoding = encoding;
    this.readOnly = !valid;
    this.deleted = text === null;
    this.diskVersion = null;
    this.base = text === null ? draft.base : version;
    this.lastSaved = null;
    replaceDocument(this.view, text ?? "", { fresh });
    this.savedDoc = text === null ? null : this.view.state.doc;
    this.dirty = false;
    this.hideBanner();
    if (draft && draft.text !== text && valid) {
      // The writer's unsaved text: on top of the disk's (Ctrl+Z shows the disk's).
      replaceDocument(this.view, draft.text);
      this.dirty = true;
      if (text === null) {
        this.showDeleted();
      } else if (draft.base !== version) {
        // Saved over by something else since the draft began: saving asks.
        this.diskVersion = version;
        this.showChanged();
      }
    } else if (draft) {
      localStorage.removeItem(this.key(`draft:${path}`));
    }
    if (!valid) {
      this.showBanner("error", `${path} is not valid UTF-8: it is shown with replacement characters and cannot be saved from here.`);
    }
    localStorage.setItem(this.key("last"), path);
    const url = `?file=${encodeURIComponent(path)}${location.hash}`;
    if (history === "push" && fresh) window.history.pushState({ file: path }, "", url);
    else if (history !== null) window.history.replaceState({ file: path }, "", url);
    this.renderList();
    this.setState();
    return true;
  }

  // ---- saving -------------------------------------------------------------------

  /**
   * Write the editor's text to the file. `over`: the disk version the
   * writer chose to replace (after a conflict); otherwise the version the
   * text is based on, and the server refuses if the disk moved on.
   */
  async save({ over } = {}) {
    if (!this.path || this.readOnly) return false;
    // One save at a time; Ctrl+S during a save waits for it.
    if (this.saving) return this.saving.then(() => false);
    const path = this.path;
    const doc = this.view.state.doc;
    const base = over ?? (this.deleted && !this.base ? "absent" : this.base);
    const run = async () => {
      let response;
      try {
        response = await fetch(`/_site/file/${encodePath(path)}`, {
          method: "PUT",
          headers: {
            "content-type": "text/plain; charset=utf-8",
            "x-mdx-preview-token": this.token,
            "x-mdx-base": base ?? "absent",
          },
          body: encode(doc.toString(), this.encoding),
        });
      } catch (error) {
        return { error: `Cannot save ${path}: ${error.message ?? error}. Your text is kept.` };
      }
      const body = await response.json().catch(() => ({}));
      if (response.ok) return { version: body.version };
      if (response.status === 409) return { conflict: body };
      return { error: `Cannot save ${path}: ${body.error ?? response.statusText}. Your text is kept.` };
    };
    this.saving = run();
    this.setState();
    const result = await this.saving;
    this.saving = null;
    if (result.version) {
      this.base = result.version;
      this.savedDoc = doc;
      this.deleted = false;
      this.diskVersion = null;
      this.lastSaved = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      this.hideBanner();
      this.checkDirty();
      this.storeDraft();
      this.setState();
    } else if (result.conflict) {
      this.setState();
      await this.resolveConflict(result.conflict);
    } else {
      this.showBanner("error", result.error);
      this.setState();
    }
    const pending = this.pendingDisk;
    this.pendingDisk = null;
    if (pending) await this.onDiskEvent(pending);
    return Boolean(result.version);
  }

  /** The file changed (or went) on disk since the text was read: ask. */
  async resolveConflict({ version, text }) {
    const choice = await this.ask(
      text === null
        ? `${this.path} was deleted on disk after you opened it.`
        : `${this.path} was changed on disk after you opened it (by another editor, git, …).`,
      text === null
        ? "Write your text to it again, or keep editing without saving."
        : "Keep your text and overwrite the file, or take the version on disk instead of your text (Ctrl+Z brings yours back).",
      text === null
        ? [["keep", "Write mine again"], ["cancel", "Not now"]]
        : [["keep", "Keep mine (overwrite the file)"], ["take", "Take the disk version"], ["cancel", "Not now"]],
    );
    if (choice === "keep") return this.save({ over: version ?? "absent" });
    if (choice === "take") return this.fetchAndTakeDisk();
    this.diskVersion = version;
    if (text === null) this.showDeleted();
    else this.showChanged();
    this.setState();
    return false;
  }

  /** A modal question; resolves to the id of the chosen button ("cancel" on Escape). */
  ask(title, detail, choices) {
    const dialog = this.dialog;
    dialog.replaceChildren(make("h2", "site-dialog-title", title), make("p", "site-dialog-detail", detail));
    const buttons = make("div", "site-dialog-buttons");
    return new Promise((resolve) => {
      const done = (id) => {
        dialog.close();
        resolve(id);
      };
      for (const [id, label] of choices) {
        const button = make("button", `button${id === "keep" ? " primary" : ""}`, label);
        button.dataset.choice = id;
        button.addEventListener("click", () => done(id));
        buttons.append(button);
      }
      dialog.append(buttons);
      dialog.oncancel = (event) => {
        event.preventDefault();
        done("cancel");
      };
      dialog.showModal();
      buttons.querySelector("[data-choice=cancel]")?.focus();
    });
  }

  /** Replace the editor's text with the disk's (undoable). */
  takeDisk(text, version) {
    replaceDocument(this.view, text);
    this.base = version;
    this.savedDoc = this.view.state.doc;
    this.dirty = false;
    this.deleted = false;
    this.diskVersion = null;
    this.hideBanner();
    this.storeDraft();
    this.setState();
    return true;
  }

  showChanged() {
    this.showBanner("conflict", `${this.path} changed on disk. Your unsaved edits are kept; nothing is replaced until you choose.`, [
      ["Take the disk version", () => this.fetchAndTakeDisk(), "take"],
      ["Keep mine (overwrite)", () => this.save({ over: this.diskVersion }), "keep"],
    ]);
  }

  showDeleted() {
    this.showBanner("conflict", `${this.path} was deleted on disk. Your text is still here, unsaved.`, [
      ["Write it again", () => this.save({ over: "absent" }), "keep"],
    ]);
  }

  /** Read the open file and put its text in the editor instead of the writer's (undoable). */
  async fetchAndTakeDisk() {
    const path = this.path;
    const response = await fetch(`/_site/file/${encodePath(path)}`).catch(() => null);
    if (path !== this.path) return false;
    if (!response?.ok) {
      this.showBanner("error", `Cannot read ${path} from disk; your text is kept.`);
      return false;
    }
    const { text, encoding } = decode(new Uint8Array(await response.arrayBuffer()));
    this.encoding = encoding;
    return this.takeDisk(text, response.headers.get("x-mdx-version"));
  }

  // ---- changes on disk -----------------------------------------------------------

  async onDiskEvent(event) {
    if (event.kind === "asset") {
      if (event.type === "removed") this.assetFiles.delete(event.path);
      else this.assetFiles.set(event.path, event.mtime);
      if (this.referenced.has(event.path)) this.requestRender();
      return;
    }
    const listed = this.documents.has(event.path);
    if (event.type === "removed") this.documents.delete(event.path);
    else this.documents.set(event.path, { size: event.size, mtime: event.mtime });
    if (listed !== this.documents.has(event.path)) this.renderList();
    if (event.path !== this.path) return;
    if (this.saving) {
      this.pendingDisk = event;
      return;
    }
    if (event.type === "removed") {
      if (this.deleted) return;
      this.deleted = true;
      this.storeDraft();
      this.showDeleted();
      this.setState();
      return;
    }
    if (event.version && event.version === this.base && !this.deleted) return;
    await this.checkDisk();
  }

  /** Read the open file again; take it if the text has no unsaved edits. */
  async checkDisk() {
    const path = this.path;
    const before = this.view.state.doc;
    let response;
    try {
      response = await fetch(`/_site/file/${encodePath(path)}`);
    } catch {
      return;
    }
    if (path !== this.path || this.saving) return;
    if (response.status === 404) {
      if (!this.deleted) await this.onDiskEvent({ type: "removed", path, kind: "document" });
      return;
    }
    if (!response.ok) return;
    const version = response.headers.get("x-mdx-version");
    const { text, encoding } = decode(new Uint8Array(await response.arrayBuffer()));
    if (path !== this.path || (version === this.base && !this.deleted)) return;
    this.checkDirty();
    if (this.dirty || this.view.state.doc !== before) {
      this.diskVersion = version;
      this.showChanged();
      this.setState();
      return;
    }
    this.encoding = encoding;
    this.takeDisk(text, version);
    this.showBanner("info", `${path} was changed on disk; the editor shows the new text.`);
    clearTimeout(this.infoTimer);
    this.infoTimer = setTimeout(() => {
      if (this.banner.dataset.kind === "info") this.hideBanner();
    }, 4000);
  }
}
