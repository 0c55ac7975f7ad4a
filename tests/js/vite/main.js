// A Vite app that imports the package by name, as an npm user would.
import init, * as mod from "mdx-preview";
import seed from "./seed.mdx?raw";
import { runChecks } from "./checks.mjs";

try {
  await init();
  window.__result = await runChecks(mod, seed);
} catch (error) {
  window.__result = { failed: String((error && error.stack) || error) };
}
