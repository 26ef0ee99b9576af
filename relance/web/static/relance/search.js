// "/" anywhere but in a field puts the cursor in the header's search box.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const box = document.getElementById("header-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
