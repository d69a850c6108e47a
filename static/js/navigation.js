// Boosted navigation (hx-boost on <body>): links and forms load the next page with htmx
// and swap the body, so the player bar (hx-preserve) keeps playing. Every page still works
// as a plain full load; this file only covers what a body swap would otherwise lose.
"use strict";

(function () {
  // Not for htmx: downloads, new tabs, other sites, the admin (its own page head), raw media.
  const FULL_LOAD = /^\/(admin|emulator)\/|\/media\/|^\/files\//;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link) return;
    const url = new URL(link.href, location.href);
    if (link.hasAttribute("download") || (link.target && link.target !== "_self") ||
        url.origin !== location.origin || FULL_LOAD.test(url.pathname)) {
      // Captured before htmx's own listener on the link: the browser does what it always does.
      event.stopImmediatePropagation();
    }
  }, true);

  // Forms that send themselves (a shared page's, by fetch with its own referrer policy).
  document.addEventListener("htmx:confirm", (event) => {
    const elt = event.detail && event.detail.elt;
    if (elt && elt.matches && elt.matches("form[data-same-origin]")) event.preventDefault();
  });

  function isBoosted(detail) {
    return Boolean(detail && (detail.boosted || (detail.requestConfig && detail.requestConfig.boosted)));
  }

  // The new page's <head> is merged by htmx's head-support extension (hx-ext on <body>).
  // Scripts and stylesheets already here stay (the extension would take away what the next
  // page does not list, and a script's nonce makes every copy look new); new scripts load
  // in order, and the page is set up once they are in.
  let pending = [];
  const loaded = (node) => node.getAttribute("src") || node.getAttribute("href");
  function present(node) {
    const key = loaded(node);
    return Boolean(key) && Array.from(document.head.querySelectorAll("link[rel=stylesheet][href], script[src]"))
      .some((have) => loaded(have) === key);
  }
  document.addEventListener("htmx:removingHeadElement", (event) => {
    const node = event.detail.headElement;
    if (node.matches && node.matches("link[rel=stylesheet], script[src]")) event.preventDefault();
  });
  document.addEventListener("htmx:addingHeadElement", (event) => {
    const node = event.detail.headElement.firstElementChild;
    if (!node || !node.matches("link[rel=stylesheet], script[src]")) return;
    if (present(node)) {
      event.preventDefault();
      return;
    }
    if (node.tagName === "SCRIPT") {
      node.async = false; // keep the page's order: a plugin after its library
      pending.push(new Promise((resolve) => {
        node.addEventListener("load", resolve, { once: true });
        node.addEventListener("error", resolve, { once: true });
      }));
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    if (!isBoosted(detail)) return;
    const xhr = detail.xhr;
    const type = (xhr.getResponseHeader("Content-Type") || "").toLowerCase();
    if (!type.startsWith("text/html")) {
      // A file or other non-page answer: let the browser open it itself.
      detail.shouldSwap = false;
      if (detail.requestConfig && detail.requestConfig.verb === "get") location.href = xhr.responseURL || detail.pathInfo.finalRequestPath;
      return;
    }
    // Error pages (a form's 400 with its errors, 403, 404...) are pages too: show them.
    if (xhr.status >= 400) {
      detail.shouldSwap = true;
      detail.isError = false;
      // A failed POST keeps the address it came from: reloading it must not ask again.
      if (detail.requestConfig && detail.requestConfig.verb !== "get" && detail.etc) detail.etc.push = "false";
    }
    const doc = new DOMParser().parseFromString(detail.serverResponse || "", "text/html");
    // The body's attributes are not swapped, but the CSRF token in them changes at login.
    const headers = doc.body && doc.body.getAttribute("hx-headers");
    if (headers) document.body.setAttribute("hx-headers", headers);
    // htmx drops every <script> of swapped content (allowScriptTags is off), data included:
    // the page's JSON (json_script) is put back after the swap.
    data = Array.from(doc.querySelectorAll('body script[type="application/json"][id]'));
  });
  let data = [];
  document.addEventListener("htmx:afterSwap", (event) => {
    if (!isBoosted(event.detail) || !data.length) return;
    data.forEach((node) => {
      const old = document.getElementById(node.id);
      if (old) old.remove();
      const copy = document.createElement("script");
      copy.type = "application/json";
      copy.id = node.id;
      copy.textContent = node.textContent;
      document.body.appendChild(copy);
    });
    data = [];
  });

  function pageReady() {
    const waiting = pending;
    pending = [];
    Promise.all(waiting).then(() => {
      document.dispatchEvent(new CustomEvent("studio:page"));
    });
  }
  document.addEventListener("htmx:afterSettle", (event) => {
    if (isBoosted(event.detail)) pageReady();
  });
  document.addEventListener("htmx:historyRestore", pageReady);

  // A request that never got an answer leaves its form usable again.
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.target.closest && event.target.closest("form");
    if (form) delete form.dataset.sent;
    document.querySelectorAll('[aria-busy="true"]').forEach((node) => node.removeAttribute("aria-busy"));
  });
})();
