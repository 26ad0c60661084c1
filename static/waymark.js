// Waymark's only script. Everything works without it; it adds:
// - the plan kept in this browser (localStorage) as well as in its cookie,
//   and a count of its pages beside "Your plan" in the header;
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

  document.addEventListener("DOMContentLoaded", function () {
    syncPlan();
    presenter();
  });
})();
