// Template editor: the buttons of the variables list insert their code at the cursor of the
// part last written in (the text by default), then the preview follows as if it was typed.
// The HTML part stays hidden while it is generated from the text ("modifier le HTML" unticked).
(() => {
  const form = document.getElementById("template-form");
  if (!form) return;
  let target = form.querySelector("textarea[name=text]");
  form.addEventListener("focusin", (event) => {
    if (event.target.matches("textarea, input[name=subject]")) target = event.target;
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-insert]");
    if (!button || !target) return;
    const code = button.dataset.insert;
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? start;
    target.setRangeText(code, start, end, "end");
    target.focus();
    target.dispatchEvent(new Event("input", { bubbles: true }));
    const status = document.getElementById("insert-status");
    if (status) status.textContent = button.dataset.inserted;
  });
  const toggle = form.querySelector("input[name=edit_html]");
  const html = form.querySelector("textarea[name=html]");
  const field = html && html.closest(".field");
  const follow = () => { if (toggle && field) field.hidden = !toggle.checked; };
  if (toggle) toggle.addEventListener("change", follow);
  follow();
})();
