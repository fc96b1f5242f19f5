// Printable pages: the print button, and the column widths and row heights of an official form.
// They are set here, through the DOM, as the Content-Security-Policy allows no inline style
// attribute (the PDF, laid out without a browser, carries them inline).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("col[data-width]").forEach(function (col) {
    col.style.width = col.dataset.width + "%";
  });
  document.querySelectorAll("tr[data-height]").forEach(function (row) {
    row.style.height = row.dataset.height + "pt";
  });
});
