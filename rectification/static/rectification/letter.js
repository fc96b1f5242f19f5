// The letter's print button: the browser's own print dialog (no inline handler under the CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest(".print-page")) window.print();
});
