// Shared by the end-to-end tests: how Chromium is started here, and small
// valid PNG files made on the spot (no binary test data).
import { deflateSync } from "node:zlib";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
];

/**
 * A page in a fresh browser context (closed after test `t`; `options` are
 * the context's): dialogs are dismissed and recorded, page errors recorded,
 * and nothing but 127.0.0.1 can be reached.
 */
export async function freshPage(browser, t, options) {
  const context = await browser.newContext(options);
  t.after(() => context.close().catch(() => {}));
  const page = await context.newPage();
  const events = { dialogs: [], errors: [] };
  page.on("dialog", (dialog) => {
    events.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on("pageerror", (error) => events.errors.push(error.message));
  // Nothing may leave the machine.
  await context.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
  return { page, events, context };
}

/** A valid PNG built here: `colour(x, y)` gives each pixel's [r, g, b]. */
export function png(width, height, colour) {
  if (Array.isArray(colour)) {
    const solid = colour;
    colour = () => solid;
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const pixels = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set(colour(x, y), y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A bar chart, so the screenshot shows a figure where the post has one. */
export function chart(x, y) {
  const heights = [120, 150, 95, 170, 135, 185];
  const bar = Math.floor((x - 40) / 72);
  const inBar = x >= 40 && (x - 40) % 72 < 48 && bar < heights.length;
  if (y === 200 && x >= 30 && x <= 470) return [150, 155, 160];
  if (inBar && y < 200 && y >= 200 - heights[bar]) return bar === 5 ? [37, 194, 160] : [46, 133, 85];
  return [246, 248, 250];
}
