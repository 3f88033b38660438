// ipywidgets 8 draws a slider as a noUiSlider handle (role="slider") and never gives it a
// name: the description is a separate <label> not tied to the handle, so a screen reader
// says only "slider, 8" (axe: aria-input-field-name). Nothing in ipywidgets' Python API
// reaches the handle, so the page names each handle after its widget's label, and says its
// value with the label's unit ("350 milligrams a day", not "350").
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
  name();
  new MutationObserver(name).observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["aria-valuenow"],
  });
})();
