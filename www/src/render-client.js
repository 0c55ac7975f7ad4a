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
    this.start();
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
    if (this.edits !== null) {
      changes.iterChanges((fromA, toA, fromB, _toB, inserted) => {
        // Applied in order, each change sees the ones before it done:
        // its start is where the new document has it.
        this.edits.push([fromB, fromB + (toA - fromA), inserted.toString()]);
      });
      if (this.edits.length > MAX_EDITS) this.edits = null;
    }
    this.request();
  }

  /** Render again, sending the whole text (a new file, new options, a
   * preview out of step). */
  reopen() {
    this.edits = null;
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
    const request = { seq, doc, context, sentAt: performance.now() };
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
