// The voters' pages: a file of its own, as the Content-Security-Policy allows no inline script.
// Looking up happens here, in the page: a lookup sent to the server would leave a receipt beside an address in its logs.
(function () {
  var find = document.getElementById("find"), note = document.getElementById("found");
  if (!find || !note) { return; }
  var items = document.querySelectorAll(".receipts li");
  find.addEventListener("input", function () {
    var wanted = find.value.toUpperCase().replace(/[^A-Z0-9]/g, ""), hit = null;
    items.forEach(function (li) {
      var match = wanted.length === 8 && li.dataset.receipt.replace("-", "") === wanted;
      li.classList.toggle("found", match);
      if (match) { hit = li; }
    });
    note.textContent = wanted.length < 8 ? "" : (hit ? note.dataset.found : note.dataset.missing);
    if (hit) { hit.scrollIntoView({block: "center"}); }
  });
})();

// The QR code carries the code after "#": browsers never send that part to the server.
(function () {
  var field = document.getElementById("code");
  if (!field) { return; }
  var code = decodeURIComponent(location.hash.slice(1));
  if (code && field && !field.value) { field.value = code; }
  if (location.hash) { history.replaceState(null, "", location.pathname); }
})();
