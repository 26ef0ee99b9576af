// Copy buttons: a button with data-copy puts that text on the clipboard and says so in its
// live region (read by screen readers); without clipboard access the text is selected.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const status = document.getElementById(button.getAttribute("aria-describedby") || "");
  const done = (text) => { if (status) status.textContent = text; };
  const selectSource = () => {
    const source = document.getElementById(button.dataset.source || "");
    if (!source) return;
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(button.dataset.copy).then(
      () => done(button.dataset.copied),
      () => { selectSource(); done(button.dataset.selected); },
    );
  } else {
    selectSource();
    done(button.dataset.selected);
  }
});
