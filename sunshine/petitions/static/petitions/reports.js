// Progressive help for the report form: narrow the unit list to the chosen region,
// hide the name fields for anonymous reports, add the current location, print the receipt.
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

  document.addEventListener("DOMContentLoaded", function () {
    narrowUnits();
    toggleNamed();
    locate();
    printButton();
  });
}());
