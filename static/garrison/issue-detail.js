// Issue page (D2): htmx leaves 4xx responses unswapped by default; a 422 carries the form with its errors
// (e.g. a backport cell that cannot be saved), so show it in place.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
