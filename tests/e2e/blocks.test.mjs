// The worker's split of the renderer's HTML into top-level blocks
// (www/src/blocks.js), on every fixture's expected output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { splitBlocks } from "../../www/src/blocks.js";

const FIXTURES = new URL("../fixtures/", import.meta.url);

function outputs() {
  const found = [];
  for (const feature of readdirSync(FIXTURES)) {
    for (const name of readdirSync(new URL(`${feature}/`, FIXTURES))) {
      const file = new URL(`${feature}/${name}/output.html`, FIXTURES);
      if (existsSync(file)) found.push([`${feature}/${name}`, readFileSync(file, "utf8")]);
    }
  }
  return found;
}

test("every fixture output splits into its top-level blocks", () => {
  const all = outputs();
  assert.ok(all.length > 20, `fixtures: ${all.length}`);
  let split = 0;
  for (const [name, html] of all) {
    const blocks = splitBlocks(html);
    if (!html.includes("data-line")) continue;
    assert.notEqual(blocks, null, `${name} could not be split`);
    split += 1;
    // The pieces are the HTML, in order, minus whitespace between blocks.
    assert.equal(blocks.map((b) => b.html).join("").replace(/\s+/g, ""), html.replace(/\s+/g, ""), name);
    for (const block of blocks) {
      assert.match(block.html, /^<[a-z0-9]+[ >]/, name);
      assert.equal(block.html.split(" data-line=").length, 2, `${name}: one data-line per block`);
      assert.ok(!block.key.includes(" data-line="), name);
    }
  }
  assert.ok(split > 20, `fixtures split: ${split}`);
});

test("the key does not depend on the line", () => {
  const [a] = splitBlocks('<p data-line="3">Hi <em>there</em></p>\n');
  const [b] = splitBlocks('<p data-line="9">Hi <em>there</em></p>\n');
  assert.equal(a.key, b.key);
  assert.equal(a.key, "<p>Hi <em>there</em></p>");
  assert.deepEqual([a.line, b.line], ["3", "9"]);
});

test("an unsafe split gives null (the page then parses the whole HTML)", () => {
  // A nested element with data-line would cut its parent in two.
  assert.equal(splitBlocks('<div data-line="1"><p data-line="2">x</p></div>'), null);
  assert.equal(splitBlocks('<div class="a" data-line="1"><p class="b" data-line="2">x</p></div>'), null);
  // Something before the first block.
  assert.equal(splitBlocks('text <p data-line="1">x</p>'), null);
  // No data-line at all (sourceLines: false).
  assert.equal(splitBlocks("<p>x</p>"), null);
  assert.deepEqual(splitBlocks(""), []);
  // Attribute values with > and void elements are fine.
  const blocks = splitBlocks(
    '<p data-line="1"><img alt="a > b" src="x.png" /><br></p>\n<aside class="admonition" data-line="2">\n<p>x</p>\n</aside>\n',
  );
  assert.deepEqual(blocks.map((b) => b.key), ['<p><img alt="a > b" src="x.png" /><br></p>', '<aside class="admonition">\n<p>x</p>\n</aside>']);
  assert.deepEqual(blocks.map((b) => b.line), ["1", "2"]);
});
