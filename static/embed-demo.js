// The host side of an embedded Doorway check: the same code a vendor's
// support article needs. Query parameters of this page go to the check.
const frame = document.getElementById("doorway");
const progress = document.getElementById("progress");
const params = new URLSearchParams(location.search);
if (!params.has("profile") && !params.has("tcp") && !params.has("udp")) params.set("profile", "ring");
params.set("embed", "1");
if (!params.has("autorun")) params.set("autorun", "1");
frame.src = "/?" + params.toString();

addEventListener("message", (event) => {
  if (event.origin !== location.origin || !event.data || typeof event.data.type !== "string") return;
  const data = event.data;
  if (data.type === "doorway:height") frame.height = String(data.height);
  if (data.type === "doorway:progress") progress.textContent = `Checked ${data.done} of ${data.total}`;
  if (data.type === "doorway:result") {
    progress.textContent = "Finished: " + data.result.verdict.overall;
    document.getElementById("received-result").textContent = JSON.stringify(data.result);
  }
});
