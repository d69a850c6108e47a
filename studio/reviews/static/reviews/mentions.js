// @mentions: typing "@" and the start of a name in a comment box offers the workspace's
// members (the page's #mentionable list). Arrow keys choose, Enter or Tab inserts, Escape
// closes; a click inserts too. One list serves every comment and reply box on the page.
"use strict";

(() => {
  if (window.studioMentions) return;
  window.studioMentions = true;
  const LIMIT = 8;
  let list = null; // the <ul role="listbox"> under the box being typed in
  let box = null;
  let active = -1;
  let start = -1; // where the "@" being completed sits in the box's text

  const names = () => {
    const data = document.getElementById("mentionable");
    try {
      return data ? JSON.parse(data.textContent) : [];
    } catch (error) {
      return [];
    }
  };
  const isCommentBox = (node) => node && node.tagName === "TEXTAREA" && node.name === "body" && node.closest("#comments");

  function close() {
    if (list) list.remove();
    if (box) {
      box.removeAttribute("aria-activedescendant");
      box.setAttribute("aria-expanded", "false");
    }
    list = null;
    active = -1;
    start = -1;
  }

  function choose(index) {
    if (!list) return;
    const options = list.querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, n) => option.setAttribute("aria-selected", n === active ? "true" : "false"));
    box.setAttribute("aria-activedescendant", options[active].id);
  }

  function insert(name) {
    const caret = box.selectionStart;
    const text = box.value;
    box.value = text.slice(0, start) + "@" + name + " " + text.slice(caret);
    const at = start + name.length + 2;
    box.setSelectionRange(at, at);
    close();
    box.focus();
  }

  function offer(target) {
    const caret = target.selectionStart;
    const before = target.value.slice(0, caret);
    const typed = /(^|[^\w@])@([\w.+-]*)$/.exec(before);
    if (!typed) return close();
    const query = typed[2].toLowerCase();
    const found = names().filter((name) => name.toLowerCase().startsWith(query)).slice(0, LIMIT);
    if (!found.length) return close();
    if (list && box !== target) close();
    box = target;
    start = caret - typed[2].length - 1;
    if (!list) {
      list = document.createElement("ul");
      list.id = "mention-options";
      list.className = "mention-options";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "@");
      box.insertAdjacentElement("afterend", list);
      box.setAttribute("aria-controls", list.id);
      box.setAttribute("aria-autocomplete", "list");
      box.setAttribute("aria-expanded", "true");
      box.setAttribute("aria-describedby", "mention-help");
    }
    list.replaceChildren(...found.map((name, n) => {
      const option = document.createElement("li");
      option.id = "mention-option-" + n;
      option.setAttribute("role", "option");
      option.textContent = "@" + name;
      option.dataset.name = name;
      return option;
    }));
    choose(0);
  }

  document.addEventListener("input", (event) => {
    if (isCommentBox(event.target)) offer(event.target);
  });

  document.addEventListener("keydown", (event) => {
    if (!list || event.target !== box) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      choose(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      const option = list.querySelectorAll("[role=option]")[active];
      if (!option) return;
      event.preventDefault();
      insert(option.dataset.name);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  // mousedown, not click: the box keeps its focus and caret.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest(".mention-options [role=option]");
    if (option) {
      event.preventDefault();
      insert(option.dataset.name);
    } else if (list && event.target !== box) {
      close();
    }
  });
  document.addEventListener("focusout", (event) => {
    if (event.target === box) setTimeout(() => { if (document.activeElement !== box) close(); }, 0);
  });
})();
