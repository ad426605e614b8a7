// On the knowledge page, "用此条答复" copies the answer text; the operator workbench hooks the
// same buttons (.kb-use, data-answer, data-ref) to fill its answer form instead.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".kb-use");
  if (!button) return;
  var text = button.getAttribute("data-answer") || "";
  if (navigator.clipboard) {
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = "已复制答复口径";
      button.classList.add("kb-done");
    });
  }
});
