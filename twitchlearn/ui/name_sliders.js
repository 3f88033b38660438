// The course's one page script (twitchlearn.ui.common.page_head), for what ipywidgets' own
// markup leaves out for keyboard and screen reader users:
// - Slider names. ipywidgets 8 draws a slider as a noUiSlider handle (role="slider") and
//   never gives it a name: the description is a separate <label> not tied to the handle, so
//   a screen reader says only "slider, 8" (axe: aria-input-field-name). Nothing in
//   ipywidgets' Python API reaches the handle, so the page names each handle after its
//   widget's label, and says its value with the label's unit ("350 milligrams a day").
// - Radio groups. ipywidgets gives a RadioButtons' inputs no common name, so each option was
//   a Tab stop of its own and the arrow keys did nothing. Each group gets a name (one Tab
//   stop, arrows move the choice, as in any web form) and role="radiogroup" with its label.
// - Feedback. "Check answer" disables itself once graded, which dropped the focus on the
//   page's body; the focus goes to the feedback instead, so a screen reader reads the
//   result and the next Tab goes on from there (the "Try again" button is just before it).
(() => {
  if (window.twitchlearnNamesSliders) return;
  window.twitchlearnNamesSliders = true;
  let next = 0;
  const WORDS = [[/\bmg\b/g, "milligrams"], [/^0 to (\d+)$/, "out of $1"]];
  const unit = (label) => {
    const found = /\(([^()]*)\)\s*$/.exec(label.textContent.trim());
    if (!found) return "";
    return WORDS.reduce((text, [pattern, words]) => text.replace(pattern, words), found[1]);
  };
  const say = (box) => {
    const handle = box.querySelector(".noUi-handle");
    const label = box.querySelector(".widget-label");
    const readout = box.querySelector(".widget-readout");
    if (!handle || !label) return;
    const value = (readout && readout.textContent.trim()) || handle.getAttribute("aria-valuenow");
    const words = unit(label);
    const text = words ? `${value} ${words}` : value;
    if (text && handle.getAttribute("aria-valuetext") !== text) {
      handle.setAttribute("aria-valuetext", text);
    }
  };
  const name = () => {
    for (const box of document.querySelectorAll(".widget-slider")) {
      const handle = box.querySelector(".noUi-handle");
      const label = box.querySelector(".widget-label");
      if (!handle || !label || !label.textContent.trim()) continue;
      if (!handle.hasAttribute("aria-labelledby")) {
        if (!label.id) label.id = "tl-slider-label-" + next++;
        handle.setAttribute("aria-labelledby", label.id);
      }
      say(box);
    }
  };
  const group = () => {
    for (const box of document.querySelectorAll(".widget-radio-box")) {
      const radios = box.querySelectorAll('input[type="radio"]');
      if (!radios.length || radios[0].name) continue;
      const id = "tl-radio-" + next++;
      radios.forEach((radio) => { radio.name = id; });
      box.setAttribute("role", "radiogroup");
      const label = box.parentElement && box.parentElement.querySelector(":scope > .widget-label");
      if (label && label.textContent.trim()) {
        if (!label.id) label.id = id + "-label";
        box.setAttribute("aria-labelledby", label.id);
      }
    }
  };
  // The question whose "Check answer" was pressed last, until its feedback shows.
  let checking = null;
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button");
    const question = button && button.closest(".tl-question, .tl-case");
    if (question && /^Check /.test(button.textContent.trim())) checking = question;
  }, true);
  const announce = () => {
    if (!checking) return;
    const feedback = checking.querySelector(".tl-feedback:not(.tl-warning)");
    const button = [...checking.querySelectorAll("button")].find(
      (b) => /^Check /.test(b.textContent.trim()));
    const focused = document.activeElement;
    if (focused && focused !== document.body && focused !== button) {
      checking = null; // the learner has moved on: leave the focus where it is
      return;
    }
    if (!feedback || !button || !button.disabled) return;
    checking = null;
    feedback.setAttribute("tabindex", "-1");
    feedback.focus({ preventScroll: false });
  };
  const update = () => { name(); group(); announce(); };
  update();
  new MutationObserver(update).observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["aria-valuenow", "disabled"],
  });
})();
