// The intake screen: show the panel of the chosen outcome, filter the category list,
// take an answer from the knowledge base, merge or relate a candidate. No build step.
(function () {
  const form = document.getElementById("intake");
  if (!form) return;
  const panels = form.querySelectorAll(".outcome-panel");
  function showOutcome() {
    const chosen = form.querySelector("input[name=outcome]:checked");
    panels.forEach((p) => { p.hidden = !chosen || !p.dataset.outcome.split(" ").includes(chosen.value); });
  }
  // 紧急求助 opens the emergency block and asks for the situation and the rescue lines
  // (Art. 13, 14(3)); the server refuses the order without them.
  const emergencyBlock = document.getElementById("emergency-block");
  function markEmergency() {
    const type = form.querySelector("input[name=request_type]:checked");
    const situation = form.querySelector("[name=emergency_situation]");
    const emergency = !!type && (form.dataset.emergencyTypes || "").split(" ").includes(type.value);
    const lines = emergency || (situation && situation.value !== "");
    if (situation) {
      situation.required = emergency;
      situation.closest(".field").classList.toggle("is-required", emergency);
    }
    const linesField = form.querySelector("[name=rescue_lines]");
    if (linesField) linesField.closest(".field").classList.toggle("is-required", !!lines);
    if (emergency && emergencyBlock && !emergencyBlock.open) {
      emergencyBlock.open = true;
      if (situation) situation.focus();
    }
  }
  function choose(value) {
    const radio = form.querySelector(`input[name=outcome][value=${value}]`);
    if (radio) { radio.checked = true; showOutcome(); }
  }
  form.addEventListener("change", (e) => {
    if (e.target.name === "outcome") showOutcome();
    if (e.target.name === "request_type" || e.target.name === "emergency_situation") markEmergency();
    if (e.target.name === "emergency_situation") guideRescue(true);
    if (e.target.name === "request_type") {
      // The catalogue says which request types go to the host unit's review (Art. 14(2)).
      const review = (form.dataset.reviewTypes || "").split(" ").includes(e.target.value);
      choose(review ? "review" : "dispatch");
    }
    if (e.target.name === "exclusion") {
      document.querySelectorAll("#exclusion-scripts .script").forEach((p) => { p.hidden = p.dataset.exclusion !== e.target.value; });
    }
  });
  // 采用建议: the triage panel's suggestion fills the fields; the operator still decides and
  // may change any of them (issue 14).
  function setValue(name, value) {
    const field = form.querySelector(`[name=${name}]`);
    if (!field || !value) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("click", (e) => {
    const button = e.target.closest("#triage-apply");
    if (!button) return;
    const d = button.dataset;
    const type = d.type && form.querySelector(`input[name=request_type][value="${CSS.escape(d.type)}"]`);
    if (type) { type.checked = true; type.dispatchEvent(new Event("change", { bubbles: true })); }
    setValue("category", d.category);
    if (d.situation || d.incident) {
      if (emergencyBlock) emergencyBlock.open = true;
      setValue("emergency_situation", d.situation);
      setValue("major_incident", d.incident);
    }
    (d.lines || "").split(" ").filter(Boolean).forEach((line) => {
      const box = form.querySelector(`input[name=rescue_lines][value="${CSS.escape(line)}"]`);
      if (box && !box.checked) { box.checked = true; box.dispatchEvent(new Event("change", { bubbles: true })); }
    });
    if (d.exclusion) {
      choose("not_accept");
      const reason = form.querySelector(`input[name=exclusion][value="${CSS.escape(d.exclusion)}"]`);
      if (reason) { reason.checked = true; reason.dispatchEvent(new Event("change", { bubbles: true })); }
      else setValue("exclusion", d.exclusion);
    }
  });
  // Category filter: hide options that do not contain the typed text.
  const filter = document.getElementById("category-filter");
  const select = document.getElementById("id_category");
  if (filter && select) {
    filter.addEventListener("input", () => {
      const text = filter.value.trim();
      select.querySelectorAll("optgroup").forEach((group) => {
        let any = false;
        group.querySelectorAll("option").forEach((o) => {
          const hit = !text || o.textContent.includes(text) || group.label.includes(text);
          o.hidden = !hit; any = any || hit;
        });
        group.hidden = !any;
      });
    });
  }
  // Knowledge search follows the content unless the operator typed their own query.
  const content = document.getElementById("id_content");
  const kb = document.getElementById("kb-q");
  if (content && kb) {
    let own = false;
    kb.addEventListener("input", () => { own = kb.value !== ""; });
    content.addEventListener("input", () => {
      if (own) return;
      kb.value = content.value.slice(0, 60);
      kb.dispatchEvent(new Event("search"));
    });
  }
  // The settled knowledge searches of this call travel with the form and are recorded with
  // the order (Art. 10, 14(1)): a query that only extends or shortens the one before it (the
  // panel searching while the operator types) replaces it. Ages, not clock times, are sent,
  // so the operator's clock does not matter. A refused submit hands the list back.
  const kbField = form.querySelector("[name=kb_searches]");
  let searches = [];
  try {
    const now = Date.now();
    searches = JSON.parse((kbField && kbField.value) || "[]").map((s) => ({ q: s.q, refs: s.refs || [], t: now - (s.age || 0) * 1000 }));
  } catch (err) { searches = []; }
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.target.id !== "kb-box") return;
    const list = e.target.querySelector("#kb-results");
    const q = list ? (list.dataset.query || "").trim() : "";
    if (!q) return;
    const refs = Array.from(list.querySelectorAll(".kb-hit")).slice(0, 5).map((li) => li.dataset.ref);
    const search = { q, refs, t: Date.now() };
    const last = searches[searches.length - 1];
    if (last && (q.startsWith(last.q) || last.q.startsWith(q))) searches[searches.length - 1] = search;
    else searches.push(search);
    if (searches.length > 20) searches.shift();
  });
  form.addEventListener("submit", () => {
    if (!kbField) return;
    const now = Date.now();
    kbField.value = JSON.stringify(searches.map((s) => ({ q: s.q, refs: s.refs, age: Math.max(0, Math.round((now - s.t) / 1000)) })));
  });
  document.addEventListener("click", (e) => {
    const use = e.target.closest(".kb-use");
    if (use) {
      choose("answer");
      form.querySelector("[name=answer]").value = use.dataset.answer || "";
      form.querySelector("[name=knowledge_ref]").value = use.dataset.ref || "";
      document.getElementById("kb-ref-note").textContent = "依据知识条目 " + (use.dataset.ref || "");
      form.querySelector("[name=answer]").focus();
    }
    const merge = e.target.closest("[data-merge]");
    if (merge) { choose("merge"); form.querySelector("[name=merge_into]").value = merge.dataset.merge; }
    const relate = e.target.closest("[data-relate]");
    if (relate) {
      const field = form.querySelector("[name=related]");
      const numbers = new Set(field.value.split(/\s+/).filter(Boolean));
      numbers.add(relate.dataset.relate); field.value = Array.from(numbers).join(" ");
    }
  });
  // The lead unit the operator chose survives a refresh of the dispatch proposal that was
  // already on its way when they chose, and the page shown again after a refused submit.
  let chosenUnit = form.dataset.chosenUnit || null;
  form.addEventListener("change", (e) => {
    if (e.target.name !== "lead_unit") return;
    chosenUnit = e.target.value;
    // The operator answered the refusal: its explanation has done its work.
    const panel = e.target.closest(".outcome-panel");
    if (panel && chosenUnit) {
      panel.classList.remove("has-error");
      panel.querySelectorAll(":scope > .error").forEach((p) => p.remove());
    }
  });
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.target.id !== "proposal" || chosenUnit === null) return;
    const select = form.querySelector("[name=lead_unit]");
    if (select && select.value !== chosenUnit) select.value = chosenUnit;
  });
  // The situation says which professional lines to guide the caller to (Art. 14(3)): they are
  // named at once and ticked for the operator to confirm.
  const guideData = document.getElementById("rescue-guide-data");
  const guide = guideData ? JSON.parse(guideData.textContent) : {};
  const guideNote = document.getElementById("rescue-guide");
  function guideRescue(tick) {
    const situation = form.querySelector("[name=emergency_situation]");
    const lines = (situation && guide[situation.value]) || [];
    if (guideNote) {
      guideNote.hidden = lines.length === 0;
      guideNote.textContent = lines.length ? "请引导来电人拨打：" + lines.join("、") : "";
    }
    if (!tick) return;
    lines.forEach((line) => {
      const box = form.querySelector(`input[name=rescue_lines][value="${line}"]`);
      if (box) box.checked = true;
    });
  }
  guideRescue(false);
  // Enter never submits the order: in a field it would dispatch a half-typed call. The
  // button (确定) and its shortcut Alt+S do. Enter in a search box still searches.
  form.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.isComposing) return;
    const t = e.target;
    if (t.tagName === "TEXTAREA" || t.tagName === "BUTTON" || t.tagName === "A") return;
    e.preventDefault();
    if (t.type === "search") t.dispatchEvent(new Event("search"));
  });
  // After a refused submit, bring the first explanation into view.
  const firstError = form.querySelector(".error");
  if (firstError) firstError.scrollIntoView({ block: "center" });
  showOutcome();
  markEmergency();
})();
