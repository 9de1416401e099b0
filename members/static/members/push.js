// "Notifications on this phone" on the member's page (members/templates/members/_push_card.html): ask for
// permission, subscribe with the site's VAPID key, and hand the subscription to the server through the
// member's signed link. Messages come translated from the card's data attributes and go in as text.
"use strict";
(function () {
  const card = document.getElementById("push-card");
  if (!card) return;
  const status = card.querySelector("[data-push-status]");
  const on = card.querySelector("[data-push-on]");
  const off = card.querySelector("[data-push-off]");
  const say = (key) => { status.textContent = card.dataset[key] || ""; };

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    on.disabled = true;
    say("msgUnsupported");
    return;
  }

  function keyBytes(base64url) {
    const base64 = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  function registration() {
    return navigator.serviceWorker.register(card.dataset.sw, { scope: "/" })
      .then(() => navigator.serviceWorker.ready);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    }).then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response;
    });
  }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }

  on.addEventListener("click", async () => {
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") { say("msgDenied"); return; }
      const reg = await registration();
      let subscription = await reg.pushManager.getSubscription();
      if (!subscription) {
        subscription = await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(card.dataset.pushKey),
        });
      }
      await post(card.dataset.subscribe, subscription.toJSON());
      show(true);
      say("msgOn");
    } catch (e) {
      say("msgError");
    }
  });

  off.addEventListener("click", async () => {
    try {
      const reg = await registration();
      const subscription = await reg.pushManager.getSubscription();
      if (subscription) {
        await post(card.dataset.unsubscribe, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(false);
      say("msgOff");
    } catch (e) {
      say("msgError");
    }
  });

  registration()
    .then((reg) => reg.pushManager.getSubscription())
    .then((subscription) => show(Boolean(subscription)))
    .catch(() => {});
})();
