// The tree browser: a toggle loads its children once through htmx, and collapses them again.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".tree .toggle[aria-expanded]");
  if (!button) return;
  var open = button.getAttribute("aria-expanded") === "true";
  if (open) button.parentElement.querySelector(":scope > ul").innerHTML = "";
  button.setAttribute("aria-expanded", open ? "false" : "true");
  button.textContent = open ? "+" : "−";
});

// Children that arrive after their node was collapsed again (a quick second click) stay out.
document.addEventListener("htmx:beforeSwap", function (event) {
  var source = event.detail.requestConfig.elt;  // the element that asked, not where the answer goes
  if (source.matches(".tree .toggle[aria-expanded='false']")) event.detail.shouldSwap = false;
});

// The language menu sends its form when a language is chosen (no inline handler: see the CSP).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-submit-on-change]")) event.target.form.submit();
});

// An open node's toggle only collapses it: its click asks nothing of the server. (Decided here,
// not in an hx-trigger filter, which htmx would evaluate as code: the CSP allows no eval.)
document.addEventListener("htmx:beforeRequest", function (event) {
  if (event.detail.elt.matches(".tree .toggle[aria-expanded='true']")) event.preventDefault();
});
