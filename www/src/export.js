// Export HTML: the post as shown, as a standalone page to download.
import BLOG_CSS from "./blog.css";

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** A file name for `title`: letters and digits, runs of anything else as `-`. */
function fileName(title) {
  return title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "post";
}

/**
 * A standalone page: the sanitized HTML as shown (with the page's code
 * colouring and typeset math), the blog styles, and no script at all; its
 * CSP forbids scripts in case the file is opened anywhere.
 */
function standalonePage(title, html, theme) {
  return `<!doctype html>
<html lang="en" data-theme="${theme === "dark" ? "dark" : "light"}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data: blob: http: https:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { margin: 0; background: var(--bg); }
main { max-width: 820px; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; }
${BLOG_CSS}
</style>
</head>
<body>
<main><article class="markdown">
${html}
</article></main>
</body>
</html>
`;
}

/** Download the preview (`html`) as `title`'s page. */
export function exportPage(title, html, theme) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([standalonePage(title, html, theme)], { type: "text/html" }));
  link.download = `${fileName(title)}.html`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
