// Register the service worker (core/pwa.py) on every page, so the site can be added to the home screen and
// alerts sent by Web Push appear as notifications. Pages work the same without it.
"use strict";
(function () {
  const script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(() => {});
})();
