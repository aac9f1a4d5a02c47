// The receipt's "Print the receipt" button: shown only where JavaScript can print (without it,
// the browser's own print and the download button remain).
for (const button of document.querySelectorAll("[data-receipt-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
