// Talks to the render worker. At most one render is in flight; edits made
// meanwhile are coalesced into one pending request (the latest source), so
// the worker never falls behind the writer. Every request has a sequence
// number and a result older than the last one shown is dropped. A render
// that takes longer than the budget is abandoned: the worker is terminated
// and a fresh one started, and `onTimeout` lets the page say so while the
// last good preview stays.

export class RenderClient {
  /**
   * @param {object} handlers { onResult(result, request, ms, patch), onTimeout(request), onError(message) }
   * @param {number} budgetMs time a single render may take
   */
  constructor(handlers, budgetMs) {
    this.handlers = handlers;
    this.budgetMs = budgetMs;
    this.seq = 0;
    this.shownSeq = 0;
    this.inFlight = null;
    this.pending = null;
    this.timer = 0;
    this.ready = false;
    this.start();
  }

  start() {
    this.ready = false;
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.handlers.onError(`render worker failed: ${event.message ?? "error"}`);
  }

  /** Render `source` with `options` (the newest request wins). */
  request(source, options, context = {}) {
    this.seq += 1;
    this.pending = { seq: this.seq, source, options, context };
    this.flush();
  }

  /** Have the next result carry the whole preview and every field. */
  resync() {
    if (this.ready) this.worker.postMessage({ type: "resync" });
  }

  get busy() {
    return this.inFlight !== null;
  }

  flush() {
    if (!this.ready || this.inFlight || !this.pending) return;
    const request = this.pending;
    this.pending = null;
    this.inFlight = request;
    request.sentAt = performance.now();
    this.worker.postMessage({ seq: request.seq, source: request.source, options: request.options });
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
    if (data.seq > this.shownSeq) {
      this.shownSeq = data.seq;
      if (data.type === "result") this.handlers.onResult(data.result, request, data.ms, data.patch);
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
    this.start();
  }
}
