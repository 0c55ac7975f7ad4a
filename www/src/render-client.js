// Talks to the render worker (worker.js). The worker keeps the document as
// the editor does and is sent the editor's changes, not its text: each
// CodeMirror change becomes a `Renderer.edit` there. At most one message
// is in flight; changes made meanwhile are collected into the next one, so
// the worker never falls behind the writer. The whole text is sent
// ("open") at the start, when the options change, after too many changes
// to be worth sending one by one, when the worker says its text is not
// the page's (the document length travels with every message), when the
// page's preview is not as the patches left it, and to a fresh worker.
//
// A render that takes longer than the budget is abandoned: the worker is
// terminated and a fresh one started, and `onTimeout` lets the page say so
// while the last good preview stays.

/** More changes than this in one message: send the text instead. */
const MAX_EDITS = 200;

// Rendering on the page's own thread ("local"): a keystroke handed to the
// worker is patched into the preview a frame later at best (the browser
// draws the editor's change first, then takes the worker's answer), while
// most keystrokes take well under a millisecond to render. So while edits
// are cheap the page keeps its own Renderer in step and renders each edit
// before the frame, and the worker only renders from scratch.
//
// The page's Renderer is loaded in background tasks, a slice of text at a
// time (the first slice opened, each next one appended, which the engine
// renders as cheaply as the blocks it adds), so that loading it never
// holds up a keystroke for a full render; the edits made meanwhile go to
// the worker and are applied once the whole text is in. Loading starts
// with the text's first render (in step with the worker's) and after the
// worker has rendered an edit cheaply; local rendering stops when edits
// are no longer cheap: too large a change (loading starts again), or
// renders over LOCAL_MAX_MS (the worker takes over, with the text, until
// it renders an edit cheaply).
/** Longest document rendered locally. */
const LOCAL_MAX_LENGTH = 200_000;
/** Edits slower than this hand rendering back to the worker (two in a
 * row, or one four times as slow). */
const LOCAL_MAX_MS = 8;
/** A change inserting or deleting more than this goes to the worker. */
const LOCAL_MAX_CHANGE = 4_000;
/** Characters loaded per slice (up to the next blank line), and the time
 * one task may spend loading (a key pressed meanwhile waits for it). */
const LOAD_SLICE = 2_000;
const LOAD_BUDGET_MS = 5;

/** Where the slice of `text` loaded from `at` ends: after the blank line
 * following LOAD_SLICE characters, else after a line, else at the end. */
function sliceEnd(text, at) {
  const from = at + LOAD_SLICE;
  if (from >= text.length) return text.length;
  const blank = text.indexOf("\n\n", from);
  if (blank >= 0 && blank < from + 4 * LOAD_SLICE) return blank + 2;
  const line = text.indexOf("\n", from);
  return line < 0 ? text.length : line + 1;
}

/** Run `task` soon, after whatever the page has to do first (input,
 * frames): a background task where the browser has them. */
const later = globalThis.scheduler?.postTask
  ? (task) => globalThis.scheduler.postTask(task, { priority: "background" })
  : (task) => setTimeout(task, 0);

/** Append a CodeMirror ChangeSet's changes to `edits` as
 * `[from, to, text]`, each in the positions of the document the ones
 * before it made (so they apply in order); how many characters they
 * insert and delete. */
function pushEdits(changes, edits) {
  let size = 0;
  changes.iterChanges((fromA, toA, fromB, _toB, inserted) => {
    edits.push([fromB, fromB + (toA - fromA), inserted.toString()]);
    size += toA - fromA + inserted.length;
  });
  return size;
}

export class RenderClient {
  /**
   * @param {object} handlers { onResult(message, request), onTimeout(request), onError(message) }
   *   `message` is the worker's result message (`result`, `change`, `ms`);
   *   `request` the request's `context` and `doc`.
   * @param {() => { doc, options }} snapshot the editor's document (a
   *   CodeMirror Text) and the render options now
   * @param {number} budgetMs time a single render may take
   */
  constructor(handlers, snapshot, budgetMs) {
    this.handlers = handlers;
    this.snapshot = snapshot;
    this.budgetMs = budgetMs;
    this.seq = 0;
    this.shownSeq = 0;
    this.inFlight = null;
    /** Edits since the last message sent, or null: send the text. */
    this.edits = null;
    this.dirty = false;
    this.optionsKey = null;
    this.timer = 0;
    this.ready = false;
    /** The local Session while rendering locally, its edits not yet rendered. */
    this.local = null;
    this.localEdits = [];
    this.localQueued = false;
    this.localSlow = 0;
    /** `async () => Session` (set by `renderLocally`); the Session being
     * loaded ({ session, text, at, key, pending, size }: `text`
     * loaded up to `at`, `pending` the edits made since, of `size`
     * characters); whether a task to load more is queued; whether the
     * last local renders were slow (no loading until an edit is cheap). */
    this.loadLocal = null;
    this.loading = null;
    this.loadQueued = false;
    this.slow = false;
    this.start();
  }

  /** Render cheap edits on the page's thread (see LOCAL_MAX_MS);
   * `load` gives a fresh Session on the page's thread. */
  renderLocally(load) {
    this.loadLocal = load;
  }

  start() {
    this.ready = false;
    this.edits = null; // a fresh worker has no text
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.handlers.onError(`render worker failed: ${event.message ?? "error"}`);
  }

  /** The editor changed: `changes` (a CodeMirror ChangeSet) from the document
   * the worker was last sent (or is being sent). */
  changed(changes) {
    if (this.local !== null) {
      const size = pushEdits(changes, this.localEdits);
      if (size <= LOCAL_MAX_CHANGE) {
        // Once the editor's update is over (showing a result dispatches
        // lint marks to it), before the browser draws it.
        if (!this.localQueued) {
          this.localQueued = true;
          queueMicrotask(() => this.renderLocal());
        }
        return;
      }
      this.stopLocal();
      this.loadSoon();
    } else if (this.loading !== null) {
      this.loading.size += pushEdits(changes, this.loading.pending);
      if (this.loading.size > LOCAL_MAX_CHANGE) {
        this.cancelLoading();
        this.loadSoon();
      }
    }
    if (this.edits !== null) {
      pushEdits(changes, this.edits);
      if (this.edits.length > MAX_EDITS) this.edits = null;
    }
    this.request();
  }

  /** Render again, sending the whole text (a new file, new options, a
   * preview out of step). */
  reopen() {
    this.stopLocal();
    this.cancelLoading();
    this.slow = false;
    this.request();
    this.loadSoon();
  }

  /** Render what the editor has now (the newest request wins). */
  request() {
    this.dirty = true;
    this.flush();
  }

  get busy() {
    return this.inFlight !== null;
  }

  /** Nothing in flight and no Session being loaded. */
  get settled() {
    return this.inFlight === null && this.loading === null && !this.loadQueued;
  }

  flush() {
    if (!this.ready || this.inFlight || !this.dirty) return;
    const { doc, options, context } = this.snapshot();
    const key = JSON.stringify(options);
    const seq = ++this.seq;
    let message;
    if (this.edits === null || key !== this.optionsKey) {
      message = { type: "open", seq, source: doc.toString(), options };
    } else {
      message = { type: "edits", seq, edits: this.edits, length: doc.length };
    }
    this.optionsKey = key;
    this.edits = [];
    this.dirty = false;
    const request = { seq, doc, context, sentAt: performance.now(), open: message.type === "open" };
    this.inFlight = request;
    this.worker.postMessage(message);
    this.timer = setTimeout(() => this.abandon(request), this.budgetMs);
  }

  receive(data) {
    if (data.type === "ready") {
      this.ready = true;
      this.flush();
      return;
    }
    if (data.type === "fatal") {
      this.handlers.onError(`the renderer could not start: ${data.message}`);
      return;
    }
    const request = this.inFlight;
    if (!request || request.seq !== data.seq) return; // from an abandoned render
    clearTimeout(this.timer);
    this.inFlight = null;
    if (data.type === "resync" || data.type === "error") {
      // Out of step (or no renderer after an error): the text next time.
      this.edits = null;
      if (data.type === "resync") this.dirty = true;
    }
    if (data.seq > this.shownSeq && data.type !== "resync") {
      this.shownSeq = data.seq;
      if (data.type === "result") this.handlers.onResult(data, request);
      else this.handlers.onError(data.message);
    }
    this.flush();
    // The worker has rendered the whole text, or an edit cheaply.
    if (data.type !== "result") return;
    if (!request.open && !data.change.full && data.ms <= LOCAL_MAX_MS / 4) this.slow = false;
    this.loadSoon();
  }

  /** Render the edits since the last local render, on this thread, and
   * show the result; hand over to the worker when that was not cheap. */
  renderLocal() {
    this.localQueued = false;
    const session = this.local;
    if (session === null || this.localEdits.length === 0) return;
    const edits = this.localEdits;
    this.localEdits = [];
    const { doc, options, context } = this.snapshot();
    let done = null;
    const start = performance.now();
    if (JSON.stringify(options) === session.key) {
      try {
        done = session.edit({ edits, length: doc.length });
      } catch {
        done = null;
      }
    }
    const ms = performance.now() - start;
    if (done === null) {
      // Options changed, out of step, or a failed render: the worker.
      this.stopLocal();
      this.request();
      return;
    }
    const seq = ++this.seq;
    this.shownSeq = seq;
    const now = performance.timeOrigin + performance.now();
    const message = {
      type: "result",
      seq,
      ms,
      length: session.length,
      result: session.message(done.result),
      change: done.change,
      receivedAt: performance.timeOrigin + start,
      sentAt: now,
      local: true,
    };
    this.handlers.onResult(message, { seq, doc, context, sentAt: start });
    // Two slow edits in a row (one may be the engine's code not yet
    // compiled at full speed), or one very slow one.
    this.localSlow = ms > LOCAL_MAX_MS ? this.localSlow + 1 : 0;
    if (this.localSlow >= 2 || ms > 4 * LOCAL_MAX_MS) {
      this.stopLocal();
      this.slow = true;
    }
  }

  /** Stop rendering locally: the worker renders from the text on. */
  stopLocal() {
    this.local?.free();
    this.local = null;
    this.localEdits = [];
    this.edits = null;
  }

  /** Load the local Session in a background task, if it may be used: a
   * short enough document, edits not known to be slow. */
  loadSoon() {
    if (this.loadLocal === null || this.local !== null || this.loadQueued || this.slow) return;
    if (this.loading === null && this.snapshot().doc.length > LOCAL_MAX_LENGTH) return;
    this.loadQueued = true;
    later(() => {
      this.loadQueued = false;
      this.loadSome().catch(() => this.cancelLoading());
    });
  }

  /** One task's loading: slices of the text for up to LOAD_BUDGET_MS
   * (at least one); once the whole text is in, the edits made meanwhile,
   * and rendering goes local when nothing is waiting for the worker (the
   * preview then shows the text the local Session has). */
  async loadSome() {
    if (this.local !== null || this.slow) return;
    const began = performance.now();
    let sliced = false;
    let session = null;
    if (this.loading === null) {
      try {
        session = await this.loadLocal();
      } catch {
        this.loadLocal = null; // no wasm on this thread: the worker only
        return;
      }
    }
    // The editor's document and options for the whole of this task.
    const { doc, options } = this.snapshot();
    const key = JSON.stringify(options);
    if (session !== null) {
      if (this.local !== null || this.loading !== null || this.slow || doc.length > LOCAL_MAX_LENGTH) {
        session.free();
        return;
      }
      const text = doc.toString();
      const end = sliceEnd(text, 0);
      try {
        session.open({ source: text.slice(0, end), options });
      } catch (error) {
        session.free();
        throw error;
      }
      this.loading = { session, text, at: end, key, pending: [], size: 0 };
      sliced = true;
    }
    const loading = this.loading;
    if (key !== loading.key) {
      this.cancelLoading();
      this.loadSoon();
      return;
    }
    while (loading.at < loading.text.length && (!sliced || performance.now() - began < LOAD_BUDGET_MS)) {
      sliced = true;
      const end = sliceEnd(loading.text, loading.at);
      const slice = loading.text.slice(loading.at, end);
      if (loading.session.edit({ edits: [[loading.at, loading.at, slice]], length: end }) === null) {
        throw new Error("the local Session is out of step");
      }
      loading.at = end;
    }
    if (loading.at < loading.text.length) {
      this.loadSoon();
      return;
    }
    if (loading.pending.length > 0) {
      if (loading.session.edit({ edits: loading.pending, length: doc.length }) === null) {
        throw new Error("the local Session is out of step");
      }
      loading.pending = [];
      loading.size = 0;
    }
    if (this.inFlight || this.dirty) return; // after the worker's answer (receive)
    this.loading = null;
    this.local = loading.session;
    this.localEdits = [];
    this.localSlow = 0;
    this.edits = null; // the worker's text is not kept up to date
  }

  /** Drop the Session being loaded, if any. */
  cancelLoading() {
    this.loading?.session.free();
    this.loading = null;
  }

  abandon(request) {
    if (this.inFlight !== request) return;
    this.worker.terminate();
    this.inFlight = null;
    this.handlers.onTimeout(request);
    // A fresh worker; whatever the writer typed meanwhile is sent to it.
    this.dirty = true;
    this.start();
  }
}
