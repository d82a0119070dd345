// Progressive help for the report form: narrow the unit list to the chosen region,
// hide the name fields for anonymous reports, add the current location, print the receipt,
// and keep what was typed when the page is reloaded to switch language or type size.
(function () {
  "use strict";

  function narrowUnits() {
    var region = document.getElementById("id_region");
    var unit = document.getElementById("id_target_unit");
    if (!region || !unit) { return; }
    function apply() {
      var chosen = region.options[region.selectedIndex];
      var path = chosen ? chosen.getAttribute("data-path") : "";
      Array.prototype.forEach.call(unit.options, function (option) {
        var unitPath = option.getAttribute("data-path");
        var related = !path || !unitPath || path.indexOf(unitPath) === 0 || unitPath.indexOf(path) === 0;
        option.hidden = !related;
        option.disabled = !related;
        if (!related && option.selected) { unit.value = ""; }
      });
    }
    region.addEventListener("change", apply);
    apply();
  }

  function toggleNamed() {
    var named = document.querySelector("[data-named]");
    var radios = document.querySelectorAll('input[name="identity"]');
    if (!named || !radios.length) { return; }
    function apply() {
      var checked = document.querySelector('input[name="identity"]:checked');
      named.hidden = !checked || checked.value !== "named";
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", apply); });
    apply();
  }

  function locate() {
    var button = document.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) { return; }
    button.parentNode.hidden = false;
    var status = document.querySelector("[data-locate-status]");
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
        status.textContent = button.getAttribute("data-done") || "✓";
      }, function () {
        status.textContent = button.getAttribute("data-failed") || "✗";
      });
    });
  }

  function printButton() {
    var button = document.querySelector("[data-print]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  // Typed values wait in sessionStorage, which this tab alone reads and which is cleared when
  // the tab closes. Hidden, file and password fields and those named in data-keep-skip
  // (such as a tracking secret) are never stored.
  var KEEP_PREFIX = "sunshine:keep:";

  function keptFields(form) {
    var skip = (form.getAttribute("data-keep-skip") || "").split(" ");
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && skip.indexOf(field.name) < 0 &&
        ["hidden", "file", "password", "submit", "button"].indexOf(field.type) < 0;
    });
  }

  function saveForms(path) {
    var values = {};
    document.querySelectorAll("form[data-keep-on-switch]").forEach(function (form) {
      keptFields(form).forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          if (field.checked) { values[field.name + "=" + field.value] = true; }
        } else if (field.value) {
          values[field.name] = field.value;
        }
      });
    });
    var code = document.querySelector("[data-keep-code]");
    if (code) { values.code = code.getAttribute("data-keep-code"); }
    if (Object.keys(values).length) {
      try { sessionStorage.setItem(KEEP_PREFIX + path, JSON.stringify(values)); } catch (e) { /* storage off */ }
    }
  }

  function keepAcrossSwitch() {
    document.querySelectorAll("form.language-switch, form.type-switch").forEach(function (switcher) {
      switcher.addEventListener("submit", function () {
        var next = switcher.querySelector('input[name="next"]');
        saveForms(next && next.value ? next.value.split("?")[0] : location.pathname);
      });
    });
    var stored;
    try {
      stored = sessionStorage.getItem(KEEP_PREFIX + location.pathname);
      sessionStorage.removeItem(KEEP_PREFIX + location.pathname);
    } catch (e) { return; }
    if (!stored) { return; }
    var values = JSON.parse(stored);
    document.querySelectorAll("form[data-keep-on-switch]").forEach(function (form) {
      keptFields(form).forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          if (values[field.name + "=" + field.value]) { field.checked = true; }
        } else if (values[field.name] !== undefined) {
          field.value = values[field.name];
        } else { return; }
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    keepAcrossSwitch();
    narrowUnits();
    toggleNamed();
    locate();
    printButton();
  });
}());
