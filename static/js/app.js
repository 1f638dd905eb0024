// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// A form that creates a record carries a one-time token (boveileder/once.py) in a hidden text input.
// A browser keeps a field's value with the page's history entry only when it differs from the value
// the page came with: so the token is made the field's typed value and the page's own value emptied.
// Back then Lagre then sends the first token again, and lands on what was already saved.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-once]")) {
    input.value = input.value;
    input.defaultValue = "";
  }
});
