// Docusaurus shows the front matter's title, date and tags above the post.

/** Fill `header` from `frontmatter`; the title only when the post has no h1
 * of its own (`hasH1`). */
export function showPostHeader(header, frontmatter, hasH1) {
  const fm = frontmatter ?? {};
  const title = typeof fm.title === "string" && !hasH1 ? fm.title : null;
  const date = typeof fm.date === "string" || typeof fm.date === "number" ? String(fm.date) : null;
  const tags = Array.isArray(fm.tags) ? fm.tags.filter((t) => typeof t === "string") : [];
  header.replaceChildren();
  header.hidden = !title && !date && tags.length === 0;
  if (title) header.append(Object.assign(document.createElement("h1"), { textContent: title }));
  if (date) header.append(Object.assign(document.createElement("time"), { textContent: date }));
  if (tags.length) {
    const list = document.createElement("ul");
    list.className = "post-tags";
    for (const tag of tags) list.append(Object.assign(document.createElement("li"), { textContent: tag }));
    header.append(list);
  }
}
