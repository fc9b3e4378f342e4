// Small helpers for the pages; htmx (vendor/htmx.min.js) does the live parts.
"use strict";
// After htmx puts a form back with an error (422), move the focus to the first field in
// error, so keyboard and screen-reader users land where the message is.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    const invalid = document.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  }
});
