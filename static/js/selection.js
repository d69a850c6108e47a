// Choosing several library cards for one action: click a card's box, shift-click another
// to take the range between, or "Select all on this page". Buttons stay disabled until
// something is chosen. Delegated from the document, so cards swapped in by htmx work too.
(() => {
  if (window.studioSelection) return;
  window.studioSelection = true;
  let last = null; // the box clicked last, the anchor of a shift-click range

  const form = () => document.querySelector("[data-selection]");
  const picks = () => Array.from(document.querySelectorAll("[data-pick]"));

  function update() {
    const bar = form();
    if (!bar) return;
    const all = picks();
    const chosen = all.filter((box) => box.checked).length;
    const count = bar.querySelector("[data-count]");
    if (count) {
      const words = chosen === 0 ? count.dataset.none : chosen === 1 ? count.dataset.one : count.dataset.many.replace("%s", chosen);
      count.textContent = words;
    }
    for (const control of bar.querySelectorAll("[data-needs-selection]")) {
      if (control.tagName === "SUMMARY") control.setAttribute("aria-disabled", chosen ? "false" : "true");
      else control.disabled = chosen === 0;
    }
    if (!chosen) for (const details of bar.querySelectorAll("details[open]")) details.open = false;
    const every = bar.querySelector("[data-select-all]");
    if (every) {
      every.checked = all.length > 0 && chosen === all.length;
      every.indeterminate = chosen > 0 && chosen < all.length;
    }
    for (const box of all) box.closest(".card")?.classList.toggle("chosen", box.checked);
  }

  document.addEventListener("click", (event) => {
    const box = event.target.closest?.("[data-pick]");
    if (box) {
      const all = picks();
      if (event.shiftKey && last && last !== box && all.includes(last)) {
        const [a, b] = [all.indexOf(last), all.indexOf(box)].sort((x, y) => x - y);
        for (const other of all.slice(a, b + 1)) other.checked = box.checked;
      }
      last = box;
      update();
      return;
    }
    const summary = event.target.closest?.("summary[data-needs-selection]");
    if (summary && summary.getAttribute("aria-disabled") === "true") event.preventDefault();
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches?.("[data-select-all]")) {
      for (const box of picks()) box.checked = event.target.checked;
      last = null;
      update();
    }
  });

  // Escape on a chosen box or in the bar clears the selection.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (!event.target.closest?.("[data-selection], [data-pick]")) return;
    for (const box of picks()) box.checked = false;
    update();
  });

  // A zip download leaves the page where it is: the form may be sent again at once.
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("[data-selection]") || !event.submitter?.matches("[data-download]")) return;
    delete event.target.dataset.sent;
    event.submitter.removeAttribute("aria-busy");
  });

  document.addEventListener("htmx:afterSettle", update);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
})();
