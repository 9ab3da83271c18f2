// The printable delivery list's "Print" button (no inline handlers: the CSP forbids them).
document.querySelectorAll("[data-print-page]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
