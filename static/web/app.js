// sharify web app: small improvements over pages that work without it.
// - Drag and drop reorders tracks (the Up/Down buttons stay the keyboard way).
// - A file dropped on the import form is put into its file field.
// - While tracks are being looked up, the playlist page reloads itself every few seconds
//   (never while a control has the focus or a form was changed) until none is left.
"use strict";

function postForm(action, fields) {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

function enableDragAndDrop(list) {
  const csrf = document.querySelector("input[name=csrf]");
  if (!csrf || !list.querySelector("form[action$='/move']")) return;
  let dragged = null;
  for (const item of list.querySelectorAll("[data-item]")) {
    item.draggable = true;
    item.addEventListener("dragstart", (e) => {
      dragged = item;
      item.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
    });
    item.addEventListener("dragend", () => item.classList.remove("dragging"));
    item.addEventListener("dragover", (e) => {
      if (!dragged || dragged === item) return;
      e.preventDefault();
      item.classList.add("drop-target");
    });
    item.addEventListener("dragleave", () => item.classList.remove("drop-target"));
    item.addEventListener("drop", (e) => {
      e.preventDefault();
      item.classList.remove("drop-target");
      if (!dragged || dragged === item) return;
      const action = `/app/playlists/${list.dataset.playlist}/items/${dragged.dataset.item}/move`;
      postForm(action, { csrf: csrf.value, version: list.dataset.version, to: item.dataset.index });
    });
  }
}

function enableFileDrop(form) {
  const input = form.querySelector("input[type=file]");
  if (!input) return;
  form.addEventListener("dragover", (e) => {
    e.preventDefault();
    form.classList.add("over");
  });
  form.addEventListener("dragleave", () => form.classList.remove("over"));
  form.addEventListener("drop", (e) => {
    e.preventDefault();
    form.classList.remove("over");
    if (e.dataTransfer.files.length) input.files = e.dataTransfer.files;
  });
}

function refreshWhilePending(notice) {
  let touched = false;
  document.addEventListener("input", () => (touched = true));
  const again = () => {
    const focused = document.activeElement && document.activeElement !== document.body;
    const busy = touched || focused || document.querySelector(".dragging");
    if (!busy && !document.hidden) window.location.reload();
    else setTimeout(again, 4000);
  };
  setTimeout(again, 4000);
  notice.append(" (this page reloads itself meanwhile)");
}

document.querySelectorAll("[data-items]").forEach(enableDragAndDrop);
document.querySelectorAll("[data-pending].notice").forEach(refreshWhilePending);
document.querySelectorAll("[data-drop-zone]").forEach(enableFileDrop);
