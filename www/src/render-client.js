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
// before the frame, and the worker only renders from scratch. Local
// rendering starts when the page is idle after the worker has rendered
// an edit cheaply or the whole text quickly (the page's first render, of
// the whole text, happens then), and stops when edits are no longer
// cheap: too large a change, or renders over LOCAL_MAX_MS (the worker
// takes over from there, with the text).
/** Longest document rendered locally (its first render is a full one),
 * and the longest the worker's render of the whole may have taken. */
const LOCAL_MAX_LENGTH = 200_000;
const LOCAL_MAX_OPEN_MS = 100;
/** Edits slower than this hand rendering back to the worker (two in a
 * row, or one four times as slow). */
const LOCAL_MAX_MS = 8;
/** A change inserting or deleting more than this goes to the worker. */
const LOCAL_MAX_CHANGE = 4_000;

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
    /** `async () => Session` (set by `renderLocally`), and the idle
     * callback that will start local rendering, if one is waiting. */
    this.loadLocal = null;
    this.localIdle = 0;
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
    this.request();
  }

  /** Render what the editor has now (the newest request wins). */
  request() {
    this.dirty = true;
    this.flush();
  }

  get busy() {
    return this.inFlight !== null;
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
    // The worker has just rendered an edit cheaply, or the whole text
    // quickly enough to do it again here once.
    if (data.type !== "result") return;
    const cheap = request.open ? data.ms <= LOCAL_MAX_OPEN_MS : !data.change.full && data.ms <= LOCAL_MAX_MS / 4;
    if (cheap) this.startLocalWhenIdle();
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
    if (this.localSlow >= 2 || ms > 4 * LOCAL_MAX_MS) this.stopLocal();
  }

  /** Stop rendering locally: the worker renders from the text on. */
  stopLocal() {
    this.local?.free();
    this.local = null;
    this.localEdits = [];
    this.edits = null;
  }

  /** Start rendering locally once the page is idle, if it still may:
   * nothing in flight or waiting, a short enough document, the same
   * options. Its first render is of the whole document. */
  startLocalWhenIdle() {
    if (this.loadLocal === null || this.local !== null || this.localIdle) return;
    const idle = globalThis.requestIdleCallback ?? ((callback) => setTimeout(callback, 50));
    this.localIdle = idle(async () => {
      this.localIdle = 0;
      const tooLong = () => this.snapshot().doc.length > LOCAL_MAX_LENGTH;
      if (this.local !== null || this.inFlight || this.dirty || tooLong()) return;
      let session;
      try {
        session = await this.loadLocal();
      } catch {
        this.loadLocal = null; // no wasm on this thread: the worker only
        return;
      }
      const { doc, options } = this.snapshot();
      if (this.local !== null || this.inFlight || this.dirty || doc.length > LOCAL_MAX_LENGTH) {
        session.free();
        return;
      }
      try {
        session.open({ source: doc.toString(), options });
      } catch {
        session.free();
        return;
      }
      this.local = session;
      this.localEdits = [];
      this.localSlow = 0;
      this.edits = null; // the worker's text is not kept up to date
    }, { timeout: 1000 });
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
