// Live preview of a reply template in the admin, against a case chosen on the page.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("template-preview");
    var content = document.getElementById("id_content");
    if (!box || !content) { return; }
    var select = document.getElementById("preview-case");
    var output = document.getElementById("preview-output");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;

    function refresh() {
      var data = new FormData();
      data.append("content", content.value);
      data.append("assignment", select.value);
      fetch(box.getAttribute("data-preview-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" }
      })
        .then(function (response) { return response.json(); })
        .then(function (result) {
          output.textContent = result.error ? "⚠ " + result.error : result.text;
        })
        .catch(function () { output.textContent = "预览暂不可用。"; });
    }
    function later() { window.clearTimeout(timer); timer = window.setTimeout(refresh, 400); }
    content.addEventListener("input", later);
    select.addEventListener("change", refresh);
    refresh();
  });
})();
