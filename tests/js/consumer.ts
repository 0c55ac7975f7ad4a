// A TypeScript consumer of the package: `make test-js` checks it with
// `tsc --strict --noEmit` against pkg/'s .d.ts (never run).
import init, {
  render,
  Renderer,
  Preview,
  type RenderOptions,
  type RenderResult,
  type TocEntry,
  type Diagnostic,
} from "mdx-preview";

const options: RenderOptions = {
  format: "md",
  assets: { "./a.png": "blob:x" },
  baseUrl: "https://example.com/blog/",
  toc: { minLevel: 2, maxLevel: 4 },
  idPrefix: "p-",
  sourceLines: false,
  math: true,
  sanitize: { allowStyle: false, allowRemoteImages: false, allowClasses: ["text--center"] },
};

export async function main(element: Element): Promise<string> {
  await init();
  const result: RenderResult = render("# Hi", options);
  const noOptions: RenderResult = render("# Hi");
  const html: string = result.html + noOptions.html;
  const title: string | null = result.title;
  const front: { [key: string]: unknown } | null = result.frontmatter;
  const entries: TocEntry[] = result.toc;
  const levels: number[] = entries.map((e) => e.level + e.line);
  const problems: Diagnostic[] = result.diagnostics;
  for (const d of problems) {
    const severity: "error" | "warning" | "info" = d.severity;
    const fix: string | undefined = d.suggestion;
    const where: number = d.line + d.column + d.endLine + d.endColumn + d.offset + d.endOffset;
    console.log(severity, d.ruleId, d.message, fix, where);
  }
  const renderer = new Renderer({ toc: { maxLevel: 6 } });
  const again: RenderResult = renderer.render("## x");
  renderer.free();
  const preview = new Preview(element, { idPrefix: "" });
  const shown: RenderResult = preview.update("# live");
  preview.free();
  // @ts-expect-error unknown options are a type error too
  render("x", { sourceline: false });
  // @ts-expect-error format is "mdx" | "md"
  render("x", { format: "rst" });
  return html + title + String(front) + levels.join() + again.html + shown.html;
}
