{% load static %}// The BIN service worker: shows an alert that arrives by Web Push as a notification, and opens the
// alert's page when it is tapped. No offline caching: an alert page must always be the live one.
"use strict";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { body: event.data ? event.data.text() : "" };
  }
  // Only our own origin's pages are opened from a notification.
  let url = "/";
  try {
    const parsed = new URL(data.url || "/", self.location.origin);
    if (parsed.origin === self.location.origin) url = parsed.href;
  } catch (e) { /* keep "/" */ }
  const options = {
    body: data.body || "",
    tag: data.tag || undefined,
    lang: data.lang || "",
    renotify: Boolean(data.tag),
    requireInteraction: Boolean(data.urgent),
    icon: "{% static 'core/pwa/icon-192.png' %}",
    data: { url: url },
  };
  event.waitUntil(self.registration.showNotification(data.title || "BIN", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (w.url === url && "focus" in w) return w.focus();
      }
      return self.clients.openWindow(url);
    })
  );
});
