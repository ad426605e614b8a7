// 来电弹屏: when the polled panel shows a new call, put its number in the empty phone field
// (once per call, so a number the operator cleared is not put back); the button always does.
(function () {
  const filled = new Set();
  function fill(button) {
    const field = document.getElementById("id_caller_phone");
    if (!field || !button) return;
    field.value = button.dataset.phone;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", (e) => {
    const button = e.target.closest && e.target.closest(".cti-fill");
    if (button) fill(button);
  });
  document.addEventListener("htmx:afterSwap", (e) => {
    if (!e.target || e.target.id !== "cti-pop") return;
    const button = e.target.querySelector(".cti-fill");
    const field = document.getElementById("id_caller_phone");
    if (!button || !field || filled.has(button.dataset.call)) return;
    filled.add(button.dataset.call);
    if (field.value.trim() === "") fill(button);
  });
})();
