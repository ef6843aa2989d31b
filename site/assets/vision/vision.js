/* Version for the visually impaired (the customary widget of Russian school sites,
 * GOST R 52872-2019): font size, colour scheme, images on/off, letter spacing.
 *
 * Self-contained: the help site and the app's pages include this file in <head> together with
 * vision.css. A saved choice is applied at once to <html> as data-vision-* attributes, before
 * the page is drawn; the toggle button and its panel are added when the document is ready:
 * into an element marked [data-vision-slot] if the page has one, otherwise into the header.
 * Choices live in localStorage under one key, so they carry across the site and the app.
 */
(function () {
  "use strict";

  var KEY = "helpdesk-vision";
  var SETTINGS = [
    {
      name: "font",
      legend: "Размер шрифта",
      choices: [["normal", "Обычный"], ["large", "Крупный"], ["xlarge", "Очень крупный"]]
    },
    {
      name: "scheme",
      legend: "Цвета",
      choices: [
        ["default", "Как на сайте"],
        ["bw", "Чёрный на белом"],
        ["wb", "Белый на чёрном"],
        ["blue", "Тёмно-синий на голубом"]
      ]
    },
    {
      name: "images",
      legend: "Изображения",
      choices: [["on", "Показывать"], ["off", "Скрыть"]]
    },
    {
      name: "spacing",
      legend: "Расстояние между буквами",
      choices: [["normal", "Обычное"], ["wide", "Увеличенное"]]
    }
  ];
  var root = document.documentElement;

  function defaults() {
    var out = {};
    SETTINGS.forEach(function (s) { out[s.name] = s.choices[0][0]; });
    return out;
  }

  function isAllowed(setting, value) {
    return setting.choices.some(function (c) { return c[0] === value; });
  }

  function load() {
    var saved = {};
    var out = defaults();
    try {
      saved = JSON.parse(window.localStorage.getItem(KEY)) || {};
    } catch (e) {
      saved = {};  // storage disabled or damaged: start from the defaults
    }
    SETTINGS.forEach(function (s) {
      if (isAllowed(s, saved[s.name])) out[s.name] = saved[s.name];
    });
    return out;
  }

  function save(state) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) {
      /* private mode: the choice lasts until the page is left */
    }
  }

  function apply(state) {
    SETTINGS.forEach(function (s) {
      var attr = "data-vision-" + s.name;
      if (state[s.name] === s.choices[0][0]) root.removeAttribute(attr);
      else root.setAttribute(attr, state[s.name]);
    });
  }

  var state = load();
  apply(state);

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) el.textContent = text;
    return el;
  }

  var EYE_ICON =
    '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M12 4.5C7 4.5 2.7 7.6 1 12c1.7 4.4 6 7.5 11 7.5s9.3-3.1 ' +
    '11-7.5c-1.7-4.4-6-7.5-11-7.5zm0 12.5a5 5 0 1 1 0-10 5 5 0 0 1 0 10zm0-8a3 3 0 1 0 0 6 ' +
    '3 3 0 0 0 0-6z"/></svg>';

  function buildToggle() {
    var button = element("button", {
      type: "button",
      class: "vision-toggle",
      "aria-expanded": "false",
      "aria-controls": "vision-panel"
    });
    button.innerHTML = EYE_ICON;
    button.appendChild(element("span", { class: "vision-toggle__label" }, "Версия для слабовидящих"));
    return button;
  }

  function buildGroup(setting) {
    var fieldset = element("fieldset", { class: "vision-panel__group" });
    fieldset.appendChild(element("legend", {}, setting.legend));
    setting.choices.forEach(function (choice) {
      var id = "vision-" + setting.name + "-" + choice[0];
      var input = element("input", {
        type: "radio", name: "vision-" + setting.name, id: id, value: choice[0]
      });
      input.checked = state[setting.name] === choice[0];
      input.addEventListener("change", function () {
        state[setting.name] = choice[0];
        apply(state);
        save(state);
      });
      var label = element("label", { for: id, class: "vision-panel__choice" });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + choice[1]));
      fieldset.appendChild(label);
    });
    return fieldset;
  }

  function buildPanel() {
    var panel = element("section", {
      id: "vision-panel",
      class: "vision-panel",
      "aria-label": "Настройки версии для слабовидящих"
    });
    panel.hidden = true;
    panel.appendChild(element("p", { class: "vision-panel__title" }, "Версия для слабовидящих"));
    SETTINGS.forEach(function (s) { panel.appendChild(buildGroup(s)); });
    var actions = element("div", { class: "vision-panel__actions" });
    var reset = element("button", { type: "button", "data-vision-reset": "" }, "Обычная версия сайта");
    var close = element("button", { type: "button", "data-vision-close": "" }, "Закрыть");
    actions.appendChild(reset);
    actions.appendChild(close);
    panel.appendChild(actions);
    return panel;
  }

  function syncInputs(panel) {
    SETTINGS.forEach(function (s) {
      var input = panel.querySelector("#vision-" + s.name + "-" + state[s.name]);
      if (input) input.checked = true;
    });
  }

  function mount() {
    if (document.getElementById("vision-panel")) return;
    var host = document.querySelector("[data-vision-slot]") ||
      document.querySelector("header nav") || document.querySelector("header");
    if (!host) return;
    var header = host.closest("header");
    var toggle = buildToggle();
    var panel = buildPanel();
    host.appendChild(toggle);
    if (header) header.insertAdjacentElement("afterend", panel);
    else document.body.insertBefore(panel, document.body.firstChild);

    function setOpen(open) {
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) {
        var top = header ? Math.max(header.getBoundingClientRect().bottom, 0) : 0;
        panel.style.top = top + "px";
        panel.querySelector("input:checked").focus();
      }
    }

    toggle.addEventListener("click", function () { setOpen(panel.hidden); });
    panel.querySelector("[data-vision-close]").addEventListener("click", function () {
      setOpen(false);
      toggle.focus();
    });
    panel.querySelector("[data-vision-reset]").addEventListener("click", function () {
      state = defaults();
      apply(state);
      save(state);
      syncInputs(panel);
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // Another tab changed the choice: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) return;
    state = load();
    apply(state);
    var panel = document.getElementById("vision-panel");
    if (panel) syncInputs(panel);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
