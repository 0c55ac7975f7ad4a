// The table of contents beside the preview: nested by level, the section
// being read highlighted, a click scrolls the preview to its heading.

/** Build nested lists from the flat `toc` of a render. */
export function renderToc(container, toc, onPick) {
  container.replaceChildren();
  if (toc.length === 0) {
    const empty = document.createElement("p");
    empty.className = "toc-empty";
    empty.textContent = "No headings yet.";
    container.append(empty);
    return;
  }
  const top = Math.min(...toc.map((entry) => entry.level));
  const root = document.createElement("ul");
  // stack[i] is the list for depth i; a deeper entry opens a list inside the
  // last item of the level above (Docusaurus nests the same way).
  const stack = [root];
  let lastItem = null;
  for (const entry of toc) {
    const depth = entry.level - top;
    while (stack.length - 1 < depth && lastItem) {
      const list = document.createElement("ul");
      lastItem.append(list);
      stack.push(list);
    }
    while (stack.length - 1 > depth) stack.pop();
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#${entry.id}`;
    link.dataset.id = entry.id;
    link.dataset.line = String(entry.line);
    // `value` is the renderer's sanitized heading HTML (code, em, strong, del).
    link.innerHTML = entry.value;
    link.title = entry.text;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      onPick(entry);
    });
    item.append(link);
    stack[stack.length - 1].append(item);
    lastItem = item;
  }
  container.append(root);
}

/** Mark the link of the heading at the top of `scroller` as current. */
export function highlightCurrent(container, scroller, preview) {
  const links = [...container.querySelectorAll("a[data-id]")];
  if (links.length === 0) return null;
  const top = scroller.getBoundingClientRect().top + 30;
  let current = null;
  for (const link of links) {
    const heading = document.getElementById(link.dataset.id);
    if (!heading || !preview.contains(heading)) continue;
    if (heading.getBoundingClientRect().top <= top) current = link;
    else break;
  }
  // At the very bottom, the last heading that can be seen is the current one.
  const scrollable = scroller.scrollHeight > scroller.clientHeight + 2;
  if (scrollable && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2) {
    current = links[links.length - 1];
  }
  current ??= links[0];
  for (const link of links) link.classList.toggle("active", link === current);
  return current;
}
