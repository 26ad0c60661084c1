// Waymark's only script. Everything works without it; it adds:
// - the plan kept in this browser (localStorage) as well as in its cookie,
//   and a count of its pages beside "Your plan" in the header;
// - search results that update as you type or tick a filter, fetched as the
//   server's own HTML, with the address and the back button kept right;
// - on a narrow screen, the search filters folded behind a button;
// - "Copy link" buttons for a page and each of its sections;
// - presenter mode: arrow keys move between slides, and a full-screen button.
// It stores page addresses only, never anything about a child.
(function () {
  "use strict";
  var COOKIE = "waymark_plan";
  var KEY = "waymark.plan";

  function readCookie() {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].trim();
      if (pair.indexOf(COOKIE + "=") === 0) {
        var value = pair.slice(COOKIE.length + 1);
        return value ? value.split(".") : [];
      }
    }
    return null;
  }

  function writeCookie(items) {
    var value = items.join(".");
    document.cookie = COOKIE + "=" + value + "; Path=/; Max-Age=" + (value ? 7776000 : 0) + "; SameSite=Lax";
  }

  function syncPlan() {
    var fromCookie = readCookie();
    var stored = [];
    try {
      stored = JSON.parse(window.localStorage.getItem(KEY) || "[]");
    } catch (e) {
      stored = [];
    }
    var items;
    if (fromCookie === null && stored.length) {
      // The cookie has expired or was cleared: restore it from this browser.
      items = stored;
      writeCookie(items);
    } else {
      items = fromCookie || [];
      try {
        window.localStorage.setItem(KEY, JSON.stringify(items));
      } catch (e) {
        // Storage may be disabled; the cookie still works.
      }
    }
    var counters = document.querySelectorAll("[data-plan-count]");
    for (var i = 0; i < counters.length; i++) {
      counters[i].textContent = items.length ? " (" + items.length + ")" : "";
    }
  }

  // One polite live region for short messages ("Link copied").
  function announce(message) {
    var region = document.querySelector("[data-announce]");
    if (!region) {
      return;
    }
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = message;
    }, 50);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http: the older way, through a selected, off-screen text area.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) {
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  function copyButton(button, url) {
    button.addEventListener("click", function () {
      copyText(url).then(
        function () {
          button.classList.add("is-copied");
          announce("Link copied: " + url);
          window.setTimeout(function () {
            button.classList.remove("is-copied");
          }, 2000);
        },
        function () {
          announce("Could not copy. The link is " + url);
        }
      );
    });
  }

  function copyLinks() {
    var permalink = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < permalink.length; i++) {
      permalink[i].hidden = false;
      copyButton(permalink[i], new URL(permalink[i].getAttribute("data-copy"), window.location.href).href);
    }
    var anchors = document.querySelectorAll(".body .heading-anchor");
    for (var j = 0; j < anchors.length; j++) {
      // The button goes in the heading's row, beside the heading, so the
      // heading's own name stays its words.
      var row = anchors[j].parentNode;
      var heading = row.querySelector("h1, h2, h3, h4, h5, h6");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " to the section " + (heading ? heading.textContent : "");
      button.appendChild(document.createTextNode("Copy link"));
      button.appendChild(hidden);
      var url = new URL(anchors[j].getAttribute("href"), window.location.href).href;
      row.appendChild(button);
      copyButton(button, url);
    }
  }

  // On a narrow screen the main links fold behind "Menu", so the header is
  // the service name and one row. Without JavaScript they stay in view.
  function menuToggle() {
    var button = document.querySelector("[data-menu-toggle]");
    var menu = document.querySelector("[data-menu]");
    if (!button || !menu) {
      return;
    }
    button.hidden = false;
    menu.classList.add("is-collapsed");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-collapsed", !open);
    });
  }

  // On a narrow screen the search filters fold behind "Filter results".
  function filterToggle() {
    var button = document.querySelector("[data-filter-toggle]");
    var panel = document.querySelector("[data-filters]");
    if (!button || !panel || !window.matchMedia) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 47.99em)");
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-collapsed", !open);
    }
    function layout() {
      button.hidden = !narrow.matches;
      set(!narrow.matches);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    // "Show N results" closes the panel and moves to the count. The panel's
    // contents are replaced on each live search, so it listens on the panel.
    panel.addEventListener("click", function (event) {
      var show = event.target.closest && event.target.closest("[data-show-results]");
      if (!show || !narrow.matches) {
        return;
      }
      event.preventDefault();
      set(false);
      var count = document.querySelector("[data-result-count]");
      if (count) {
        count.setAttribute("tabindex", "-1");
        count.focus();
        count.scrollIntoView({ block: "start" });
      }
    });
    if (narrow.addEventListener) {
      narrow.addEventListener("change", layout);
    }
    layout();
  }

  // Search results that follow the form: fetch the server's page for the
  // form's current state and swap in its results, counts and filters.
  function liveSearch() {
    var form = document.querySelector("[data-live-search]");
    if (!form || !window.fetch || !window.DOMParser || !window.history.pushState || !window.URLSearchParams) {
      return;
    }
    var count = document.querySelector("[data-result-count]");
    count.setAttribute("tabindex", "-1");
    var timer = null;
    var controller = null;
    var typing = false;

    function formUrl() {
      var out = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value === "" || (key === "sort" && value === "relevance")) {
          return;
        }
        out.append(key, value);
      });
      var query = out.toString();
      // The form's own action carries any base path the portal is served under.
      return (form.getAttribute("action") || "/search") + (query ? "?" + query : "");
    }

    function swapInto(selector, doc) {
      var here = document.querySelector(selector);
      var there = doc.querySelector(selector);
      if (here && there) {
        here.innerHTML = there.innerHTML;
      }
    }

    function swap(doc, fromHistory) {
      var focused = document.activeElement && document.activeElement.id;
      var open = {};
      var facets = form.querySelectorAll("details[data-facet]");
      for (var i = 0; i < facets.length; i++) {
        open[facets[i].getAttribute("data-facet")] = facets[i].open;
      }
      swapInto("[data-search-results]", doc);
      swapInto("[data-filters]", doc);
      swapInto("[data-applied-count]", doc);
      swapInto("[data-search-heading]", doc);
      var newCount = doc.querySelector("[data-result-count]");
      if (newCount && newCount.textContent !== count.textContent) {
        count.textContent = newCount.textContent;
      }
      var nowFacets = form.querySelectorAll("details[data-facet]");
      for (var j = 0; j < nowFacets.length; j++) {
        var name = nowFacets[j].getAttribute("data-facet");
        if (Object.prototype.hasOwnProperty.call(open, name) && !nowFacets[j].querySelector("input:checked")) {
          nowFacets[j].open = open[name];
        }
      }
      var back = doc.querySelector("#plan-form input[name=return]");
      var mine = document.querySelector("#plan-form input[name=return]");
      if (back && mine) {
        mine.value = back.value;
      }
      document.title = doc.title;
      if (fromHistory) {
        var q = doc.querySelector("#q");
        if (q) {
          document.querySelector("#q").value = q.value;
        }
      }
      var header = document.querySelector("#header-q");
      if (header) {
        header.value = document.querySelector("#q").value;
      }
      if (focused && focused !== "q" && document.getElementById(focused)) {
        document.getElementById(focused).focus();
      }
    }

    // `live` marks a search made while typing: the server does not count
    // its half-words as "searched and not found".
    function load(url, mode, live) {
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      form.setAttribute("aria-busy", "true");
      fetch(url, {
        headers: live ? { Accept: "text/html", "X-Waymark-Live": "typing" } : { Accept: "text/html" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          swap(new DOMParser().parseFromString(html, "text/html"), mode === "pop");
          if (mode === "push") {
            window.history.pushState({ waymark: true }, "", url);
          } else if (mode === "replace") {
            window.history.replaceState({ waymark: true }, "", url);
          }
          form.removeAttribute("aria-busy");
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          // Anything odd (a 400 for a bad filter, a lost network): load the
          // page the ordinary way, which shows the server's own answer.
          window.location.href = url;
        });
    }

    form.addEventListener("input", function (event) {
      if (event.target.id !== "q") {
        return;
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        // The first keystroke of a burst makes a history entry; the rest
        // replace it, so Back returns to the search before the typing.
        load(formUrl(), typing ? "replace" : "push", true);
        typing = true;
      }, 300);
    });
    form.addEventListener("change", function (event) {
      if (event.target.form !== form || event.target.id === "q") {
        return;
      }
      typing = false;
      load(formUrl(), "push");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      typing = false;
      load(formUrl(), "push");
    });
    form.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-search-link]") : null;
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
        return;
      }
      event.preventDefault();
      typing = false;
      load(link.getAttribute("href"), "push");
      count.focus();
    });
    window.addEventListener("popstate", function () {
      typing = false;
      load(window.location.pathname + window.location.search, "pop");
    });
  }

  function presenter() {
    var root = document.querySelector("[data-present]");
    if (!root) {
      return;
    }
    var slides = root.querySelectorAll(".slide");
    var current = 0;
    function show(n) {
      current = Math.max(0, Math.min(slides.length - 1, n));
      slides[current].scrollIntoView({ block: "start" });
      slides[current].focus({ preventScroll: true });
    }
    for (var i = 0; i < slides.length; i++) {
      slides[i].setAttribute("tabindex", "-1");
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight" || event.key === "ArrowDown" || event.key === "PageDown" || event.key === " ") {
        event.preventDefault();
        show(current + 1);
      } else if (event.key === "ArrowLeft" || event.key === "ArrowUp" || event.key === "PageUp") {
        event.preventDefault();
        show(current - 1);
      } else if (event.key === "Home") {
        show(0);
      } else if (event.key === "End") {
        show(slides.length - 1);
      }
    });
    var button = root.querySelector("[data-fullscreen]");
    if (button && document.documentElement.requestFullscreen) {
      button.hidden = false;
      button.addEventListener("click", function () {
        document.documentElement.requestFullscreen();
      });
    }
  }

  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    syncPlan();
    copyLinks();
    menuToggle();
    filterToggle();
    liveSearch();
    presenter();
  });
})();
