// What the page does with clicks and loads in the preview: Docusaurus tabs
// switch, in-document links scroll the preview, other links open a new tab
// (the editor page is never navigated away), and relative images that fail
// to load become placeholders.

/** Scroll `scroller` so that `element` is at its top. */
export function scrollToElement(scroller, element, corrections = 2) {
  const top = element.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  scroller.scrollTo({ top: scroller.scrollTop + top - 12 });
  // In a very long post the blocks out of view have estimated heights
  // (content-visibility): once the ones around the target are laid out,
  // correct the position.
  if (corrections > 0 && scroller.querySelector(".huge")) {
    requestAnimationFrame(() => scrollToElement(scroller, element, corrections - 1));
  }
}

function switchTab(event) {
  const tab = event.target.closest?.(".tabs-item");
  const container = tab?.closest(".tabs-container");
  if (!tab || !container) return;
  const tabs = [...tab.parentElement.children];
  const panels = [...container.querySelectorAll(":scope > .tabs-panels > .tab-panel")];
  tabs.forEach((item, i) => {
    const active = item === tab;
    item.classList.toggle("tabs-item-active", active);
    item.setAttribute("aria-selected", String(active));
    panels[i]?.toggleAttribute("hidden", !active);
  });
}

/** Wire the preview element (`preview`) inside its scroller. */
export function handlePreviewEvents(preview, scroller) {
  // Relative images the writer has not dropped yet fail to load: show them
  // as placeholders, like the renderer's own missing-asset images.
  preview.addEventListener(
    "error",
    (event) => {
      if (event.target instanceof HTMLImageElement) event.target.classList.add("mdx-broken-image");
    },
    true,
  );
  // Docusaurus tabs switch on click (the page's own code on the renderer's
  // static markup: the panels are all there, one visible).
  preview.addEventListener("click", switchTab);
  preview.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[href]");
    if (!link || event.defaultPrevented) return;
    event.preventDefault();
    const href = link.getAttribute("href");
    if (href.startsWith("#")) {
      const id = decodeURIComponent(href.slice(1));
      const target = preview.querySelector(`[id="${CSS.escape(id)}"], [name="${CSS.escape(id)}"]`);
      if (target) scrollToElement(scroller, target);
    } else if (/^(https?:|mailto:)/i.test(link.href)) {
      window.open(link.href, "_blank", "noopener,noreferrer");
    }
  });
}
