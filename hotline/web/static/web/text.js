/* Text limits on every page: a live counter ("123 / 4000") under each limited field, and no
   silent cut. The server refuses text over the limit with a message and keeps it in the
   field; this only shows the count as one types or pastes.

   A field made with hotline.core.forms.LimitedCharField carries data-maxlength; the server
   counts its line breaks as one character, as a textarea does. A plain field still rendered
   with the browser's maxlength would cut a paste without a word: its limit moves to
   data-maxlength here, and because the server counts the CRLF a browser sends for each line
   break of a textarea, a line break counts two there. */
(function () {
  "use strict";
  // One-line fields shorter than this (a phone, an order number) show the count only when
  // over; textareas and longer fields show it all the time.
  var SHOW_FROM = 100;
  var FIELDS =
    "textarea[maxlength], textarea[data-maxlength], input[data-maxlength]," +
    " input[maxlength]:not([type]), input[maxlength][type=text]," +
    " input[maxlength][type=search], input[maxlength][type=tel]," +
    " input[maxlength][type=email], input[maxlength][type=url]";
  var serial = 0;

  function count(field) {
    var n = 0;
    var double = field.dataset.crlf === "1";
    // for..of counts characters, not UTF-16 halves, as the server does.
    for (var ch of field.value) n += ch === "\n" && double ? 2 : 1;
    return n;
  }

  function attach(field) {
    if (field.dataset.counted) return;
    if (field.hasAttribute("maxlength")) {
      field.dataset.maxlength = field.getAttribute("maxlength");
      field.dataset.crlf = field.tagName === "TEXTAREA" ? "1" : "0";
      field.removeAttribute("maxlength");
    }
    var limit = parseInt(field.dataset.maxlength, 10);
    if (!(limit > 0)) return;
    field.dataset.counted = "1";
    if (!field.id) field.id = "text-field-" + ++serial;

    var counter = document.createElement("div");
    counter.className = "char-count";
    counter.id = field.id + "-count";
    var shown = document.createElement("span");
    shown.className = "count";
    shown.setAttribute("aria-hidden", "true");
    // Announced only when the text goes over the limit or back under it, not on every key.
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = "最多 " + limit + " 个字";
    counter.append(shown, hint, status);
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    var always = field.tagName === "TEXTAREA" || limit >= SHOW_FROM;
    var wasOver = false;
    var markedInvalid = false;
    function update() {
      var n = count(field);
      var over = n - limit;
      shown.textContent =
        n + " / " + limit + (over > 0 ? "，超出 " + over + " 个字，请删减后再提交" : "");
      counter.classList.toggle("over", over > 0);
      counter.hidden = !always && over <= 0;
      if (over > 0 && !field.hasAttribute("aria-invalid")) {
        field.setAttribute("aria-invalid", "true");
        markedInvalid = true;
      } else if (over <= 0 && markedInvalid) {
        field.removeAttribute("aria-invalid");
        markedInvalid = false;
      }
      if (over > 0 !== wasOver) {
        status.textContent =
          over > 0 ? "已超出 " + limit + " 个字的限制" : "已在 " + limit + " 个字以内";
        wasOver = over > 0;
      }
    }
    field.addEventListener("input", update);
    update();
    status.textContent = ""; // nothing to announce when the page opens
  }

  function scan(root) {
    if (root.matches && root.matches(FIELDS)) attach(root);
    if (root.querySelectorAll) root.querySelectorAll(FIELDS).forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      scan(document);
    });
  } else {
    scan(document);
  }
  // Fragments that htmx swaps in (the intake screen's panels) get their counters too.
  document.addEventListener("htmx:load", function (event) {
    scan(event.target);
  });
})();
