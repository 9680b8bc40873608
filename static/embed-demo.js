// The host side of an embedded Doorway check: what a vendor's support
// article needs, plus a readable list of the messages it receives.
const params = new URLSearchParams(location.search);
// The Doorway server; a real article names it in the iframe's address.
const doorway = new URL(params.get("doorway") || location.origin).origin;
params.delete("doorway");
// With nothing asked for, the demo checks Ring and starts at once; what the
// address asks for (from the vendors' page) is taken as it is.
if (!params.has("profile") && !params.has("tcp") && !params.has("udp") && !params.has("in")) {
  params.set("profile", "ring");
  params.set("autorun", "1");
}
params.set("embed", "1");

const frame = document.getElementById("doorway");
const progress = document.getElementById("progress");
const messages = document.getElementById("messages");
frame.src = doorway + "/?" + params.toString();

// One line per message, in words; heights and progress replace their own
// last line instead of adding one per step.
function show(type, text) {
  let item = messages.querySelector(`li[data-type="${type}"]`);
  if (!item || type === "doorway:shared" || type === "doorway:result") {
    item = document.createElement("li");
    item.dataset.type = type;
    messages.append(item);
  }
  item.innerHTML = "";
  const name = document.createElement("code");
  name.textContent = type;
  item.append(name, " " + text);
}

addEventListener("message", (event) => {
  // Only the Doorway frame's own messages count.
  if (event.origin !== doorway || event.source !== frame.contentWindow) return;
  const data = event.data;
  if (!data || typeof data.type !== "string") return;
  if (data.type === "doorway:height") {
    frame.height = String(data.height);
    show(data.type, `the frame's content is ${data.height} px tall`);
  } else if (data.type === "doorway:progress") {
    progress.textContent = `Checked ${data.done} of ${data.total}`;
    show(data.type, `${data.done} of ${data.total} checked`);
  } else if (data.type === "doorway:result") {
    const verdict = data.result.verdict;
    const failing = (verdict.failures || []).length;
    progress.textContent = "Finished: " + verdict.overall;
    show(data.type, `${verdict.overall}, ${failing} requirement(s) failing, profile ${data.result.profile.id}`);
    document.getElementById("received-result").textContent = JSON.stringify(data.result, null, 2);
  } else if (data.type === "doorway:shared") {
    show(data.type, `the reader shared ${data.url}`);
  }
});
