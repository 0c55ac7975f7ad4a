// Engine block changes put together: the worker applies a message's edits
// one by one (each `Renderer.edit` says which blocks it changed) and sends
// the page one change for all of them. A change replaces blocks
// `start .. start + removed` of the previous update by `blocks`; the blocks
// after it are unchanged but for their lines, moved by `lineShift`.

/**
 * One change equivalent to `changes` applied in order to `count` blocks.
 * `blocks()` gives the HTML of every block after the last change (called
 * only when there is more than one change). A `full` change anywhere makes
 * the result full (every block).
 */
export function composeChanges(changes, count, blocks) {
  if (changes.length === 1) return changes[0];
  if (changes.some((change) => change.full)) {
    return { start: 0, removed: 0, blocks: blocks(), lineShift: 0, full: true };
  }
  // The range in the first and the last block list: from the first block
  // any change touched to the last, with as many untouched blocks after
  // it in both (`tail`: the fewest any change left after its range).
  let start = Infinity;
  let tail = Infinity;
  let lineShift = 0;
  const first = count;
  for (const change of changes) {
    const after = count - change.start - change.removed;
    if (after < 0) throw new Error("composeChanges: a change past the end of the blocks");
    start = Math.min(start, change.start);
    tail = Math.min(tail, after);
    lineShift += change.lineShift;
    count = change.start + change.blocks.length + after;
  }
  const all = blocks();
  if (all.length !== count) throw new Error(`composeChanges: ${all.length} blocks, expected ${count}`);
  return { start, removed: first - tail - start, blocks: all.slice(start, count - tail), lineShift, full: false };
}
