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

// 往年相似建议提案: follow the draft as it is typed, and quote an earlier reply's paragraph
// into the letter being written. Without the script the panel lists what the saved text
// finds, and 引用此段 saves the paragraph at the end of the letter.
(function () {
  "use strict";

  var SENT_CHARACTERS = 2000;

  function follow(panel) {
    var results = panel.querySelector("[data-similar-results]");
    var fields = {};
    ["title", "body", "session", "topic"].forEach(function (name) {
      var selector = panel.getAttribute("data-similar-" + name);
      fields[name] = selector ? document.querySelector(selector) : null;
    });
    if (!fields.title && !fields.body) { return; }
    var timer = null;
    var last = "";
    function lookup() {
      var url = new URL(panel.getAttribute("data-similar-url"), window.location.href);
      var title = fields.title ? fields.title.value.trim() : "";
      var body = fields.body ? fields.body.value.trim().slice(0, SENT_CHARACTERS) : "";
      ["session", "topic"].forEach(function (name) {
        if (fields[name] && fields[name].value) { url.searchParams.set(name, fields[name].value); }
      });
      url.searchParams.set("title", title);
      url.searchParams.set("body", body);
      if (url.toString() === last || (title + body).length < 4) { return; }
      last = url.toString();
      panel.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && last === url.toString()) { results.innerHTML = html; }
        })
        .catch(function () { /* the list stays as it was */ })
        .finally(function () { panel.removeAttribute("aria-busy"); });
    }
    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 800);
    }
    [fields.title, fields.body, fields.session, fields.topic].forEach(function (field) {
      if (field) { field.addEventListener("input", later); field.addEventListener("change", later); }
    });
  }
  document.querySelectorAll("[data-similar-url]").forEach(follow);

  // 引用此段: into the editor where the cursor is (else at the end), not saved until the
  // clerk saves; the server cleans it as it cleans everything the editor sends.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-quote]") : null;
    if (!button) { return; }
    var form = document.getElementById(button.getAttribute("form"));
    var editor = form && form.querySelector(".editor[contenteditable]");
    var source = button.parentNode.querySelector(".quote-text");
    if (!editor || !source) { return; }  // no rich editor: the form saves the quote itself
    event.preventDefault();
    var paragraph = document.createElement("p");
    paragraph.textContent = source.textContent;
    var selection = window.getSelection();
    var block = null;
    if (selection.rangeCount && editor.contains(selection.anchorNode)) {
      block = selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentNode;
      while (block && block.parentNode !== editor) { block = block.parentNode; }
    }
    if (block && block.parentNode === editor) {
      editor.insertBefore(paragraph, block.nextSibling);
    } else {
      editor.appendChild(paragraph);
    }
    paragraph.scrollIntoView({ block: "nearest" });
    button.textContent = "已引用";
    window.setTimeout(function () { button.textContent = "引用此段"; }, 2000);
  });
})();
