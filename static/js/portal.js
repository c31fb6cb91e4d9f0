// Small enhancements of our own; every page works without them.
(function () {
  "use strict";

  // Ask before steps that cannot be undone.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Follow a background job: update its progress bar, then reload when it is done.
  function follow(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (bar) { bar.max = job.total || 1; bar.value = job.done; }
          if (text) { text.textContent = job.message; }
          if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  }
  document.querySelectorAll("[data-progress-url]").forEach(follow);

  // The reply letter's editor: rich text over the form's textarea, which still carries
  // the value (as HTML) when the form is sent; the server keeps only what a letter uses.
  var TOOLS = [
    ["bold", "加粗"],
    ["italic", "倾斜"],
    ["underline", "下划线"],
    ["insertOrderedList", "编号列表"],
    ["redact", "公开时隐去"]
  ];

  function toggleRedaction(editor) {
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    var node = range.commonAncestorContainer;
    var element = node.nodeType === 1 ? node : node.parentElement;
    var marked = element.closest("span.redact");
    if (marked && editor.contains(marked)) {
      while (marked.firstChild) { marked.parentNode.insertBefore(marked.firstChild, marked); }
      marked.remove();
      return;
    }
    var span = document.createElement("span");
    span.className = "redact";
    span.title = "公开时隐去";
    span.appendChild(range.extractContents());
    range.insertNode(span);
  }

  function richEditor(area) {
    var label = document.querySelector('label[for="' + area.id + '"]');
    var editor = document.createElement("div");
    editor.className = "letter official editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (area.hasAttribute(name)) { editor.setAttribute(name, area.getAttribute(name)); }
    });
    if (label) {
      label.id = label.id || area.id + "-label";
      label.htmlFor = "";
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }
    editor.innerHTML = area.value.trim() || "<p><br></p>";

    var toolbar = document.createElement("div");
    toolbar.className = "editor-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "正文格式");
    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = tool[1];
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        editor.focus();
        if (tool[0] === "redact") { toggleRedaction(editor); } else { document.execCommand(tool[0]); }
      });
      toolbar.appendChild(button);
    });

    area.hidden = true;
    area.parentNode.insertBefore(toolbar, area);
    area.parentNode.insertBefore(editor, area);
    document.execCommand("defaultParagraphSeparator", false, "p");
    area.form.addEventListener("submit", function () { area.value = editor.innerHTML; });
  }
  document.querySelectorAll("textarea.letter-editor").forEach(richEditor);
})();
