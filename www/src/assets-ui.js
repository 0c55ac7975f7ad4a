// The page's controls for the writer's own images: drop files or a folder
// onto the page, or pick them with Add images / Add folder; the list of
// what was added under the table of contents; Clear assets.
import { filesOfDrop } from "./assets.js";

const $ = (selector) => document.querySelector(selector);

/** Wire the controls to `assets` (an AssetStore); `changed()` re-renders. */
export function handleAssets(assets, changed) {
  const renderList = () => {
    const list = $("#asset-list");
    list.replaceChildren();
    for (const path of assets.list()) list.append(Object.assign(document.createElement("li"), { textContent: path }));
    $("#assets-count").textContent = assets.size ? `${assets.size} asset${assets.size === 1 ? "" : "s"}` : "";
    $("#assets-clear").hidden = assets.size === 0;
  };
  const add = (entries) => {
    const added = assets.add(entries);
    renderList();
    if (added) changed();
  };

  let dragDepth = 0;
  const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes("Files");
  window.addEventListener("dragenter", (event) => {
    if (!carriesFiles(event)) return;
    dragDepth += 1;
    document.body.classList.add("dragging");
  });
  window.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) document.body.classList.remove("dragging");
  });
  window.addEventListener("dragover", (event) => {
    if (carriesFiles(event)) event.preventDefault();
  });
  window.addEventListener("drop", async (event) => {
    dragDepth = 0;
    document.body.classList.remove("dragging");
    if (!event.dataTransfer || event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    // The editor would insert a dropped file's name: the page takes it.
    event.stopPropagation();
    add(await filesOfDrop(event.dataTransfer));
  }, true);

  for (const id of ["#asset-files", "#asset-folder"]) {
    $(id).addEventListener("change", (event) => {
      add([...event.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, file })));
      event.target.value = "";
    });
  }
  $("#assets-clear").addEventListener("click", () => {
    assets.clear();
    renderList();
    changed();
  });
}
