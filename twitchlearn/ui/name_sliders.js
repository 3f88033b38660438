// ipywidgets 8 draws a slider as a noUiSlider handle (role="slider") and never gives it a
// name: the description is a separate <label> not tied to the handle, so a screen reader
// says only "slider, 8" (axe: aria-input-field-name). Nothing in ipywidgets' Python API
// reaches the handle, so the page names each handle after its widget's label.
(() => {
  if (window.twitchlearnNamesSliders) return;
  window.twitchlearnNamesSliders = true;
  let next = 0;
  const name = () => {
    for (const box of document.querySelectorAll(".widget-slider")) {
      const handle = box.querySelector(".noUi-handle");
      const label = box.querySelector(".widget-label");
      if (!handle || !label || handle.hasAttribute("aria-labelledby")) continue;
      if (!label.textContent.trim()) continue;
      if (!label.id) label.id = "tl-slider-label-" + next++;
      handle.setAttribute("aria-labelledby", label.id);
    }
  };
  name();
  new MutationObserver(name).observe(document.documentElement, {childList: true, subtree: true});
})();
